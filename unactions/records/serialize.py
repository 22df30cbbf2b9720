"""Stored actions as records of the schema: the one serializer every output uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from unactions.formats import record as schema

from .models import Action

# Actions are read, with what their records hold, this many at a time: a whole
# collection at once would sit in memory, and SQLite refuses a prefetch of more ids
# than it takes parameters (32,766).
CHUNK = 1_000


def record_of(action: Action) -> schema.Record:
    """The record of a stored action (use `Action.objects.with_record()` to fetch it)."""
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
        governments=action.government_names(),
        issues=action.issue_names(),
        regions=action.region_names(),
        summary=action.summary,
        documents=[
            schema.Document(label=d.label, languages=list(d.languages), url=d.url)
            for d in action.documents.all()
        ],
        languages=list(action.languages),
        communication_refs=list(action.communication_refs),
        response=schema.Response(
            text=response.text, date=response.date, languages=list(response.languages)
        )
        if response
        else None,
        related_sources=[
            schema.RelatedSource(
                publisher=s.publisher,
                kind=s.kind,
                title=s.title,
                outlet=s.outlet,
                date=s.date,
                url=s.url,
            )
            for s in action.related_sources.all()
        ],
        defenders=[d.name for d in action.defender_list()],
    )


def records_of(actions: Iterable[Action]) -> Iterator[schema.Record]:
    if isinstance(actions, QuerySet):
        actions = actions.iterator(chunk_size=CHUNK)
    for action in actions:
        yield record_of(action)
