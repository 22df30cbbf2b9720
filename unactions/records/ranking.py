"""A search's matches ranked by relevance with NumPy: FTS5's bm25(), computed outside it.

FTS5's bm25() (SQLite) calls a function for each match and reads each one's length:
seconds for a common word at a million actions, to find the best 25. The same scores
come from what FTS5 itself stores, read in bulk:

- how often each term occurs in each action: its own vocabulary table (`fts5vocab`, of
  instances), one row per occurrence; for the most frequent words (`FREQUENT`), whose
  occurrences take longest to read, held by the facet index from a word's first search
  on (`is_frequent`, `word_counts`), which counts them again in the actions that change
  (`frequent_words_patched`);
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

from unactions.formats.searchtext import Term, plain

from .bulk import id_list, id_list_value
from .search import FTS_TABLE, FTS_TOKENIZE

# bm25's parameters in FTS5.
K1, B = 1.2, 0.75

# A word (of plain ASCII letters and digits) that occurs this many times or more in all
# has its count in each action held in memory by the facet index (`word_counts`), from
# the word's first search on:
# reading its occurrences from FTS5 is most of a search's time, about 0.15 µs each (196
# ms of the 290 of a search by relevance for the 1.3 million of "detention" at a million
# actions). Rarer words are read from FTS5 at each search, in a time proportional to
# their occurrences.
FREQUENT = 1_000_000
_VOCABULARY = "temp.records_action_search_instance"
_ROWS = "temp.records_action_search_row"
# The changed actions' texts, indexed apart as FTS5 indexes them, and their occurrences.
_CHANGED = "records_action_search_changed"
_CHANGED_VOCABULARY = "temp.records_action_search_changed_instance"


def rankable(terms: list[Term]) -> bool:
    """Whether `bm25` ranks a search for these terms as FTS5 would."""
    return bool(terms) and all(t.text.isalpha() if t.cjk else plain(t.text) for t in terms)


def bm25(
    cursor, terms: list[Term], lengths: np.ndarray, held: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The actions containing every term (a word as a prefix, Chinese as a phrase), as a
    mask by action id, and their bm25 scores, higher for better matches. `lengths` holds
    each action's length in tokens by id; an action with a larger id is left out. The
    counts of a word in `held` (`word_counts`) are taken from there."""
    size = len(lengths)
    _vocabularies(cursor)
    rows, tokens = _averages(cursor)
    average_length = tokens / rows
    matching = np.ones(size, dtype=bool)
    frequencies = []
    for term in terms:
        if not term.cjk and held and term.text in held:
            frequency = held[term.text][:size].astype(np.int32)
        else:
            found = _phrases(cursor, term.characters) if term.cjk else _prefixed(cursor, term.text)
            frequency = _counts(found, size, np.int32)
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


def is_frequent(cursor, word: str) -> bool:
    """Whether `word` is of plain ASCII letters and digits and occurs `FREQUENT` times or
    more: a word whose counts (`word_counts`) the facet index holds once searched. FTS5
    counts the word's occurrences from its entry: 5-40 ms at a million actions, against
    3.8 s to list every such word from its whole vocabulary."""
    if not plain(word):
        return False
    _vocabularies(cursor)
    cursor.execute(f"SELECT cnt FROM {_ROWS} WHERE term = %s", [word])
    row = cursor.fetchone()
    return row is not None and row[0] >= FREQUENT


def word_counts(cursor, word: str, size: int) -> np.ndarray:
    """How many times each action (by id, below `size`) holds `word` as a prefix, as
    `bm25` counts a search's word: 0.2-0.6 s for one of the ten words of a million
    occurrences or more of a million actions (3.1-3.3 s for all ten)."""
    _vocabularies(cursor)
    return _counts(_prefixed(cursor, word), size)


def frequent_words_patched(
    cursor, held: dict[str, np.ndarray], changed: list[int], size: int
) -> dict[str, np.ndarray]:
    """`held` (from `word_counts`) brought up to date for these changed actions (some
    may be gone), and grown to `size`. Their texts are indexed apart, in a table of this
    connection's own with FTS5's settings, and their occurrences read from it: a few
    milliseconds for an action, 46 ms for 2,000 at a million (asking the full index for
    one action's occurrences of a word read the whole word: 50-100 ms for each word)."""
    if not held or not changed:
        return held
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_CHANGED} "
        f"USING fts5(search_document, tokenize='{FTS_TOKENIZE}')"
    )
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_CHANGED_VOCABULARY} "
        f"USING fts5vocab(temp, {_CHANGED}, instance)"
    )
    cursor.execute(f"DELETE FROM temp.{_CHANGED}")
    cursor.execute(
        f"INSERT INTO temp.{_CHANGED}(rowid, search_document) SELECT id, search_document "
        f"FROM records_action WHERE id IN ({id_list('sqlite')})",
        [id_list_value("sqlite", changed)],
    )
    patched = {}
    for word, counts in held.items():
        if len(counts) < size:
            counts = np.concatenate([counts, np.zeros(size - len(counts), counts.dtype)])
        counts[[pk for pk in changed if pk < size]] = 0
        cursor.execute(
            f"SELECT doc, count(*) FROM {_CHANGED_VOCABULARY} "
            "WHERE term >= %s AND term < %s GROUP BY doc",
            [word, word + "\U0010ffff"],
        )
        found = dict(cursor.fetchall())
        if found:
            most = max(found.values())
            if most > np.iinfo(counts.dtype).max:
                counts = counts.astype(np.min_scalar_type(most))
            counts[list(found)] = list(found.values())
        patched[word] = counts
    cursor.execute(f"DELETE FROM temp.{_CHANGED}")
    return patched


def _counts(found: np.ndarray, size: int, dtype=None) -> np.ndarray:
    """How many of `found` (action ids, one per occurrence) each action holds, by id
    below `size`; in `dtype`, or the smallest unsigned type that holds the largest."""
    if len(found) and found.max() >= size:
        found = found[found < size]
    counts = np.bincount(found, minlength=size)
    if dtype is None:
        dtype = np.min_scalar_type(int(counts.max()) if len(counts) else 0)
    return counts.astype(dtype)


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


def _vocabularies(cursor) -> None:
    """FTS5's tables of each occurrence (instance) and of each word's counts (row)."""
    for name, kind in ((_VOCABULARY, "instance"), (_ROWS, "row")):
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5vocab(main, {FTS_TABLE}, {kind})"
        )


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
    that meets `where`, as one flat array (`_vocabularies` creates it)."""
    row = " || ',' || ".join(["doc", *more])
    cursor.execute(f"SELECT group_concat({row}) FROM {_VOCABULARY} WHERE {where}", params)
    return np.fromstring(cursor.fetchone()[0] or "", dtype=np.int64, sep=",")
