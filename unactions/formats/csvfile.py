"""Records as CSV, one row per action, for spreadsheets (see table.py for the columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import TextIO

from .errors import Problem, RecordsError
from .record import SCHEMA_KEYS, Record
from .table import check_header, iterate_records, row_of


def dumps(records: Iterable[Record]) -> str:
    return "".join(pieces(records))


def pieces(records: Iterable[Record], size: int = 1 << 16) -> Iterator[str]:
    """The text of `dumps` in pieces of about `size` characters, for collections too
    large to hold at once."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SCHEMA_KEYS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(row_of(record))
        if out.tell() >= size:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def loads(text: str) -> list[Record]:
    return load(io.StringIO(text, newline=""))


def load(stream: TextIO) -> list[Record]:
    """The records of CSV text read from `stream` (opened with newline="")."""
    return list(iterate(stream))


def iterate(stream: TextIO) -> Iterator[Record]:
    """The records of CSV text read from `stream`, each yielded once read (as
    `jsonfile.iterate`)."""
    reader = csv.DictReader(stream)
    try:
        check_header(reader.fieldnames or [])
        yield from iterate_records(_rows(reader))
    except csv.Error as error:
        raise RecordsError([Problem(f"not valid CSV ({error})", line=reader.line_num)]) from None


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, str]]]:
    for row in reader:
        if None in row:
            raise RecordsError([Problem("more cells than columns", line=reader.line_num)])
        yield reader.line_num, row
