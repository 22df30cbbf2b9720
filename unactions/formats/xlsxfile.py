"""Records as an Excel workbook (.xlsx): the same columns as the CSV, on one sheet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import Problem, RecordsError
from .record import SCHEMA_KEYS, Record
from .table import check_header, records_of_rows, row_of


def dumps(records: Iterable[Record]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("actions")
    sheet.append(list(SCHEMA_KEYS))
    for record in records:
        row = row_of(record)
        sheet.append([row[key] for key in SCHEMA_KEYS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pieces(records: Iterable[Record]) -> Iterator[bytes]:
    """The workbook as the other formats' writers give their text (`csvfile.pieces`,
    `jsonfile.pieces`), in one piece: a zip file is written whole (it holds 1,048,576
    rows at most)."""
    yield dumps(records)


def loads(data: bytes) -> list[Record]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise RecordsError([Problem("not an Excel workbook (.xlsx)")]) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    check_header(header)
    table = [
        (line, {key: _text(value) for key, value in zip(header, values, strict=False) if key})
        for line, values in enumerate(rows, start=2)
    ]
    workbook.close()
    return records_of_rows(table)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
