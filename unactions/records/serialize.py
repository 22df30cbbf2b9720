"""Stored actions as records of the schema: the one serializer every output uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from unactions.formats import record as schema

from . import models
from .bulk import chunks
from .models import Action

# Actions are read, with what their records hold, this many at a time: a whole
# collection at once would sit in memory, and SQLite refuses a query naming more ids
# than it takes parameters (32,766).
CHUNK = 1_000


def record_of(action: Action) -> schema.Record:
    """The record of a stored action (use `Action.objects.with_record()` to fetch it)."""
    return _record(
        action,
        governments=action.government_names(),
        issues=action.issue_names(),
        regions=action.region_names(),
        defenders=[d.name for d in action.defender_list()],
        documents=[_document(d.label, d.languages, d.url) for d in action.documents.all()],
        related_sources=[
            _source(s.publisher, s.kind, s.title, s.outlet, s.date, s.url)
            for s in action.related_sources.all()
        ],
    )


def records_of(actions: Iterable[Action]) -> Iterator[schema.Record]:
    """The records of these actions; of a QuerySet, read a chunk at a time, with what
    the actions hold read as rows, not as model instances (a prefetch makes a query set
    for each action and relation: three times slower for a whole collection)."""
    if not isinstance(actions, QuerySet):
        yield from map(record_of, actions)
        return
    for _, record in with_records(actions):
        yield record


def with_records(
    actions: QuerySet, fields: Iterable[str] = (), related: Iterable[str] = ()
) -> Iterator[tuple[Action, schema.Record]]:
    """Each action of the query set with its record, read as `records_of` reads them:
    the actions with only the columns a record shows (not the search text, which is
    longer than the summary, nor the mechanism's row), and `fields` beside them (of
    the rows `related` too)."""
    actions = (
        actions.prefetch_related(None)
        .select_related(None)
        .select_related("response", *related)
        .only(*_RECORD_COLUMNS, *fields, *(f"response__{name}" for name in _RESPONSE_COLUMNS))
    )
    for chunk in chunks(actions.iterator(chunk_size=CHUNK), CHUNK):
        held = _held([action.pk for action in chunk])
        for action in chunk:
            yield (
                action,
                _record(action, **{key: values[action.pk] for key, values in held.items()}),
            )


# What `_record` reads of an action (the schema's keys that are the action's own
# columns: the rest of a record is held in other tables) and of its response.
_RECORD_COLUMNS = (
    "record_id",
    *(key for key in schema.SCHEMA_KEYS if key in {f.name for f in Action._meta.concrete_fields}),
)
_RESPONSE_COLUMNS = ("text", "date", "languages")


def _record(action: Action, **held) -> schema.Record:
    """The record of an action (fetched `with_record_joins()`, or with `_RECORD_COLUMNS`
    and its response's), with what it holds."""
    response = action.response_or_none()
    return schema.Record(
        id=action.record_id,
        date=action.date,
        date_text=action.date_text,
        published_date=action.published_date,
        body=action.body,
        mechanism=action.mechanism,
        mandates=action.mandates,
        experts=action.experts,
        action_type=action.action_type,
        action=action.action,
        joint=action.joint,
        summary=action.summary,
        languages=list(action.languages),
        communication_refs=list(action.communication_refs),
        response=schema.Response(
            text=response.text, date=response.date, languages=list(response.languages)
        )
        if response
        else None,
        **held,
    )


def _document(label, languages, url) -> schema.Document:
    return schema.Document(label=label, languages=list(languages), url=url)


def _source(publisher, kind, title, outlet, date, url) -> schema.RelatedSource:
    return schema.RelatedSource(
        publisher=publisher, kind=kind, title=title, outlet=outlet, date=date, url=url
    )


# What a record holds beyond the action's own row: record field -> model, the columns
# read (after the action's id), and what makes a record's value of each row.
_HELD = {
    "governments": (models.ActionGovernment, ["government__name"], lambda name: name),
    "issues": (models.ActionIssue, ["issue__name"], lambda name: name),
    "regions": (models.ActionRegion, ["region__name"], lambda name: name),
    "defenders": (models.ActionDefender, ["defender__name"], lambda name: name),
    "documents": (models.Document, ["label", "languages", "url"], _document),
    "related_sources": (
        models.RelatedSource,
        ["publisher", "kind", "title", "outlet", "date", "url"],
        _source,
    ),
}


def _held(ids: list[int]) -> dict[str, dict[int, list]]:
    """For each record field in `_HELD`, its values by action id, in their order."""
    held = {}
    for key, (model, columns, make) in _HELD.items():
        rows = (
            model.objects.filter(action_id__in=ids)
            .order_by("action_id", "position", "pk")
            .values_list("action_id", *columns)
        )
        values = defaultdict(list)
        for action_id, *row in rows:
            values[action_id].append(make(*row))
        held[key] = values
    return held
