"""Figures about a set of actions: what the statistics page charts and tabulates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth

from unactions.formats.record import COMMUNICATION_TYPES

from . import query as q
from .models import Body


@dataclass
class Series:
    """Counts by category (rows) and by group (columns), for a stacked chart and table."""

    categories: list[str]
    groups: list[tuple[str, str]]  # (key, label)
    values: dict[str, dict[str, int]]  # category -> group key -> count

    def total(self, category: str) -> int:
        return sum(self.values[category].values())


def by_period_and_body(actions: QuerySet, *, monthly: bool = False) -> Series:
    fields = {"month": ExtractMonth("date")} if monthly else {}
    rows = (
        actions.order_by()
        .annotate(**fields)
        .values("year", *fields, "body")
        .annotate(n=Count("pk"))
    )
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        period = f"{row['year']}-{row['month']:02d}" if monthly else str(row["year"])
        values[period][row["body"]] = row["n"]
    used = {body for counts in values.values() for body in counts}
    groups = [(key, str(label)) for key, label in Body.choices if key in used]
    return Series(sorted(values), groups, dict(values))


def top(actions: QuerySet, facet_key: str, limit: int | None = 10) -> list[tuple[str, str, int]]:
    """(value, label, count) of one facet over `actions`, most frequent first."""
    facet = q.FACETS_BY_KEY[facet_key]
    rows = sorted(facet.counts(actions), key=lambda r: (-r[2], str(r[1]).casefold()))
    return [(value, str(label), n) for value, label, n in rows[:limit]]


@dataclass(frozen=True)
class ReplyRate:
    year: int
    communications: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.communications if self.communications else 0.0


def reply_rate_by_year(actions: QuerySet) -> list[ReplyRate]:
    rows = (
        actions.filter(action_type__in=COMMUNICATION_TYPES)
        .order_by()
        .values("year")
        .annotate(total=Count("pk"), answered=Count("response"))
        .order_by("year")
    )
    return [ReplyRate(r["year"], r["total"], r["answered"]) for r in rows]
