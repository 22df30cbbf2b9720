"""Small functions that build the rows a test needs."""

from __future__ import annotations

import datetime as dt
import itertools

from unactions.formats.record import Record, Response
from unactions.records.loader import load_records
from unactions.records.models import Action

_numbers = itertools.count(1)

# Edits that move an action between facet values, or in or out of public view.
ACTION_EDITS = [
    {"status": "draft"},
    {"embargo_until": dt.date(2030, 1, 1)},
    {"body": "treaty_body", "action_type": "concluding_observations"},
    {"date": dt.date(2011, 3, 4)},
]


def record(**fields) -> Record:
    number = next(_numbers)
    values = dict(
        id=f"test-{number}",
        date=dt.date(2021, 1, 1),
        date_text="1 January 2021",
        body="special_procedures",
        mechanism="Special Procedures (three mandates)",
        action_type="press_release",
        action="Press Release",
        summary=f"Test action number {number}.",
        issues=["test issue"],
        regions=["mainland China"],
    )
    values.update(fields)
    if isinstance(values.get("response"), str):
        values["response"] = Response(text=values["response"])
    return Record(**values)


def create_action(**fields) -> Action:
    rec = record(**fields)
    load_records([rec])
    return Action.objects.get(record_id=rec.id)
