"""Reading records from a file in any format the tracker takes in.

The page's text format, the JSON that `export` writes, and CSV or Excel workbooks with
the export's columns. The format is told by the file's name, else by its first bytes.
"""

from __future__ import annotations

from pathlib import Path

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
    text = decode(data, name)
    if format == "json":
        return jsonfile.loads(text)
    if format == "csv":
        return csvfile.loads(text)
    return parse_page(text).records


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
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RecordsError([Problem(f"{path}: no such file")]) from None
    except IsADirectoryError:
        raise RecordsError([Problem(f"{path}: is a folder, not a file")]) from None
    except OSError as error:
        raise RecordsError([Problem(f"{path}: cannot be read ({error.strerror})")]) from None
