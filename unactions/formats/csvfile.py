"""Records as CSV, one row per action, for spreadsheets.

Columns are the record schema's keys in its order. Lists of names are joined with "; ";
the nested `documents`, `response` and `related_sources` are JSON text in their cells so
that nothing is lost.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .record import SCHEMA_KEYS, Record

LIST_SEPARATOR = "; "
NESTED = ("documents", "response", "related_sources")


def dumps(records: Iterable[Record]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SCHEMA_KEYS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _cell(key, value) for key, value in record.to_dict().items()})
    return out.getvalue()


def _cell(key: str, value) -> str:
    if value is None:
        return ""
    if key in NESTED:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
