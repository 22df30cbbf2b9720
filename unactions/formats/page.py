"""The text format of the "UN-level actions on human rights defenders" page.

The page is a preamble ("updated January 2021" and an introduction) followed by entries.
Each entry starts with its `Date:` and holds fields written as `Name: | value |`, either
on one line or with the value on the lines after the name:

    Date: | 4 December 2020 |
    Mechanism: |
    Special Procedures (six mandates, including the Special Rapporteur on human rights defenders) |
    Text | CHN 20/2020 (English only) |

`parse_page` turns the text into `Record`s, or raises `PageError` listing every problem
with its line and entry; it never returns part of a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import extract
from .dates import find_dates, parse_date
from .errors import Problem, RecordsError
from .record import Document, Record

FIELDS = {
    name.lower(): name
    for name in (
        "Date",
        "Mechanism",
        "Action",
        "Issues",
        "Summary",
        "Text",
        "Response by government",
        "Related Sources",
    )
}
REQUIRED = ("Date", "Mechanism", "Action", "Summary")

# "Name: | value |", "Name: |", "Text | value |", "Text |"
_FIELD_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z ]{0,39}?)\s*:?\s*\|(?P<rest>.*)$")


class PageError(RecordsError):
    """The page could not be read; `problems` says where and why."""


@dataclass
class Page:
    updated: str | None
    introduction: str
    records: list[Record]


@dataclass
class _Entry:
    number: int
    line: int
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        date = self.fields.get("Date", (0, ""))[1]
        return f"entry {self.number} ({date})" if date else f"entry {self.number}"


def parse_page(text: str) -> Page:
    lines = text.lstrip("\ufeff").splitlines()
    preamble: list[str] = []
    entries: list[_Entry] = []
    problems: list[Problem] = []
    index = 0
    while index < len(lines):
        number = index + 1
        stripped = lines[index].strip()
        index += 1
        if not stripped:
            continue
        match = _FIELD_LINE.match(stripped)
        name = FIELDS.get(match.group("name").lower()) if match else None
        if name is None:
            if not entries:
                preamble.append(stripped)
            elif match:
                problems.append(
                    Problem(
                        f"unknown field {match.group('name')!r} "
                        f"(known fields: {', '.join(FIELDS.values())})",
                        line=number,
                        entry=entries[-1].label,
                    )
                )
            else:
                problems.append(
                    Problem(
                        f"text outside any field: {_excerpt(stripped)}",
                        line=number,
                        entry=entries[-1].label,
                    )
                )
            continue
        value, index = _read_value(match.group("rest"), lines, index)
        if name == "Date":
            entries.append(_Entry(number=len(entries) + 1, line=number))
        elif not entries:
            problems.append(
                Problem(
                    f"field {name!r} is outside an entry: an entry starts with its 'Date:' line",
                    line=number,
                )
            )
            continue
        entry = entries[-1]
        if name in entry.fields:
            problems.append(
                Problem(
                    f"field {name!r} appears twice in one entry (first on line "
                    f"{entry.fields[name][0]}): is the next entry's 'Date:' line missing?",
                    line=number,
                    entry=entry.label,
                )
            )
            continue
        entry.fields[name] = (number, value)

    records = []
    for entry in entries:
        try:
            records.append(_record(entry))
        except _EntryError as error:
            problems.append(Problem(str(error), line=error.line, entry=entry.label))
    if problems:
        raise PageError(sorted(problems, key=lambda p: p.line or 0))
    if not records:
        raise PageError([Problem("no entries found: an entry starts with a 'Date:' line")])
    _make_ids_unique(records)

    updated = None
    if preamble and preamble[0].lower().startswith("updated"):
        updated = preamble.pop(0)[len("updated") :].strip()
    return Page(updated=updated, introduction="\n\n".join(preamble), records=records)


def _read_value(rest: str, lines: list[str], index: int) -> tuple[str, int]:
    """The value that starts after a field's first `|`, and the index of the next line.

    A value runs until a line ends with `|`. A field with nothing after it (`Text |`
    followed by the next field) has an empty value.
    """
    parts = [rest.strip()]
    while not parts[-1].endswith("|") and index < len(lines):
        following = lines[index].strip()
        match = _FIELD_LINE.match(following)
        if match and match.group("name").lower() in FIELDS:
            break
        index += 1
        if following:
            parts.append(following)
    value = " ".join(p for p in parts if p)
    if value.endswith("|"):
        value = value[:-1]
    return " ".join(value.split()), index


class _EntryError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _record(entry: _Entry) -> Record:
    missing = [name for name in REQUIRED if not entry.fields.get(name, (0, ""))[1]]
    if missing:
        raise _EntryError("missing " + ", ".join(repr(name) for name in missing), line=entry.line)

    def value(name: str) -> str:
        return entry.fields.get(name, (0, ""))[1]

    def line(name: str) -> int:
        return entry.fields.get(name, (entry.line, ""))[0]

    try:
        date, published_date = _dates(value("Date"))
    except ValueError as error:
        raise _EntryError(str(error), line=line("Date")) from None

    mechanism = value("Mechanism")
    action = value("Action")
    body = extract.body_of(mechanism)
    mandates, experts = extract.mandates_and_experts(mechanism)
    governments = extract.governments_addressed(action)
    documents, languages, refs = _texts(value("Text"))
    summary = value("Summary")
    try:
        response = extract.response_of(value("Response by government"))
    except ValueError as error:
        raise _EntryError(str(error), line=line("Response by government")) from None
    try:
        sources = extract.related_sources_of(value("Related Sources"))
    except ValueError as error:
        raise _EntryError(str(error), line=line("Related Sources")) from None
    action_type = extract.action_type_of(action, body)
    return Record(
        id=_identifier(date.isoformat(), refs, body, action_type),
        date=date,
        date_text=value("Date"),
        published_date=published_date,
        body=body,
        mechanism=mechanism,
        mandates=mandates,
        experts=experts,
        action_type=action_type,
        action=action,
        joint=extract.is_joint(action),
        governments=governments,
        issues=extract.issues_of(value("Issues")),
        regions=extract.regions_of([action, value("Issues"), summary, *governments]),
        summary=summary,
        documents=documents,
        languages=languages,
        communication_refs=refs,
        response=response,
        related_sources=sources,
        defenders=extract.defenders_in(summary),
    )


def _dates(text: str):
    """The action's date and, where the page gives a later one, its publication date.

    "Adopted on 1 May 2020, published on 2 September 2020" gives both.
    """
    try:
        return parse_date(text), None
    except ValueError:
        dates = find_dates(text)
        if not dates:
            raise
    published = re.search(r"\bpublished\s+on\s+(.+?)(?:[,;.]|$)", text, re.IGNORECASE)
    published_date = parse_date(published.group(1)) if published else None
    taken = [d for d in dates if d != published_date] or dates
    date = taken[0]
    return date, published_date if published_date != date else None


def _texts(text: str) -> tuple[list[Document], list[str], list[str]]:
    """Documents, languages and communication references from a `Text` field.

    "English, Chinese" is one document per language; "CHN 20/2020 (English only)" is
    the communication itself, in the languages the brackets give.
    """
    languages = extract.languages_in(text)
    refs = extract.communication_refs(text)
    if refs:
        documents = [Document(label=ref, languages=languages) for ref in refs]
    else:
        documents = [
            Document(label=part, languages=extract.languages_in(part))
            for part in (p.strip() for p in text.split(","))
            if part
        ]
    return documents, languages, refs


def _identifier(date: str, refs: list[str], body: str, action_type: str) -> str:
    if refs:
        return f"{date}-{slugify(refs[0])}"
    return f"{date}-{slugify(body)}-{slugify(action_type)}"


def _make_ids_unique(records: list[Record]) -> None:
    seen: dict[str, int] = {}
    for record in records:
        if record.id in seen:
            seen[record.id] += 1
            record.id = f"{record.id}-{seen[record.id]}"
        else:
            seen[record.id] = 1


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _excerpt(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
