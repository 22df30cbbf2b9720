"""A search's matches ranked by relevance with NumPy: FTS5's bm25(), computed outside it.

FTS5's bm25() (SQLite) calls a function for each match and reads each one's length:
seconds for a common word at a million actions, to find the best 25. The same scores
come from what FTS5 itself stores, read in bulk:

- how often each term occurs in each action: its own vocabulary table (`fts5vocab`, of
  instances), one row per occurrence;
- each action's length in tokens: its `docsize` table, held by the facet index
  (records/facetindex.py), which reads it again for the actions that change;
- the number of actions and their total length: its averages record.

The formula and constants are FTS5's (`fts5Bm25Function` in SQLite's fts5_aux.c), so an
action gets the score bm25() gives it (negated: higher is better), in the same order.
Only searches whose terms FTS5 reads the way they are written are ranked here: words of
plain ASCII letters and digits, each one token looked up as a prefix, and runs of
Chinese (or Japanese) letters, phrases of one-character tokens (see
formats/searchtext.py), found where each character follows the one before.
"""

from __future__ import annotations

import numpy as np

from unactions.formats.searchtext import Term

from .search import FTS_TABLE

# bm25's parameters in FTS5.
K1, B = 1.2, 0.75

_VOCABULARY = "temp.records_action_search_instance"


def rankable(terms: list[Term]) -> bool:
    """Whether `bm25` ranks a search for these terms as FTS5 would."""
    return bool(terms) and all(
        t.text.isalpha() if t.cjk else t.text.isascii() and t.text.isalnum() for t in terms
    )


def bm25(cursor, terms: list[Term], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The actions containing every term (a word as a prefix, Chinese as a phrase), as a
    mask by action id, and their bm25 scores, higher for better matches. `lengths` holds
    each action's length in tokens by id; an action with a larger id is left out."""
    size = len(lengths)
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCABULARY} "
        f"USING fts5vocab(main, {FTS_TABLE}, instance)"
    )
    rows, tokens = _averages(cursor)
    average_length = tokens / rows
    matching = np.ones(size, dtype=bool)
    frequencies = []
    for term in terms:
        found = _phrases(cursor, term.characters) if term.cjk else _prefixed(cursor, term.text)
        if len(found) and found.max() >= size:
            found = found[found < size]
        # Counts fit in 32 bits: half the memory of bincount's own (a million actions).
        frequency = np.bincount(found, minlength=size).astype(np.int32)
        del found
        matching &= frequency > 0
        frequencies.append(frequency)
    ids = np.flatnonzero(matching)
    length = lengths[ids].astype(np.float64)
    scores = np.zeros(size)
    score = np.zeros(len(ids))
    for frequency in frequencies:
        hits = np.count_nonzero(frequency)
        idf = np.log((rows - hits + 0.5) / (hits + 0.5))
        if idf <= 0.0:
            idf = 1e-6
        found = frequency[ids].astype(np.float64)
        score += idf * ((found * (K1 + 1.0)) / (found + K1 * (1 - B + B * length / average_length)))
    scores[ids] = score
    return matching, scores


def document_lengths(cursor, only: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the indexed actions (all, or `only` these) and their lengths in
    tokens, from FTS5's `docsize` table: one varint per action (one column)."""
    where, params = "", []
    if only is not None:
        where, params = f"WHERE id IN ({', '.join(['%s'] * len(only))})", list(only)
    cursor.execute(
        "SELECT group_concat(id), group_concat(hex(sz), ''), group_concat(length(sz)) "
        f"FROM {FTS_TABLE}_docsize {where}",
        params,
    )
    ids, sizes, widths = cursor.fetchone()
    ids = np.fromstring(ids or "", dtype=np.int64, sep=",")
    widths = np.fromstring(widths or "", dtype=np.int64, sep=",")
    return ids, _varints(np.frombuffer(bytes.fromhex(sizes or ""), dtype=np.uint8), widths)


def _varints(data: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Decode consecutive SQLite varints of these widths in bytes (each byte gives
    seven bits, most significant first; lengths never need the nine-byte form)."""
    if not len(widths):
        return np.zeros(0, dtype=np.int64)
    assert widths.max() < 9, "a document length too large for a short varint"
    ends = np.cumsum(widths)
    starts = ends - widths
    owner = np.repeat(np.arange(len(widths)), widths)
    shift = 7 * (ends[owner] - 1 - np.arange(len(data)))
    return np.add.reduceat((data.astype(np.int64) & 0x7F) << shift, starts)


def _averages(cursor) -> tuple[int, int]:
    """FTS5's count of indexed actions and their total length in tokens."""
    cursor.execute(f"SELECT block FROM {FTS_TABLE}_data WHERE id = 1")
    row = cursor.fetchone()
    values, value = [], 0
    for byte in bytes(row[0]) if row else b"":
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            values.append(value)
            value = 0
    rows, tokens = (values + [0, 0])[:2]
    return max(rows, 1), tokens


def _prefixed(cursor, prefix: str) -> np.ndarray:
    """The action of each occurrence of a token starting with `prefix`."""
    # Such a token sorts between the prefix and the prefix followed by the highest
    # character (FTS5 compares the bytes of UTF-8).
    return _instances(cursor, "term >= %s AND term < %s", [prefix, prefix + "\U0010ffff"])


def _phrases(cursor, tokens: list[str]) -> np.ndarray:
    """The action of each occurrence of these tokens one after the other."""
    starts = None  # action and position of where each occurrence would start
    for place, token in enumerate(tokens):
        found = _instances(cursor, "term = %s", [token], '"offset"').reshape(-1, 2)
        found = found[found[:, 1] >= place]
        keys = (found[:, 0] << 32) | (found[:, 1] - place)
        starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
    return starts >> 32


def _instances(cursor, where: str, params: list, *more: str) -> np.ndarray:
    """The action (and the `more` columns) of each row of FTS5's table of instances
    that meets `where`, as one flat array (`bm25` creates the table)."""
    row = " || ',' || ".join(["doc", *more])
    cursor.execute(f"SELECT group_concat({row}) FROM {_VOCABULARY} WHERE {where}", params)
    return np.fromstring(cursor.fetchone()[0] or "", dtype=np.int64, sep=",")
