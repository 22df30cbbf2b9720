"""Records as JSON: a JSON array of records in the schema's key order.

`dumps` writes what `unactions export --format json` prints (`pieces`, the same text a
record at a time, for collections too large to hold at once); `loads` reads it back,
checking every key of every record so that a hand-edited file fails with the record and
key at fault rather than half-importing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import orjson

from .dates import parse_date
from .errors import Problem, RecordsError
from .record import SCHEMA_KEYS, Document, Record, RelatedSource, Response


def dumps(records: Iterable[Record]) -> str:
    return "".join(pieces(records))


def pieces(records: Iterable[Record]) -> Iterator[str]:
    """The text of `dumps` in pieces, a record at a time: what `json.dumps` writes for
    the list of them, indented by two spaces, letters beyond ASCII as they are (written
    by orjson, a dozen times faster than `json`'s own encoder when it indents)."""
    before = "[\n  "
    for record in records:
        text = orjson.dumps(record.to_dict(), option=orjson.OPT_INDENT_2).decode()
        # A new line in the text is one between keys (JSON escapes those in strings).
        yield before + text.replace("\n", "\n  ")
        before = ",\n  "
    yield "[]\n" if before == "[\n  " else "\n]\n"


def loads(text: str) -> list[Record]:
    return load(io.StringIO(text))


def load(stream: TextIO) -> list[Record]:
    """The records of the JSON array read from `stream`, a piece at a time."""
    return list(iterate(stream))


def iterate(stream: TextIO) -> Iterator[Record]:
    """The records of the JSON array read from `stream`, each yielded once read (an
    import then holds a chunk of them at a time, not the whole file's). A record with a
    problem is not yielded: RecordsError lists every problem once the array is read,
    or says where the text stops being JSON."""
    problems = []
    try:
        for number, item in enumerate(_elements(stream), start=1):
            where = f"record {number}"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                where += f" ({item['id']})"
            try:
                record = record_from_dict(item, where)
            except RecordsError as error:
                problems.extend(error.problems)
                continue
            yield record
    except json.JSONDecodeError as error:
        raise RecordsError(
            [Problem(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno)]
        ) from None
    if problems:
        raise RecordsError(problems)


def _elements(stream: TextIO, size: int = 1 << 20) -> Iterator[Any]:
    """The elements of the JSON array read from `stream`, decoded one at a time from
    pieces of `size` characters: a file is held neither whole as text nor as every
    object made of it at once (`json.loads` of 100,000 records made about 230 MB of
    objects besides the 112 MB of text and the records made from them). Invalid JSON
    raises `json.JSONDecodeError` with its line and column in the whole text, as
    `json.loads` gives them."""
    text = _Pieces(stream, size)
    text.skip_space()
    if text.next_character() != "[":
        try:
            json.loads(text.rest())
        except json.JSONDecodeError as error:  # invalid JSON says where
            raise text.error(error.msg, error.pos) from None
        raise RecordsError([Problem("expected a JSON array of records")])
    text.position += 1
    text.skip_space()
    if text.next_character() == "]":
        text.position += 1
    else:
        while True:
            yield text.decode()
            text.skip_space()
            following = text.next_character()
            if following == "]":
                text.position += 1
                break
            if following != ",":
                raise text.error("Expecting ',' delimiter")
            text.position += 1
            text.skip_space()
    text.skip_space()
    if text.next_character():
        raise text.error("Extra data")


# JSON's own whitespace, as `json` reads it.
_SPACE = re.compile(r"[ \t\n\r]*")
# What may follow the part of a number read so far and still belong to it.
_NUMBER_GOES_ON = frozenset("0123456789.eE+-")


class _Pieces:
    """The text of a stream read a piece at a time: `text` holds what is read and not
    yet let go, `position` the place reached in it; the lines and columns of what was
    let go are counted, for errors."""

    def __init__(self, stream: TextIO, size: int):
        self.stream, self.size = stream, size
        self.text, self.position, self.ended = "", 0, False
        self.lines_before, self.columns_before = 0, 0  # of the text let go
        self.decoder = json.JSONDecoder()

    def read_more(self) -> bool:
        """Read the next piece; False at the stream's end."""
        if self.ended:
            return False
        piece = self.stream.read(self.size)
        if not piece:
            self.ended = True
            return False
        if self.position > self.size:  # let go of what is read, now and then
            gone = self.text[: self.position]
            newline = gone.rfind("\n")
            self.lines_before += gone.count("\n")
            self.columns_before = (
                len(gone) - newline - 1 if newline >= 0 else self.columns_before + len(gone)
            )
            self.text, self.position = self.text[self.position :], 0
        self.text += piece
        return True

    def skip_space(self) -> None:
        while True:
            self.position = _SPACE.match(self.text, self.position).end()
            if self.position < len(self.text) or not self.read_more():
                return

    def next_character(self) -> str:
        """The character at `position` ("" at the end)."""
        if self.position >= len(self.text):
            self.read_more()
        return self.text[self.position : self.position + 1]

    def decode(self) -> Any:
        """The JSON value at `position`, reading on while it may be cut off."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.position)
            except json.JSONDecodeError as error:
                if self.read_more():
                    continue
                raise self.error(error.msg, error.pos) from None
            # A number may go on in the next piece ("6." of "6.25e3" reads as 6).
            cut = end == len(self.text) or self.text[end] in _NUMBER_GOES_ON
            if not cut or not self.read_more():
                self.position = end
                return value

    def rest(self) -> str:
        while self.read_more():
            pass
        return self.text

    def error(self, message: str, position: int | None = None) -> json.JSONDecodeError:
        """The error at `position` (the place reached), placed in the whole text."""
        error = json.JSONDecodeError(
            message, self.text, self.position if position is None else position
        )
        if error.lineno == 1:
            error.colno += self.columns_before
        error.lineno += self.lines_before
        return error


def record_from_dict(item: Any, where: str) -> Record:
    """One record from its JSON object; RecordsError names `where` and the key at fault."""
    try:
        return _record(item)
    except _FieldError as error:
        raise RecordsError([Problem(str(error), entry=where)]) from None


class _FieldError(ValueError):
    pass


def _record(item: Any) -> Record:
    if not isinstance(item, dict):
        raise _FieldError("expected an object")
    unknown = [k for k in item if k not in SCHEMA_KEYS]
    if unknown:
        raise _FieldError(f"unknown key {unknown[0]!r}")
    get = _Getter(item)
    response = get.object("response", nullable=True)
    return Record(
        id=get.text("id"),
        date=get.date("date"),
        date_text=get.text("date_text"),
        published_date=get.date("published_date", nullable=True),
        body=get.text("body"),
        mechanism=get.text("mechanism"),
        mandates=get.integer("mandates"),
        experts=get.integer("experts"),
        action_type=get.text("action_type"),
        action=get.text("action"),
        joint=get.boolean("joint"),
        governments=get.texts("governments"),
        issues=get.texts("issues"),
        regions=get.texts("regions"),
        summary=get.text("summary"),
        documents=[
            Document(label=d.text("label"), languages=d.texts("languages"), url=d.text("url", True))
            for d in get.objects("documents")
        ],
        languages=get.texts("languages"),
        communication_refs=get.texts("communication_refs"),
        response=Response(
            text=response.text("text"),
            date=response.date("date", nullable=True),
            languages=response.texts("languages"),
        )
        if response
        else None,
        related_sources=[
            RelatedSource(
                publisher=s.text("publisher", True),
                kind=s.text("kind", True),
                title=s.text("title"),
                outlet=s.text("outlet", True),
                date=s.date("date", nullable=True),
                url=s.text("url", True),
            )
            for s in get.objects("related_sources")
        ],
        defenders=get.texts("defenders"),
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


class _Getter:
    """Typed access to one JSON object, with errors that name the key."""

    def __init__(self, data: dict, path: str = ""):
        self.data = data
        self.path = path

    def _value(self, key: str, nullable: bool) -> Any:
        if key not in self.data:
            raise _FieldError(f"missing key {self.path + key!r}")
        value = self.data[key]
        if value is None and not nullable:
            raise _FieldError(f"{self.path + key!r} must not be null")
        return value

    def _fail(self, key: str, expected: str):
        raise _FieldError(f"{self.path + key!r} must be {expected}")

    def text(self, key: str, nullable: bool = False) -> Any:
        value = self._value(key, nullable)
        if value is not None and not isinstance(value, str):
            self._fail(key, "a string")
        if value is not None:
            self._check_characters(key, value)
        return value

    def _check_characters(self, key: str, text: str) -> None:
        # JSON can escape half of a character ("\ud800"), which no database can store.
        if not text.isascii() and (half := _SURROGATE.search(text)):
            raise _FieldError(
                f"{self.path + key!r} holds half of a character (\\u{ord(half.group()):04x}, "
                "a surrogate without its pair)"
            )

    def integer(self, key: str) -> int | None:
        value = self._value(key, True)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            self._fail(key, "a whole number or null")
        return value

    def boolean(self, key: str) -> bool:
        value = self._value(key, False)
        if not isinstance(value, bool):
            self._fail(key, "true or false")
        return value

    def date(self, key: str, nullable: bool = False) -> dt.date | None:
        value = self.text(key, nullable)
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self._fail(key, "a date written YYYY-MM-DD")
        try:
            return parse_date(value)
        except ValueError as error:
            raise _FieldError(f"{self.path + key!r}: {error}") from None

    def texts(self, key: str) -> list[str]:
        value = self._value(key, False)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(key, "a list of strings")
        for text in value:
            self._check_characters(key, text)
        return list(value)

    def object(self, key: str, nullable: bool = False) -> _Getter | None:
        value = self._value(key, nullable)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._fail(key, "an object")
        return _Getter(value, f"{self.path}{key}.")

    def objects(self, key: str) -> list[_Getter]:
        value = self._value(key, False)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self._fail(key, "a list of objects")
        return [_Getter(v, f"{self.path}{key}[{i}].") for i, v in enumerate(value)]
