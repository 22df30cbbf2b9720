"""The one query layer over actions: filters, facets with counts, search and order.

The public pages, the downloads, the feeds and the API all describe what they show with
an `ActionQuery` read from URL parameters, and get their rows from `find_actions` and
their facet counts from `facet_counts`. Facets combine with AND across facets and OR
within one; each facet's counts apply every other selected filter but its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from . import models, search

SORTS = ("relevance", "newest", "oldest")


class QueryError(ValueError):
    """A URL parameter that cannot be understood; the message names it."""


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


class Facet:
    """A way to narrow actions down, and to count them by its values."""

    key: str
    label: str
    limit: int | None = None

    def apply(self, queryset: QuerySet, values: list[str]) -> QuerySet:
        raise NotImplementedError

    def counts(self, queryset: QuerySet) -> list[tuple[str, str, int]]:
        """(value, label, count) for the actions of `queryset`, most frequent first."""
        raise NotImplementedError

    def label_of(self, value: str) -> str:
        return value


class ChoiceFacet(Facet):
    """A facet over a column of the action with fixed choices (body, action type)."""

    def __init__(self, key, label, column, choices):
        self.key, self.label, self.column, self.choices = key, label, column, dict(choices)

    def apply(self, queryset, values):
        return queryset.filter(**{f"{self.column}__in": values})

    def counts(self, queryset):
        rows = queryset.order_by().values(self.column).annotate(n=Count("pk"))
        return [(r[self.column], self.label_of(r[self.column]), r["n"]) for r in rows]

    def label_of(self, value):
        return str(self.choices.get(value, value))


class TermFacet(Facet):
    """A facet over linked terms (issues, regions, governments, defenders)."""

    def __init__(self, key, label, link_model, term, limit=None):
        self.key, self.label, self.link_model, self.term = key, label, link_model, term
        self.limit = limit

    def apply(self, queryset, values):
        links = self.link_model.objects.filter(
            action=OuterRef("pk"), **{f"{self.term}__slug__in": values}
        )
        return queryset.filter(Exists(links))

    def counts(self, queryset):
        rows = (
            self.link_model.objects.filter(action__in=queryset.order_by().values("pk"))
            .values(f"{self.term}__slug", f"{self.term}__name")
            .annotate(n=Count("pk"))
        )
        return [(r[f"{self.term}__slug"], r[f"{self.term}__name"], r["n"]) for r in rows]

    def label_of(self, value):
        model = self.link_model._meta.get_field(self.term).related_model
        return model.objects.filter(slug=value).values_list("name", flat=True).first() or value


class MechanismFacet(Facet):
    key, label = "mechanism", _("Mechanism")

    def apply(self, queryset, values):
        return queryset.filter(mechanism_term__slug__in=values)

    def counts(self, queryset):
        rows = (
            queryset.order_by()
            .values("mechanism_term__slug", "mechanism_term__name")
            .annotate(n=Count("pk"))
        )
        return [(r["mechanism_term__slug"], r["mechanism_term__name"], r["n"]) for r in rows]

    def label_of(self, value):
        return (
            models.Mechanism.objects.filter(slug=value).values_list("name", flat=True).first()
            or value
        )


class ResponseFacet(Facet):
    key, label = "response", _("Government response")

    def apply(self, queryset, values):
        return queryset.with_response_status().filter(response_status__in=values)

    def counts(self, queryset):
        rows = (
            queryset.with_response_status()
            .order_by()
            .values("response_status")
            .annotate(n=Count("pk"))
        )
        return [(r["response_status"], self.label_of(r["response_status"]), r["n"]) for r in rows]

    def label_of(self, value):
        return str(dict(models.ResponseStatus.choices).get(value, value))


class YearFacet(Facet):
    key, label = "year", _("Year")

    def apply(self, queryset, values):
        for value in values:
            if not value.isdigit():
                raise QueryError(f"year: {value!r} is not a year")
        return queryset.filter(year__in=[int(v) for v in values])

    def counts(self, queryset):
        rows = queryset.order_by().values("year").annotate(n=Count("pk"))
        return [(str(r["year"]), str(r["year"]), r["n"]) for r in rows]


FACETS: tuple[Facet, ...] = (
    ChoiceFacet("body", _("Body"), "body", models.Body.choices),
    MechanismFacet(),
    ChoiceFacet("type", _("Action type"), "action_type", models.ActionType.choices),
    TermFacet("issue", _("Issue"), models.ActionIssue, "issue", limit=20),
    TermFacet("region", _("Region"), models.ActionRegion, "region"),
    TermFacet("government", _("Government addressed"), models.ActionGovernment, "government"),
    ResponseFacet(),
    YearFacet(),
    TermFacet("defender", _("Defender named"), models.ActionDefender, "defender", limit=20),
)
FACETS_BY_KEY = {f.key: f for f in FACETS}


@dataclass(frozen=True)
class ActionQuery:
    """What a reader asked for: search words, selected facet values, dates and order."""

    q: str = ""
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""

    @classmethod
    def from_params(cls, params) -> ActionQuery:
        """Read a query from URL parameters (a QueryDict or a dict of lists)."""

        def getlist(key: str) -> list[str]:
            if hasattr(params, "getlist"):
                return params.getlist(key)
            value = params.get(key, [])
            return [value] if isinstance(value, str) else list(value)

        selected = {}
        for facet in FACETS:
            values = tuple(dict.fromkeys(v.strip() for v in getlist(facet.key) if v.strip()))
            if values:
                selected[facet.key] = values
        sort = (getlist("sort") or [""])[-1]
        if sort and sort not in SORTS:
            raise QueryError(f"sort: {sort!r} is not one of {', '.join(SORTS)}")
        return cls(
            q=" ".join((getlist("q") or [""])[-1].split())[:200],
            selected=selected,
            date_from=_date_param("from", getlist("from")),
            date_to=_date_param("to", getlist("to")),
            sort=sort,
        )

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "newest")

    def values(self, key: str) -> tuple[str, ...]:
        return tuple(self.selected.get(key, ()))

    def is_selected(self, key: str, value: str) -> bool:
        return value in self.values(key)

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.selected or self.date_from or self.date_to)

    def params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for facet in FACETS:
            pairs.extend((facet.key, v) for v in self.values(facet.key))
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.sort:
            pairs.append(("sort", self.sort))
        return pairs

    def querystring(self, **extra) -> str:
        pairs = self.params() + [(k, str(v)) for k, v in extra.items() if v is not None]
        return "?" + urlencode(pairs) if pairs else ""

    def toggled(self, key: str, value: str) -> ActionQuery:
        values = self.values(key)
        values = tuple(v for v in values if v != value) if value in values else (*values, value)
        selected = {k: v for k, v in self.selected.items() if k != key}
        if values:
            selected[key] = values
        return replace(self, selected=selected)


def _date_param(name: str, values: list[str]) -> dt.date | None:
    value = (values or [""])[-1].strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not a date written YYYY-MM-DD") from None


def filter_actions(
    query: ActionQuery, queryset: QuerySet | None = None, *, except_facet: str | None = None
) -> QuerySet:
    """The actions matching every part of `query` (but one facet, when asked)."""
    actions = models.Action.objects.published() if queryset is None else queryset
    for facet in FACETS:
        values = list(query.values(facet.key))
        if values and facet.key != except_facet:
            actions = facet.apply(actions, values)
    if query.date_from:
        actions = actions.filter(date__gte=query.date_from)
    if query.date_to:
        actions = actions.filter(date__lte=query.date_to)
    if query.q:
        actions = search.search(actions, query.q)
    return actions


def find_actions(query: ActionQuery, queryset: QuerySet | None = None) -> QuerySet:
    """The matching actions in the order asked for."""
    actions = filter_actions(query, queryset)
    sort = query.effective_sort
    if sort == "relevance" and query.q:
        actions = search.order_by_relevance(filter_actions(replace(query, q=""), queryset), query.q)
    elif sort == "oldest":
        actions = actions.order_by("date", "pk")
    else:
        actions = actions.order_by("-date", "pk")
    return actions


@dataclass
class FacetCounts:
    facet: Facet
    values: list[FacetValue]
    more: int = 0

    @property
    def key(self) -> str:
        return self.facet.key

    @property
    def label(self) -> str:
        return str(self.facet.label)


def facet_counts(
    query: ActionQuery, queryset: QuerySet | None = None, facets: Iterable[Facet] = FACETS
) -> list[FacetCounts]:
    """For each facet, how many actions each value would give with the other filters."""
    results = []
    for facet in facets:
        matching = filter_actions(query, queryset, except_facet=facet.key)
        counted = {value: (label, n) for value, label, n in facet.counts(matching)}
        values = [
            FacetValue(value, str(label), n, query.is_selected(facet.key, value))
            for value, (label, n) in counted.items()
        ]
        for value in query.values(facet.key):
            if value not in counted:
                values.append(FacetValue(value, str(facet.label_of(value)), 0, True))
        values.sort(key=lambda v: _facet_order(facet, v))
        more = 0
        if facet.limit and len(values) > facet.limit:
            shown = values[: facet.limit]
            shown += [v for v in values[facet.limit :] if v.selected]
            more = len(values) - len(shown)
            values = shown
        results.append(FacetCounts(facet, values, more))
    return results


def _facet_order(facet: Facet, value: FacetValue):
    if facet.key == "year":
        return (-int(value.value) if value.value.isdigit() else 0,)
    return (-value.count, value.label.casefold())
