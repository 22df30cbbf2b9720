"""What the record's derived fields are, read from the words the source used.

Each function takes the text of one field as written on the page and returns the
normalized value of the record schema: the body and action type, mandate and expert
counts, governments addressed, languages, communication references, the response's
date, related sources, regions and the defenders a summary names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .dates import DAY_MONTH_YEAR, parse_date
from .record import RelatedSource, Response

NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_COUNT = r"(\d+|%s)" % "|".join(NUMBER_WORDS)

LANGUAGES = ("English", "Chinese", "French", "Spanish", "Arabic", "Russian")
_LANGUAGE = re.compile(r"\b(%s)\b" % "|".join(LANGUAGES), re.IGNORECASE)

# OHCHR communication references: "CHN 20/2020", "HKG 1/2019", "OL CHN 5/2020".
_COMMUNICATION_REF = re.compile(r"\b(?:(?:AL|UA|OL)\s+)?([A-Z]{3}\s+\d{1,3}/\d{4})\b")

# Adjectives the page uses for the governments it names ("the Chinese government").
GOVERNMENT_ADJECTIVES = {"chinese": "China"}


def count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def mandates_and_experts(mechanism: str) -> tuple[int | None, int | None]:
    """ "six mandates" gives (6, None); "30 mandates representing 50 experts" gives (30, 50)."""
    mandates = re.search(rf"\b{_COUNT}\s+mandates?\b", mechanism, re.IGNORECASE)
    experts = re.search(rf"\b{_COUNT}\s+experts?\b", mechanism, re.IGNORECASE)
    return (
        count(mandates.group(1)) if mandates else None,
        count(experts.group(1)) if experts else None,
    )


def body_of(mechanism: str) -> str:
    """The family of UN mechanism a mechanism's name belongs to."""
    text = mechanism.lower()
    rules = [
        ("unga_third_committee", ("third committee", "general assembly")),
        ("upr", ("universal periodic review", "upr")),
        ("hrc", ("human rights council",)),
        (
            "special_procedures",
            ("special procedure", "special rapporteur", "working group", "independent expert"),
        ),
        ("treaty_body", ("committee",)),
        ("ohchr", ("high commissioner", "ohchr", "human rights office")),
    ]
    for body, needles in rules:
        if any(re.search(rf"\b{re.escape(n)}s?\b", text) for n in needles):
            return body
    return "other"


def action_type_of(action: str, body: str) -> str:
    """The normalized kind of an action, from its wording."""
    text = action.lower()
    rules = [
        ("press_briefing", ("press briefing",)),
        ("press_release", ("press release", "news release")),
        ("urgent_appeal", ("urgent appeal",)),
        ("allegation_letter", ("allegation letter",)),
        ("follow_up_review", ("follow-up report", "follow up report")),
        ("concluding_observations", ("concluding observations",)),
        ("opinion", ("opinion",)),
        ("joint_statement", ("joint statement by",)),
        ("upr_recommendation", ("recommendation",)),
        ("country_visit", ("country visit", "visit to")),
        ("resolution", ("resolution",)),
        ("report", ("report",)),
        ("other_letter", ("letter",)),
        ("statement", ("statement",)),
    ]
    for action_type, needles in rules:
        if any(n in text for n in needles):
            if action_type == "joint_statement" and body not in ("hrc", "unga_third_committee"):
                return "statement"
            return action_type
    return "other"


def is_joint(action: str) -> bool:
    return re.search(r"\bjoint\b", action, re.IGNORECASE) is not None


def governments_addressed(action: str) -> list[str]:
    """ "sent to the Chinese and Hong Kong governments" gives ["China", "Hong Kong"]."""
    match = re.search(r"\b(?:sent\s+)?to\s+the\s+(.+?)\s+governments?\b", action, re.IGNORECASE)
    if not match:
        return []
    names = re.split(r"\s*,\s*|\s+and\s+", match.group(1))
    return [GOVERNMENT_ADJECTIVES.get(n.lower(), n) for n in names if n]


def issues_of(text: str) -> list[str]:
    """Issue tags split on commas, trimmed and lower-cased, without repeats."""
    issues: list[str] = []
    for part in text.split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in issues:
            issues.append(tag)
    return issues


def languages_in(text: str) -> list[str]:
    found: list[str] = []
    for match in _LANGUAGE.finditer(text):
        name = match.group(1).capitalize()
        if name not in found:
            found.append(name)
    return found


def communication_refs(text: str) -> list[str]:
    refs: list[str] = []
    for match in _COMMUNICATION_REF.finditer(text):
        ref = " ".join(match.group(1).split())
        if ref not in refs:
            refs.append(ref)
    return refs


def response_of(text: str) -> Response | None:
    """A government's response: its text, the date it was received and its languages."""
    text = " ".join(text.split())
    if not text:
        return None
    received = re.search(rf"\breceived\s+on\s+({DAY_MONTH_YEAR})", text, re.IGNORECASE)
    languages = re.search(r"\(([^)]*)\)", text)
    return Response(
        text=text,
        date=parse_date(received.group(1)) if received else None,
        languages=languages_in(languages.group(1)) if languages else [],
    )


# A related source ends with its date in brackets: "... (6 March 2020)".
_SOURCE_END = re.compile(rf"\(\s*({DAY_MONTH_YEAR})\s*\)", re.IGNORECASE)
# "Urgent Appeal: ", "Op-Ed: ", "Joint Statement: ": a short label before a colon.
_SOURCE_KIND = re.compile(r"^([A-Z][A-Za-z-]*(?:\s[A-Za-z-]+){0,2}):\s+")
# “Title”, Outlet
_QUOTED_TITLE = re.compile(r"^[“\"](.+?)[”\"]\s*,\s*(.+)$")


def related_sources_of(text: str) -> list[RelatedSource]:
    """Each related source on its own, even where several run together on one line.

    A source reads "Publisher, Kind: Title (date)"; the publisher or the kind may be
    missing, and an op-ed names its outlet after its quoted title.
    """
    text = " ".join(text.split())
    sources = []
    start = 0
    for end in _SOURCE_END.finditer(text):
        chunk = text[start : end.start()].strip()
        start = end.end()
        if chunk:
            sources.append(_related_source(chunk, parse_date(end.group(1))))
    rest = text[start:].strip()
    if rest:
        sources.append(_related_source(rest, None))
    return sources


def _related_source(chunk: str, date) -> RelatedSource:
    publisher = None
    if not _SOURCE_KIND.match(chunk) and ", " in chunk:
        publisher, chunk = chunk.split(", ", 1)
    kind = None
    if match := _SOURCE_KIND.match(chunk):
        kind, chunk = match.group(1), chunk[match.end() :]
    outlet = None
    if match := _QUOTED_TITLE.match(chunk):
        chunk, outlet = match.group(1), match.group(2)
    return RelatedSource(
        publisher=publisher, kind=kind, title=chunk.strip(), outlet=outlet, date=date
    )


@dataclass(frozen=True)
class RegionRule:
    """A region of the deployment and the words that show an action concerns it."""

    name: str
    keywords: tuple[str, ...]


# The China deployment's regions. An action that names none of them concerns the default.
CHINA_REGIONS = (
    RegionRule("mainland China", ("mainland",)),
    RegionRule("Hong Kong", ("hong kong",)),
    RegionRule("Macao", ("macao", "macau")),
    RegionRule("Tibet", ("tibet",)),
    RegionRule("Xinjiang", ("xinjiang", "uyghur", "uighur")),
    RegionRule("Inner Mongolia", ("inner mongolia", "southern mongolia")),
    RegionRule("overseas", ("overseas",)),
)
DEFAULT_REGION = "mainland China"


def regions_of(
    texts: Sequence[str],
    rules: Sequence[RegionRule] = CHINA_REGIONS,
    default: str | None = DEFAULT_REGION,
) -> list[str]:
    """The regions whose keywords the texts mention, in the vocabulary's order."""
    haystack = " ".join(texts).lower()
    found = [
        rule.name
        for rule in rules
        if any(re.search(rf"\b{re.escape(k)}", haystack) for k in rule.keywords)
    ]
    if not found and default:
        found = [default]
    return found


# Words that introduce named defenders: "human rights defender Guo Quan",
# "lawyer Qin Yongpei", "NGO workers Cheng Yuan, Liu Dazhi, and Wu Gejianxiong",
# "Mr. A-Nya Sengdra". Officials ("UN Human Rights chief Michelle Bachelet") are
# introduced by other words and so are not taken.
_ROLE = r"(?:defenders?|lawyers?|advocates?|activists?|journalists?|workers?|Mr\.|Ms\.|Mrs\.)"
_NAME_PART = r"[A-Z][a-z]*(?:-[A-Z][a-z]+)*"
_NAME = rf"{_NAME_PART}(?:\s{_NAME_PART}){{1,2}}"
_NAME_LIST = rf"{_NAME}(?:\s*,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?"
_AFTER_ROLE = re.compile(rf"\b{_ROLE}\s+({_NAME_LIST})")
# "Gao Zhisheng, a human rights lawyer"
_BEFORE_ROLE = re.compile(
    rf"\b({_NAME}),\s+an?\s+(?:[a-z-]+\s+){{0,4}}(?:defender|lawyer|advocate|activist|journalist)\b"
)
_NOT_NAMES = {"Special Rapporteur", "Working Group", "United Nations", "Hong Kong"}


def defenders_in(summary: str) -> list[str]:
    """The human rights defenders a summary names, as written, in order of appearance."""
    found: list[tuple[int, str]] = []
    for match in _AFTER_ROLE.finditer(summary):
        offset = match.start(1)
        for name in re.finditer(_NAME, match.group(1)):
            found.append((offset + name.start(), name.group(0)))
    for match in _BEFORE_ROLE.finditer(summary):
        found.append((match.start(1), match.group(1)))
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names and name not in _NOT_NAMES and not name.startswith("The "):
            names.append(name)
    return names


@functools.lru_cache(maxsize=4096)
def named_mechanism(mechanism: str) -> str:
    """The mechanism an action is filed under, from the name the source wrote (kept for
    the names met last: a large import names a few mechanisms again and again).

    "Special Procedures (six mandates, including the Special Rapporteur on human rights
    defenders)" is filed under that Special Rapporteur; "UN Special Rapporteur on the
    situation of HRDs" too; "Special Procedures – Working Group on Arbitrary Detention"
    under the Working Group; joint Special Procedures action naming no lead mandate
    under "Special Procedures".
    """
    text = " ".join(mechanism.split())
    if lead := re.search(r"\bincluding\s+(?:the\s+)?(.+?)\)?$", text, re.IGNORECASE):
        text = lead.group(1)
    elif re.match(r"special procedures\s*\(", text, re.IGNORECASE):
        return "Special Procedures"
    text = re.sub(r"^(?:UN|United Nations)\s+", "", text)
    text = re.sub(r"^Special Procedures\s*[–—-]\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\bHRDs\b", "human rights defenders", text)
    if re.fullmatch(
        r"special rapporteur on (?:the situation of )?human rights defenders", text, re.IGNORECASE
    ):
        return "Special Rapporteur on the situation of human rights defenders"
    return text[:1].upper() + text[1:]
