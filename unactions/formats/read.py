"""Reading records from a file in any format the tracker takes in.

The page's text format, the JSON that `export` writes, and CSV or Excel workbooks with
the export's columns. The format is told by the file's name, else by its first bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from . import csvfile, jsonfile, xlsxfile
from .errors import Problem, RecordsError
from .page import parse_page
from .record import SCHEMA_KEYS, Record

_EXTENSIONS = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".txt": "page"}


def detect_format(name: str, data: bytes) -> str:
    if (found := _EXTENSIONS.get(Path(name).suffix.lower())) is not None:
        return found
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if start.startswith(b"["):
        return "json"
    if start.startswith(",".join(SCHEMA_KEYS[:3]).encode()):
        return "csv"
    return "page"


def parse_records(data: bytes, name: str = "", format: str | None = None) -> list[Record]:
    """The records in a file's bytes; RecordsError lists every problem with its place."""
    format = format or detect_format(name, data)
    if format == "xlsx":
        return xlsxfile.loads(data)
    return list(_iterate_text(io.StringIO(decode(data, name), newline=""), format))


def parse_file(path: Path) -> list[Record]:
    """The records in a file, read as `parse_records` reads its bytes."""
    with open_records(path) as (records, _):
        return list(records)


@contextmanager
def open_records(path: Path) -> Iterator[tuple[Iterator[Record], Callable[[], float]]]:
    """The records in a file, read as they are taken, and a function giving the share
    of the file read so far; the file stays open until the block ends. JSON and CSV are
    read a piece at a time, so that an import holds a chunk of records at a time rather
    than the whole file's (as bytes, as text, and as records). Taking the records raises
    RecordsError, as `parse_records` does, once a problem stops the reading or the file
    has been read with problems."""
    with _opened(path) as file:
        format = detect_format(path.name, file.read(1 << 16))
        file.seek(0)
        if format == "xlsx":
            records = iter(xlsxfile.loads(file.read()))
        elif format == "page":
            records = iter(parse_page(decode(file.read(), str(path))).records)
        else:
            text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
            records = _decoded(_iterate_text(text, format), path)
        size = os.fstat(file.fileno()).st_size
        yield records, lambda: min(file.tell() / size, 1.0) if size else 1.0


def _decoded(records: Iterator[Record], path: Path) -> Iterator[Record]:
    """`records`, read from a file's text, with a byte that is not UTF-8 named by its
    place in the file (RecordsError)."""
    try:
        yield from records
    except UnicodeDecodeError:
        decode(read_file(path), str(path))  # raises RecordsError saying where
        raise RecordsError([Problem(f"{path}: not UTF-8 text")]) from None


def _iterate_text(stream: TextIO, format: str) -> Iterator[Record]:
    """The records of a text format read from `stream` (opened with newline=""): JSON
    and CSV a piece at a time, the page's text format (small) whole."""
    if format == "json":
        return jsonfile.iterate(stream)
    if format == "csv":
        return csvfile.iterate(stream)
    return iter(parse_page(stream.read()).records)


def decode(data: bytes, name: str = "") -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        prefix = f"{name}: " if name else ""
        raise RecordsError(
            [Problem(f"{prefix}not UTF-8 text (byte {error.start + 1})", line=line)]
        ) from None


def read_file(path: Path) -> bytes:
    """A file's bytes, or RecordsError saying why it cannot be read."""
    with _opened(path) as file:
        return file.read()


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The file open for reading, or RecordsError saying why it cannot be."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise RecordsError([Problem(f"{path}: no such file")]) from None
    except IsADirectoryError:
        raise RecordsError([Problem(f"{path}: is a folder, not a file")]) from None
    except OSError as error:
        raise RecordsError([Problem(f"{path}: cannot be read ({error.strerror})")]) from None
    with file:
        yield file
