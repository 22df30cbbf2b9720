"""The action record: the one shape every input is read into and every output is written from.

Its keys, their order and their meaning are defined in docs/record-schema.md. This module
knows nothing of Django: parsers return `Record`s, the loader stores them, the serializer
builds them back from the database.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import Any

BODIES = (
    "special_procedures",
    "treaty_body",
    "hrc",
    "upr",
    "ohchr",
    "unga_third_committee",
    "other",
)

ACTION_TYPES = (
    "press_release",
    "press_briefing",
    "statement",
    "allegation_letter",
    "urgent_appeal",
    "other_letter",
    "opinion",
    "joint_statement",
    "follow_up_review",
    "concluding_observations",
    "report",
    "resolution",
    "upr_recommendation",
    "country_visit",
    "other",
)

# Communications a government is asked to answer (OHCHR's AL, UA and OL).
COMMUNICATION_TYPES = ("allegation_letter", "urgent_appeal", "other_letter")


def _shared(text):
    """The one copy of this text (`sys.intern`), anything else as it is."""
    return sys.intern(text) if type(text) is str else text


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Document:
    label: str
    languages: list[str] = field(default_factory=list)
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "languages": list(self.languages), "url": self.url}


@dataclass
class Response:
    text: str
    date: dt.date | None = None
    languages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "date": _iso(self.date),
            "languages": list(self.languages),
        }


@dataclass
class RelatedSource:
    title: str
    publisher: str | None = None
    kind: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "publisher": self.publisher,
            "kind": self.kind,
            "title": self.title,
            "outlet": self.outlet,
            "date": _iso(self.date),
            "url": self.url,
        }


@dataclass
class Record:
    id: str
    date: dt.date
    date_text: str
    body: str
    mechanism: str
    action_type: str
    action: str
    summary: str
    published_date: dt.date | None = None
    mandates: int | None = None
    experts: int | None = None
    joint: bool = False
    governments: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    communication_refs: list[str] = field(default_factory=list)
    response: Response | None = None
    related_sources: list[RelatedSource] = field(default_factory=list)
    defenders: list[str] = field(default_factory=list)

    def __post_init__(self):
        # Names that thousands of records repeat, held once: a parsed record otherwise
        # has its own copy of each (a third of 207 MB for 100,000 records read from JSON).
        for key in ("body", "action_type", "mechanism", "action", "date_text"):
            setattr(self, key, _shared(getattr(self, key)))
        for key in ("governments", "issues", "regions", "languages", "defenders"):
            setattr(self, key, [_shared(name) for name in getattr(self, key)])

    def to_dict(self) -> dict[str, Any]:
        """The record as the schema orders it, ready for JSON."""
        return {
            "id": self.id,
            "date": _iso(self.date),
            "date_text": self.date_text,
            "published_date": _iso(self.published_date),
            "body": self.body,
            "mechanism": self.mechanism,
            "mandates": self.mandates,
            "experts": self.experts,
            "action_type": self.action_type,
            "action": self.action,
            "joint": self.joint,
            "governments": list(self.governments),
            "issues": list(self.issues),
            "regions": list(self.regions),
            "summary": self.summary,
            "documents": [d.to_dict() for d in self.documents],
            "languages": list(self.languages),
            "communication_refs": list(self.communication_refs),
            "response": self.response.to_dict() if self.response else None,
            "related_sources": [s.to_dict() for s in self.related_sources],
            "defenders": list(self.defenders),
        }


SCHEMA_KEYS = tuple(
    Record(
        id="",
        date=dt.date.min,
        date_text="",
        body="",
        mechanism="",
        action_type="",
        action="",
        summary="",
    ).to_dict()
)
