"""Records as JSON: a JSON array of records in the schema's key order.

`dumps` writes what `unactions export --format json` prints (`pieces`, the same text a
record at a time, for collections too large to hold at once); `loads` reads it back,
checking every key of every record so that a hand-edited file fails with the record and
key at fault rather than half-importing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

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
    records, problems = [], []
    try:
        for number, item in enumerate(_elements(text), start=1):
            where = f"record {number}"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                where += f" ({item['id']})"
            try:
                records.append(record_from_dict(item, where))
            except RecordsError as error:
                problems.extend(error.problems)
    except json.JSONDecodeError as error:
        raise RecordsError(
            [Problem(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno)]
        ) from None
    if problems:
        raise RecordsError(problems)
    return records


# JSON's own whitespace, as `json` reads it.
_SPACE = re.compile(r"[ \t\n\r]*")


def _elements(text: str) -> Iterator[Any]:
    """The elements of the JSON array `text`, decoded one at a time, each let go once
    read: `json.loads` made every object of a file at once (for 100,000 records, about
    230 MB of them besides the 112 MB of text and the records made from them). Invalid
    JSON raises `json.JSONDecodeError`, with its line and column in the whole text."""
    decoder = json.JSONDecoder()
    position = _SPACE.match(text).end()
    if not text.startswith("[", position):
        json.loads(text)  # invalid JSON says where; valid JSON is not an array
        raise RecordsError([Problem("expected a JSON array of records")])
    position = _SPACE.match(text, position + 1).end()
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            item, position = decoder.raw_decode(text, position)
            yield item
            position = _SPACE.match(text, position).end()
            if text.startswith("]", position):
                position += 1
                break
            if not text.startswith(",", position):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
            position = _SPACE.match(text, position + 1).end()
    if _SPACE.match(text, position).end() != len(text):
        raise json.JSONDecodeError("Extra data", text, _SPACE.match(text, position).end())


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
