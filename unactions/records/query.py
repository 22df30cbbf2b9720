"""The one query layer over actions: filters, facets with counts, search and order.

The public pages, the downloads, the feeds and the API all describe what they show with
an `ActionQuery` read from URL parameters, and get their rows from `find_actions` and
their facet counts from `facet_counts`. Facets combine with AND across facets and OR
within one; each facet's counts apply every other selected filter but its own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import numpy as np
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unactions.formats.record import COMMUNICATION_TYPES

from . import facetindex, models, search

SORTS = ("relevance", "newest", "oldest")


class QueryError(ValueError):
    """A URL parameter that cannot be understood; the message names it, in the page's
    language (the API's addresses have none: English)."""


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

    def check(self, values: Iterable[str]) -> None:
        """Raise QueryError when a value cannot be one of this facet's."""

    def tallied(self, query: ActionQuery, top: int | None = None) -> list | None:
        """The counts of `facet.counts`, read from the tallies (records/tallies.py) when
        they can answer for this query; None when they cannot. With `top`, they may be
        the most frequent values only (a `Partial`)."""
        return None


class ColumnFacet(Facet):
    """A facet over a dimension of `ActionTally`, which counts it for any combination
    of the other column facets while no term facet is selected."""

    dimension: str

    def tallied(self, query, top=None):
        if any(query.values(f.key) for f in FACETS if isinstance(f, TermFacet)):
            return None
        rows = (
            tallies_for(query, except_facet=self.key)
            .values(self.dimension)
            .annotate(n=Sum("n"))
            .filter(n__gt=0)
        )
        return self.labelled({row[self.dimension]: row["n"] for row in rows})

    def labelled(self, counts: dict) -> list[tuple[str, str, int]]:
        return [(str(value), self.label_of(str(value)), n) for value, n in counts.items()]

    def tally_filter(self, values: list[str]) -> Q:
        return Q(**{f"{self.dimension}__in": values})

    def row_value(self, row: dict):
        """The facet's value in a row of `ActionTally` or of `_column_counts`."""
        return row[self.dimension]

    def wanted(self, values: list[str]) -> set:
        """The selected values as `row_value` gives them."""
        return set(values)


class ChoiceFacet(ColumnFacet):
    """A facet over a column of the action with fixed choices (body, action type)."""

    def __init__(self, key, label, column, choices):
        self.key, self.label, self.column, self.choices = key, label, column, dict(choices)
        self.dimension = column

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
        # The actions linked to one of the terms, found from the term's side: a defender's
        # few actions are looked up rather than found by scanning all of them.
        links = self.link_model.objects.filter(**{f"{self.term}__slug__in": values})
        return queryset.filter(pk__in=links.values("action_id"))

    def counts(self, queryset):
        rows = (
            self.link_model.objects.filter(action__in=queryset.order_by().values("pk"))
            .values(*_named_fields(self.term))
            .annotate(n=Count("pk"))
        )
        return _named_rows(rows, self.term)

    @property
    def term_model(self):
        return self.link_model._meta.get_field(self.term).related_model

    def label_of(self, value):
        return _label_of(self.term_model, value)

    def labelled(self, found: dict[int, int], distinct: int | None = None) -> Partial:
        """Counts by term id as (slug, name, count), of the top values only when the
        facet has a limit (ties included, so that the order by name stays exact).
        `distinct`: how many terms have a count, when `found` is the top ones already."""
        totals = found
        if distinct is None:
            distinct = len(found)
            if self.limit and len(totals) > self.limit:
                least = sorted(totals.values(), reverse=True)[self.limit - 1]
                totals = {pk: n for pk, n in totals.items() if n >= least}
        return self._named(totals, distinct)

    def _named(self, totals: dict[int, int], distinct: int | None) -> Partial:
        """Counts by term id as (slug, name, count)."""
        rows = Partial(_named_counts(self.term_model, totals))
        rows.distinct = distinct
        return rows

    def tallied(self, query, top=None):
        if set(query.selected) - {self.key, "body", "type"}:
            return None
        counts = models.TermTally.objects.filter(kind=self.term, n__gt=0)
        if query.values("body") or query.values("type"):
            counts = counts.exclude(body="").filter(
                **{"body__in": query.values("body")} if query.values("body") else {},
                **{"action_type__in": query.values("type")} if query.values("type") else {},
            )
        else:
            counts = counts.filter(body="")
        bodies, types = query.values("body"), query.values("type")
        if len(bodies) <= 1 and len(types) <= 1 and bool(bodies) == bool(types):
            # One row per term (all bodies and types, or one of each): the most frequent
            # are read from an index in the order of their counts.
            totals = counts.annotate(total=F("n"))
            by_count = counts.order_by("-n").values_list("n", flat=True)
        else:
            totals = counts.values("term_id").annotate(total=Sum("n")).filter(total__gt=0)
            by_count = totals.order_by("-total").values_list("total", flat=True)
        distinct = None
        if top:
            # Only the values that can be among the `top` most frequent (ties included,
            # so that the order by name stays exact) and the selected ones.
            distinct = totals.count()
            least = by_count[top - 1 : top]
            if least:
                selected = self.term_model.objects.filter(slug__in=query.values(self.key))
                selected = selected.values("pk")
                totals = totals.filter(Q(total__gte=least[0]) | Q(term_id__in=selected))
        return self._named(dict(totals.values_list("term_id", "total")), distinct)


def _named_fields(relation: str) -> list[str]:
    """The fields a facet's counts read of the term at the end of `relation`."""
    return [f"{relation}__slug", f"{relation}__name", f"{relation}__name_zh"]


def _named_rows(rows, relation: str) -> list[tuple[str, str, int]]:
    """(slug, name in the reader's language, count) of rows with `_named_fields` and n."""
    slug, name, name_zh = _named_fields(relation)
    return [(r[slug], models.in_language(r[name], r[name_zh]), r["n"]) for r in rows]


def _named_counts(model, counts: dict[int, int]) -> list[tuple[str, str, int]]:
    """(slug, name in the reader's language, count) of the terms counted by id."""
    names = model.objects.filter(pk__in=counts).values_list("pk", "slug", "name", "name_zh")
    return [(slug, models.in_language(name, zh), counts[pk]) for pk, slug, name, zh in names]


def _label_of(model, slug: str) -> str:
    """The name of the term with this slug, in the reader's language; the slug itself
    when there is no such term."""
    names = model.objects.filter(slug=slug).values_list("name", "name_zh").first()
    return models.in_language(*names) if names else slug


class Partial(list):
    """A facet's counts, perhaps of its most frequent values only: then `distinct` says
    how many values it has in all."""

    distinct: int | None = None


class MechanismFacet(ColumnFacet):
    key, label, dimension = "mechanism", _("Mechanism"), "mechanism_id"

    def apply(self, queryset, values):
        return queryset.filter(mechanism_term__slug__in=values)

    def counts(self, queryset):
        rows = queryset.order_by().values(*_named_fields("mechanism_term")).annotate(n=Count("pk"))
        return _named_rows(rows, "mechanism_term")

    def label_of(self, value):
        return _label_of(models.Mechanism, value)

    def labelled(self, counts):
        return _named_counts(models.Mechanism, counts)

    def tally_filter(self, values):
        return Q(mechanism_id__in=models.Mechanism.objects.filter(slug__in=values).values("pk"))

    def wanted(self, values):
        return set(models.Mechanism.objects.filter(slug__in=values).values_list("pk", flat=True))


class ResponseFacet(ColumnFacet):
    key, label, dimension = "response", _("Government response"), "response_status"

    def row_value(self, row):
        if row["responded"]:
            return models.ResponseStatus.RECEIVED
        if row["action_type"] in COMMUNICATION_TYPES:
            return models.ResponseStatus.NONE
        return models.ResponseStatus.NOT_APPLICABLE

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


class YearFacet(ColumnFacet):
    key, label, dimension = "year", _("Year"), "year"

    def check(self, values):
        for value in values:
            if not value.isdigit():
                raise QueryError(gettext("year: %(value)s is not a year") % {"value": repr(value)})

    def apply(self, queryset, values):
        self.check(values)
        return queryset.filter(year__in=[int(v) for v in values])

    def tally_filter(self, values):
        return Q(year__in=[int(v) for v in values])

    def wanted(self, values):
        return {int(v) for v in values}

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
                facet.check(values)
                selected[facet.key] = values
        sort = (getlist("sort") or [""])[-1]
        if sort and sort not in SORTS:
            raise QueryError(
                gettext("sort: %(value)s is not one of %(choices)s")
                % {"value": repr(sort), "choices": ", ".join(SORTS)}
            )
        date_from, date_to = _date_param("from", getlist("from")), _date_param("to", getlist("to"))
        if date_from and date_to and date_from > date_to:
            # Otherwise an empty list, as if nothing happened between them.
            raise QueryError(
                gettext("from: %(start)s is after to: %(end)s")
                % {"start": date_from, "end": date_to}
            )
        return cls(
            q=" ".join((getlist("q") or [""])[-1].split())[:200],
            selected=selected,
            date_from=date_from,
            date_to=date_to,
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
        raise QueryError(
            gettext("%(name)s: %(value)s is not a date written YYYY-MM-DD")
            % {"name": name, "value": repr(value)}
        ) from None


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


def listed_actions(query: ActionQuery, indexed: facetindex.Counts | None = None):
    """`find_actions(query).with_record()`, for a paginator; a query whose matches the
    facet index found (and ranked, when a search by relevance) is put in order by the
    index."""
    sort = query.effective_sort
    if indexed is None or (sort == "relevance" and indexed.scores is None):
        return find_actions(query).with_record()
    return IndexedActions(indexed, sort)


class IndexedActions:
    """The actions of a filtered query in the order of `sort`, as a paginator slices
    them: the index gives the ids of a page, the database their rows."""

    def __init__(self, indexed: facetindex.Counts, sort: str, after=None):
        self.indexed, self.sort, self.after = indexed, sort, after

    def after_action(self, date: dt.date, pk: int) -> IndexedActions:
        """The actions that come after the one with this date and key, in date order
        (for cursors)."""
        return IndexedActions(self.indexed, self.sort, (date, pk))

    def count(self) -> int:
        """How many actions match (before any cursor)."""
        return self.indexed.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.indexed.total)
        ids = self.indexed.ordered(start, stop, self.sort, self.after)
        rows = models.Action.objects.published().with_record().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


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


def indexed_query(query: ActionQuery, facets: bool = True) -> facetindex.Counts | None:
    """For a filtered query (a search, facet values, dates), its matching actions and
    (with `facets`) its facet counts from the facet index (records/facetindex.py); None
    for the whole list, which the tallies count."""
    if query.is_filtered and facetindex.available():
        return facetindex.counts(query, facets)
    return None


def facet_counts(
    query: ActionQuery,
    queryset: QuerySet | None = None,
    facets: Iterable[Facet] = FACETS,
    indexed: facetindex.Counts | None = None,
) -> list[FacetCounts]:
    """For each facet, how many actions each value would give with the other filters
    (`indexed`: what `indexed_query` found for `query`, when already asked)."""
    results = []
    columns = terms = None
    if indexed is None and queryset is None:
        indexed = indexed_query(query)
    tallied = indexed is None and queryset is None
    tallied = tallied and not (query.q or query.date_from or query.date_to)
    lapsed = lapsed_embargoes() if tallied else None
    lapsed_exist = tallied and lapsed.exists()
    for facet in facets:
        # Live counts of lapsed embargoes can lift any value into the top: then all.
        rows = facet.tallied(query, None if lapsed_exist else facet.limit) if tallied else None
        if indexed is not None:
            found = indexed.facets[facet.key]
            if isinstance(facet, TermFacet):
                rows = facet.labelled(found, indexed.distinct[facet.key])
            else:
                rows = facet.labelled(found)
        elif rows is None and isinstance(facet, ColumnFacet):
            if columns is None:
                columns = _column_counts(query, queryset)
            rows = columns[facet.key]
        elif rows is None and isinstance(facet, TermFacet) and not query.values(facet.key):
            if terms is None:
                unselected = [
                    f for f in facets if isinstance(f, TermFacet) and not query.values(f.key)
                ]
                terms = _term_counts(query, queryset, unselected)
            rows = terms[facet.key]
        elif rows is None:
            rows = facet.counts(filter_actions(query, queryset, except_facet=facet.key))
        elif lapsed_exist:
            live = facet.counts(filter_actions(query, lapsed, except_facet=facet.key))
            rows = add_counts(rows, live)
        counted = {value: (label, n) for value, label, n in rows}
        values = [
            FacetValue(value, str(label), n, query.is_selected(facet.key, value))
            for value, (label, n) in counted.items()
        ]
        for value in query.values(facet.key):
            if value not in counted:
                values.append(FacetValue(value, str(facet.label_of(value)), 0, True))
        values.sort(key=lambda v: _facet_order(facet, v))
        more = 0
        distinct = getattr(rows, "distinct", None)
        if facet.limit and (len(values) > facet.limit or distinct is not None):
            shown = values[: facet.limit]
            shown += [v for v in values[facet.limit :] if v.selected]
            if distinct is None:
                distinct = len([v for v in values if v.count])
            more = distinct - len([v for v in shown if v.count])
            values = shown
        results.append(FacetCounts(facet, values, more))
    return results


def _column_counts(query: ActionQuery, queryset: QuerySet | None) -> dict[str, list]:
    """The counts of every column facet from one pass over the matching actions: they
    are grouped by all five columns at once, and each facet sums the groups that pass
    the other column facets' filters."""
    columns = [f for f in FACETS if isinstance(f, ColumnFacet)]
    others = {
        k: v for k, v in query.selected.items() if not isinstance(FACETS_BY_KEY[k], ColumnFacet)
    }
    responded = Exists(models.Response.objects.filter(action=OuterRef("pk")))
    rows = (
        filter_actions(replace(query, selected=others), queryset)
        .order_by()
        .annotate(responded=responded, mechanism_id=F("mechanism_term_id"))
        .values("body", "action_type", "year", "mechanism_id", "responded")
        .annotate(n=Count("pk"))
    )
    wanted = {f.key: f.wanted(list(query.values(f.key))) for f in columns if query.values(f.key)}
    counts: dict[str, dict] = {f.key: {} for f in columns}
    for row in rows:
        values = {f.key: f.row_value(row) for f in columns}
        passes = {key for key, allowed in wanted.items() if values[key] in allowed}
        for facet in columns:
            if passes >= wanted.keys() - {facet.key}:
                value = values[facet.key]
                counts[facet.key][value] = counts[facet.key].get(value, 0) + row["n"]
    return {f.key: f.labelled(counts[f.key]) for f in columns}


def _term_counts(query: ActionQuery, queryset: QuerySet | None, facets: list[TermFacet]):
    """The counts of term facets none of whose values is selected, from one pass over
    their link tables: they all count the same matching actions, found once."""
    matching = filter_actions(query, queryset).order_by().values("pk")
    sql, params = matching.query.sql_with_params()
    links = " UNION ALL ".join(
        f"SELECT '{f.key}' AS kind, action_id, "
        f"{f.link_model._meta.get_field(f.term).column} AS term_id "
        f"FROM {f.link_model._meta.db_table}"
        for f in facets
    )
    # SQLite runs the search once for the four link tables when it is a CTE. PostgreSQL
    # knows nothing of a CTE's rows and looked each match up in each table (1.5 s for
    # 68,000 matches); a subquery it estimates, and hashes (0.6 s).
    if connection.vendor == "postgresql":
        cte, matching = "", f"({sql})"
    else:
        cte, matching = f"WITH matching AS MATERIALIZED ({sql}) ", "(SELECT * FROM matching)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{cte}SELECT links.kind, links.term_id, COUNT(*) FROM ({links}) AS links "
            f"WHERE links.action_id IN {matching} "
            "GROUP BY links.kind, links.term_id",
            params,
        )
        found: dict[str, dict[int, int]] = {f.key: {} for f in facets}
        for kind, term_id, n in cursor.fetchall():
            found[kind][term_id] = n
    return {facet.key: facet.labelled(found[facet.key]) for facet in facets}


def named(key: str, order: Iterable[str] = ("name",)) -> Named:
    """The terms of a term facet, or with "mechanism" the mechanisms, that public actions
    name, in `order`, each with how many as `n`: counted by the facet index (joining
    every link in SQL, the API's 50,000 defenders took 12-19 s at a million actions), or
    in SQL without one."""
    facet = FACETS_BY_KEY[key]
    terms = isinstance(facet, TermFacet)
    model = facet.term_model if terms else models.Mechanism
    published = models.Action.objects.published().order_by()
    if facetindex.available():
        counts = facetindex.totals(key)
    elif terms:
        links = facet.link_model.objects.filter(action__in=published).order_by()
        counts = dict(links.values_list(f"{facet.term}_id").annotate(n=Count("pk")))
    else:
        counts = dict(published.values_list("mechanism_term_id").annotate(n=Count("pk")))
    return Named(model.objects.order_by(*order), counts)


class Named(Sequence):
    """Terms in the order of `terms` (a query), those with a count in `counts` only,
    each with its count as `n`. Their ids are read at once; the terms themselves only
    for what is asked for: a page of the defender list needs 500 of them, and making
    all 50,000 of a million actions took 0.45 s (their ids, 0.04 s)."""

    def __init__(self, terms: QuerySet, counts: dict[int, int]):
        self.terms, self.counts = terms, counts
        self.ids = [pk for pk in terms.values_list("pk", flat=True) if counts.get(pk)]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        ids = self.ids[index] if isinstance(index, slice) else [self.ids[index]]
        found = self.terms.in_bulk(ids)
        terms = [self._counted(found[pk]) for pk in ids if pk in found]
        return terms if isinstance(index, slice) else terms[0]

    def __iter__(self) -> Iterator:
        # All of them: one query, in order.
        return (self._counted(term) for term in self.terms if term.pk in self._wanted)

    @functools.cached_property
    def _wanted(self) -> set[int]:
        return set(self.ids)

    def _counted(self, term):
        term.n = self.counts[term.pk]
        return term


def public_ids() -> list[int]:
    """The ids of the public actions, in order: from the facet index's mask of them
    (0.03 s at a million actions, where the sitemap's index took about a second to
    find its parts in SQL), or in SQL without one."""
    if facetindex.available():
        matching = facetindex.counts(ActionQuery(), facets=False).matching
        return np.flatnonzero(matching).tolist()
    return list(models.Action.objects.published().order_by("pk").values_list("pk", flat=True))


def count_actions(query: ActionQuery) -> int | None:
    """How many public actions match `query`, from the tallies; None when they cannot
    tell (a search, dates or a term facet are part of the query)."""
    if not can_tally(query):
        return None
    total = tallies_for(query).aggregate(n=Sum("n"))["n"] or 0
    return total + filter_actions(query, lapsed_embargoes()).count()


def count_public(query: ActionQuery) -> int:
    """How many public actions match `query`: from the tallies when they can tell,
    counted otherwise."""
    counted = count_actions(query)
    return filter_actions(query).count() if counted is None else counted


def matching(query: ActionQuery, facets: list[FacetCounts]) -> int:
    """How many actions match `query`, from its facet counts: every action has one body,
    so they are the body facet's counts of the selected bodies (or of all)."""
    [body] = [f for f in facets if f.key == "body"]
    selected = query.values("body")
    return sum(v.count for v in body.values if not selected or v.value in selected)


def can_tally(query: ActionQuery) -> bool:
    """Whether the tallies count the public actions matching `query`: it has no search,
    no dates and no term facet (their counts need the actions themselves)."""
    if query.q or query.date_from or query.date_to:
        return False
    return not any(query.values(f.key) for f in FACETS if isinstance(f, TermFacet))


def lapsed_embargoes() -> QuerySet:
    """Published actions whose embargo has passed: public, but not in the tallies (they
    became public with the calendar, not with an edit), so counted live."""
    lapsed = models.Action.objects.filter(
        # "Not null" lets SQLite skip the actions with no embargo in the index.
        embargo_until__isnull=False,
        embargo_until__lte=timezone.localdate(),
        status=models.Status.PUBLISHED,
    ).values_list("pk", flat=True)
    # By primary key, so that the database starts from these few actions rather than from
    # an index that suits a GROUP BY; none at all, and nothing more is asked.
    ids = list(lapsed[: LAPSED_LISTED + 1])
    return models.Action.objects.filter(pk__in=ids if len(ids) <= LAPSED_LISTED else lapsed)


# Up to this many lapsed embargoes are passed to queries as a list of keys.
LAPSED_LISTED = 2000


def tallies_for(query: ActionQuery, except_facet: str | None = None) -> QuerySet:
    """The rows of `ActionTally` matching the column facets of `query` (but one)."""
    rows = models.ActionTally.objects.order_by().annotate(
        response_status=Case(
            When(responded=True, then=Value(models.ResponseStatus.RECEIVED)),
            When(action_type__in=COMMUNICATION_TYPES, then=Value(models.ResponseStatus.NONE)),
            default=Value(models.ResponseStatus.NOT_APPLICABLE),
            output_field=CharField(),
        )
    )
    for facet in FACETS:
        values = list(query.values(facet.key))
        if values and facet.key != except_facet and isinstance(facet, ColumnFacet):
            rows = rows.filter(facet.tally_filter(values))
    return rows


def add_counts(*counts: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    total: dict[str, tuple[str, int]] = {}
    for rows in counts:
        for value, label, n in rows:
            total[value] = (label, total.get(value, (label, 0))[1] + n)
    return [(value, label, n) for value, (label, n) in total.items()]


def _facet_order(facet: Facet, value: FacetValue):
    if facet.key == "year":
        return (-int(value.value) if value.value.isdigit() else 0,)
    return (-value.count, value.label.casefold())
