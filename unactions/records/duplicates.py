"""Likely duplicates: incoming records that may be an action already stored.

An editor decides for each whether to keep it as a new action or to merge it into the
stored one. Three signs are looked for: the same date and mechanism, a shared
communication reference, and a near-identical summary within a month of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Q

from unactions.formats import extract
from unactions.formats.record import Record

from .models import Action

SIMILAR_SUMMARY = 0.9


@dataclass
class Duplicate:
    record_id: str
    existing_id: str
    existing_label: str
    reasons: list[str] = field(default_factory=list)


def find_duplicates(records: Sequence[Record], *, new_ids: set[str]) -> list[Duplicate]:
    """For each record about to be created, the stored actions it may duplicate."""
    found: list[Duplicate] = []
    for record in records:
        if record.id not in new_ids:
            continue
        window = (record.date - dt.timedelta(days=31), record.date + dt.timedelta(days=31))
        mechanism = extract.named_mechanism(record.mechanism)
        refs = Q()
        for ref in record.communication_refs:
            refs |= Q(communication_refs__icontains=ref)
        candidates = (
            Action.objects.filter(
                Q(date=record.date, mechanism_term__name=mechanism)
                | Q(date__range=window)
                | Q(summary=record.summary)
                | (refs if record.communication_refs else Q(pk__in=[]))
            )
            .exclude(record_id__in=new_ids)
            .only("record_id", "date", "action", "summary", "communication_refs", "mechanism_term")
            .select_related("mechanism_term")
        )
        for action in candidates:
            reasons = _reasons(record, mechanism, action)
            if reasons:
                found.append(Duplicate(record.id, action.record_id, str(action), reasons))
    return found


def _reasons(record: Record, mechanism: str, action: Action) -> list[str]:
    reasons = []
    if action.date == record.date and action.mechanism_term.name == mechanism:
        reasons.append("same date and mechanism")
    shared = set(record.communication_refs) & set(action.communication_refs)
    if shared:
        reasons.append("same communication reference " + ", ".join(sorted(shared)))
    if record.summary == action.summary or (
        SequenceMatcher(None, record.summary, action.summary).quick_ratio() >= SIMILAR_SUMMARY
        and SequenceMatcher(None, record.summary, action.summary).ratio() >= SIMILAR_SUMMARY
    ):
        reasons.append("near-identical summary")
    return reasons
