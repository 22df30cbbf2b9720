"""Reading records from a file in any format the tracker takes in."""

from __future__ import annotations

from pathlib import Path

from . import jsonfile
from .errors import Problem, RecordsError
from .page import parse_page
from .record import Record

FORMATS = ("page", "json")


def detect_format(name: str, text: str) -> str:
    """ "json" for a .json file or one that starts as a JSON array; else the page format."""
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        return "json"
    return "page"


def parse_records(text: str, name: str = "", format: str | None = None) -> list[Record]:
    format = format or detect_format(name, text)
    if format == "json":
        return jsonfile.loads(text)
    return parse_page(text).records


def read_text(path: Path) -> str:
    """A file's text, or RecordsError saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RecordsError([Problem(f"{path}: no such file")]) from None
    except IsADirectoryError:
        raise RecordsError([Problem(f"{path}: is a folder, not a file")]) from None
    except OSError as error:
        raise RecordsError([Problem(f"{path}: cannot be read ({error.strerror})")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordsError(
            [Problem(f"{path}: not UTF-8 text (byte {error.start + 1})", line=line)]
        ) from None
