"""Text for full-text search, the same on every database.

Both SQLite's FTS5 (unicode61 tokenizer) and PostgreSQL's `simple` configuration split
text on spaces and punctuation, which leaves a run of Chinese characters as one
unsearchable token. So the indexed text is folded here first: lower-cased, without
diacritics, and with every CJK character standing alone, so that a Chinese word is
found as a phrase of its characters. Queries are folded the same way, and `match_spans`
finds what to highlight in the text a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK_RANGES = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0002ebef"  # extensions B-F
)
_CJK = re.compile(f"[{_CJK_RANGES}]")
_TOKEN = re.compile(rf"([{_CJK_RANGES}]+)|((?:(?![{_CJK_RANGES}])\w)+)")
MAX_TERMS = 12


def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Lower-case, no diacritics: "Hélène" gives "helene"."""
    if text.isascii():
        return text.lower()
    # Only the runs of non-ASCII characters need decomposing; a combining mark after an
    # ASCII letter is in such a run and is dropped like any other.
    return _NON_ASCII.sub(_fold_run, text).lower()


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match) -> str:
    decomposed = unicodedata.normalize("NFKD", match.group(0))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def index_text(*parts: str) -> str:
    """The text to index for an action's searchable fields."""
    text = fold(" \n".join(p for p in parts if p))
    if text.isascii():
        return text
    return _CJK.sub(lambda m: f" {m.group(0)} ", text)


@dataclass(frozen=True)
class Term:
    text: str  # folded
    cjk: bool

    @property
    def characters(self) -> list[str]:
        return list(self.text)


def plain(word: str) -> bool:
    """Whether a word is of plain ASCII letters and digits: one token to FTS5 and to
    PostgreSQL alike, whose frequent occurrences the facet index can hold
    (records/ranking.py, records/pgsearch.py)."""
    return word.isascii() and word.isalnum()


def terms(query: str) -> list[Term]:
    """The words of a search query, folded; a run of Chinese characters is one term."""
    found = []
    for match in _TOKEN.finditer(fold(query)):
        term = Term(match.group(0), cjk=match.group(1) is not None)
        if term not in found:
            found.append(term)
    return found[:MAX_TERMS]


def fts5_query(query_terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term must appear; words match as prefixes."""
    parts = ['"%s"' % " ".join(t.characters) if t.cjk else '"%s"*' % t.text for t in query_terms]
    return " AND ".join(parts)


def tsquery(query_terms: list[Term]) -> str:
    """The PostgreSQL to_tsquery expression for the same search."""
    parts = ["(%s)" % " <-> ".join(t.characters) if t.cjk else f"{t.text}:*" for t in query_terms]
    return " & ".join(parts)


def match_spans(text: str, query_terms: list[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in `text`, as (start, end) offsets into it, merged."""
    if not text or not query_terms:
        return []
    if text.isascii():
        # Folding keeps each character where it is.
        folded, origin = text.lower(), range(len(text))
    else:
        folded_chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            for folded in fold_char(char):
                folded_chars.append(folded)
                origin.append(index)
        folded = "".join(folded_chars)
    spans = []
    for term in query_terms:
        if term.cjk:
            pattern = re.escape(term.text)
        else:
            pattern = rf"(?<!\w){re.escape(term.text)}(?:(?![{_CJK_RANGES}])\w)*"
        for match in re.finditer(pattern, folded):
            start = origin[match.start()]
            end = origin[match.end() - 1] + 1
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
