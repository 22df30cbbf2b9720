"""Records as rows of a table (CSV, spreadsheets): one row per action, one column per key.

Lists of names are joined with "; "; the nested `documents`, `response` and
`related_sources` are JSON text in their cells, so a row holds the whole record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import Problem, RecordsError
from .jsonfile import record_from_dict
from .record import SCHEMA_KEYS, Record

LIST_SEPARATOR = "; "
NESTED = ("documents", "response", "related_sources")
LISTS = ("governments", "issues", "regions", "languages", "communication_refs", "defenders")
INTEGERS = ("mandates", "experts")


def row_of(record: Record) -> dict[str, str]:
    return {key: _cell(key, value) for key, value in record.to_dict().items()}


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in NESTED:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_header(header: list[str]) -> None:
    header = [h.strip() for h in header]
    missing = [k for k in SCHEMA_KEYS if k not in header]
    unknown = [h for h in header if h and h not in SCHEMA_KEYS]
    problems = []
    if missing:
        problems.append(Problem(f"missing column(s): {', '.join(missing)}", line=1))
    if unknown:
        problems.append(Problem(f"unknown column(s): {', '.join(unknown)}", line=1))
    if problems:
        raise RecordsError(problems)


def records_of_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[Record]:
    """Records from (line number, row) pairs, or every problem with its row and column."""
    return list(iterate_records(rows))


def iterate_records(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[Record]:
    """The records of (line number, row) pairs, each yielded once made (as
    `jsonfile.iterate`): RecordsError lists every problem, with its row and column, once
    the rows are read."""
    problems = []
    for line, row in rows:
        if not any((v or "").strip() for v in row.values()):
            continue
        where = f"row {line}" + (f" ({row['id'].strip()})" if (row.get("id") or "").strip() else "")
        try:
            record = record_from_dict(_values(row), where)
        except RecordsError as error:
            problems.extend(Problem(p.message, line=line, entry=where) for p in error.problems)
            continue
        yield record
    if problems:
        raise RecordsError(problems)


def _values(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in SCHEMA_KEYS:
        text = (row.get(key) or "").strip()
        if key in NESTED:
            if not text:
                values[key] = None if key == "response" else []
                continue
            try:
                values[key] = json.loads(text)
            except json.JSONDecodeError as error:
                raise RecordsError(
                    [Problem(f"column {key!r}: not valid JSON ({error.msg})")]
                ) from None
        elif key in LISTS:
            values[key] = [p.strip() for p in text.split(";") if p.strip()]
        elif key in INTEGERS:
            if text and not text.isdigit():
                raise RecordsError([Problem(f"column {key!r}: {text!r} is not a whole number")])
            values[key] = int(text) if text else None
        elif key == "joint":
            if text.lower() not in ("true", "false", "yes", "no", "1", "0", ""):
                raise RecordsError([Problem(f"column 'joint': {text!r} is not true or false")])
            values[key] = text.lower() in ("true", "yes", "1")
        else:
            values[key] = text or (None if key == "published_date" else "")
    return values
