"""Figures about the public actions matching a query: what the statistics page charts.

Each figure is read from the tallies (records/tallies.py) when the query allows it (no
search, dates or term facet), plus a live count of the few actions whose embargo has
lapsed. Otherwise the facet index (records/facetindex.py) counts them all at once
(`indexed_figures`, passed to each function as `indexed`); without it (a database
neither SQLite nor PostgreSQL), each is counted over the matching actions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from unactions.formats.record import COMMUNICATION_TYPES

from . import facetindex, followup, models
from . import query as q
from .models import Body


@dataclass
class Series:
    """Counts by category (rows) and by group (columns), for a stacked chart and table."""

    categories: list[str]
    groups: list[tuple[str, str]]  # (key, label)
    values: dict[str, dict[str, int]]  # category -> group key -> count

    def rows(self) -> list[tuple[str, list[int], int]]:
        """The table's rows: each category with its count in each group (in the groups'
        order, as the columns) and its total."""
        keys = [key for key, _ in self.groups]
        rows = []
        for category in self.categories:
            counts = self.values[category]
            cells = [counts.get(key, 0) for key in keys]
            rows.append((category, cells, sum(cells)))
        return rows


# The facets whose most frequent values the statistics page shows, and how many.
TOPS = ("type", "issue", "mechanism", "defender")
TOP = 10


def indexed_figures(query: q.ActionQuery) -> facetindex.Figures | None:
    """The figures of a filtered query (a search, facet values, dates) from the facet
    index, counted once for the whole page; None for the whole collection, which the
    tallies count. (The tallies could count a body or an action type too, but summing
    their rows over every other value is slower than the index: at a million actions,
    seconds.)"""
    if not query.is_filtered or not facetindex.available():
        return None
    return facetindex.figures(query, dict.fromkeys(TOPS, TOP))


def _grouped(query: q.ActionQuery, fields: list[str], **live_fields) -> dict[tuple, int]:
    """Public actions matching `query`, counted by `fields`."""
    counts: dict[tuple, int] = defaultdict(int)
    live = q.filter_actions(query)
    if q.can_tally(query):
        live = q.filter_actions(query, q.lapsed_embargoes())
        for row in q.tallies_for(query).values(*fields).annotate(total=Sum("n")):
            counts[tuple(row[f] for f in fields)] += row["total"]
    rows = live.order_by().annotate(**live_fields).values(*fields).annotate(total=Count("pk"))
    for row in rows:
        counts[tuple(row[f] for f in fields)] += row["total"]
    return {key: n for key, n in counts.items() if n}


def by_period_and_body(
    query: q.ActionQuery, *, monthly: bool = False, indexed: facetindex.Figures | None = None
) -> Series:
    if indexed is not None:
        counts = defaultdict(int)
        for (year, month, body), n in indexed.periods.items():
            counts[(year, month, body) if monthly else (year, body)] += n
    elif monthly:
        counts = _grouped(query, ["year", "month", "body"], month=ExtractMonth("date"))
    else:
        counts = _grouped(query, ["year", "body"])
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for (year, *month, body), n in counts.items():
        period = f"{year}-{month[0]:02d}" if monthly else str(year)
        values[period][body] = n
    used = {body for counts in values.values() for body in counts}
    groups = [(key, str(label)) for key, label in Body.choices if key in used]
    return Series(sorted(values), groups, dict(values))


def top(
    query: q.ActionQuery,
    facet_key: str,
    limit: int | None = TOP,
    indexed: facetindex.Figures | None = None,
) -> list[tuple[str, str, int]]:
    """(value, label, count) of one facet over the matching actions, most frequent first
    (from `indexed`, `TOP` at most)."""
    facet = q.FACETS_BY_KEY[facet_key]
    rows = None
    if indexed is not None:
        # Of a term facet, the index counted the most frequent values (ties included).
        rows = facet.labelled(indexed.tops[facet_key])
    elif q.can_tally(query) and not query.values(facet_key):
        lapsed = q.lapsed_embargoes()
        if lapsed.exists():
            rows = facet.tallied(query)
            if rows is not None:
                rows = q.add_counts(rows, facet.counts(q.filter_actions(query, lapsed)))
        else:
            rows = facet.tallied(query, limit)
    if rows is None:
        rows = facet.counts(q.filter_actions(query))
    rows = sorted(rows, key=lambda r: (-r[2], str(r[1]).casefold()))
    return [(value, str(label), n) for value, label, n in rows[:limit]]


def total(query: q.ActionQuery, indexed: facetindex.Figures | None = None) -> int:
    if indexed is not None:
        return indexed.total
    return q.count_public(query)


@dataclass(frozen=True)
class ReplyRate:
    year: int
    communications: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.communications if self.communications else 0.0


def reply_rate_by_year(
    query: q.ActionQuery, indexed: facetindex.Figures | None = None
) -> list[ReplyRate]:
    if indexed is not None:
        return [ReplyRate(year, *indexed.replies[year]) for year in sorted(indexed.replies)]
    sent = Q(action_type__in=COMMUNICATION_TYPES)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    live = q.filter_actions(query)
    if q.can_tally(query):
        live = q.filter_actions(query, q.lapsed_embargoes())
        rows = (
            q.tallies_for(query)
            .filter(sent)
            .values("year")
            .annotate(total=Sum("n"), answered=Sum("n", filter=Q(responded=True)))
        )
        for row in rows:
            counts[row["year"]][0] += row["total"]
            counts[row["year"]][1] += row["answered"] or 0
    rows = (
        live.filter(sent)
        .order_by()
        .values("year")
        .annotate(total=Count("pk"), answered=Count("response"))
    )
    for row in rows:
        counts[row["year"]][0] += row["total"]
        counts[row["year"]][1] += row["answered"]
    return [ReplyRate(year, *counts[year]) for year in sorted(counts) if counts[year][0]]


def replies_by_government(
    query: q.ActionQuery, indexed: facetindex.Figures | None = None
) -> list[followup.GovernmentReplies]:
    """Per government addressed: communications, answered, median days to reply; each
    government named in the reader's language."""
    rows = _replies_by_government(query, indexed)
    names = models.Government.objects.filter(name__in=[row.government for row in rows])
    labels = {n: models.in_language(n, zh) for n, zh in names.values_list("name", "name_zh")}
    return [replace(row, government=labels.get(row.government, row.government)) for row in rows]


def _replies_by_government(
    query: q.ActionQuery, indexed: facetindex.Figures | None
) -> list[followup.GovernmentReplies]:
    if indexed is not None:
        names = models.Government.objects.filter(pk__in=indexed.governments)
        figures: dict[str, followup.ReplyFigures] = {}
        for pk, name in names.values_list("pk", "name"):
            sent, answered, days = indexed.governments[pk]
            more = followup.ReplyFigures(sent, answered, Counter(days))
            figures.setdefault(name, followup.ReplyFigures()).add(more)
        return followup.government_replies(figures)
    if not q.can_tally(query) or set(query.selected) - {"body", "type"}:
        return followup.replies_by_government(q.filter_actions(query))
    wanted = {"action_type__in": [t for t in COMMUNICATION_TYPES if t in query.values("type")]}
    if not query.values("type"):
        wanted["action_type__in"] = list(COMMUNICATION_TYPES)
    if query.values("body"):
        wanted["body__in"] = list(query.values("body"))
    sent = (
        models.TermTally.objects.filter(kind="government", **wanted)
        .exclude(body="")
        .values("term_id")
        .annotate(total=Sum("n"))
    )
    names = dict(models.Government.objects.values_list("pk", "name"))
    figures = {
        names[row["term_id"]]: followup.ReplyFigures(row["total"])
        for row in sent
        if row["term_id"] in names
    }
    replies = (
        models.ReplyTally.objects.filter(**wanted)
        .values("government_id", "dated", "days")
        .annotate(total=Sum("n"))
    )
    for row in replies:
        if row["total"] and names.get(row["government_id"]) in figures:
            government = figures[names[row["government_id"]]]
            government.answered += row["total"]
            if row["dated"]:
                government.days[row["days"]] += row["total"]
    lapsed = followup.reply_figures(q.filter_actions(query, q.lapsed_embargoes()))
    for name, more in lapsed.items():
        figures.setdefault(name, followup.ReplyFigures()).add(more)
    return followup.government_replies(figures)
