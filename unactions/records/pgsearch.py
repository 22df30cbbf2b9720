"""A search's matches on PostgreSQL as the facet index reads them, and the ranks of the
frequent words it holds.

PostgreSQL's GIN index gives a word's matches only by visiting the row of each: at a
million actions, 1.2 s for the 686,258 actions of "detention", 1.9 s with the `ts_rank`
of each (which reads its vector). For a word the planner expects in `FREQUENT` actions
or more, the facet index holds each action's `ts_rank` for it (`word_ranks`), read on
the first search that can use it and read again for the actions that change
(`ranks_patched`): a search for that word alone, or for such words alone in date order
or in the statistics, then reads no row. Which words are held only decides where the
matches and ranks come from: the query gives the same. (SQLite's frequent words are
records/ranking.py's.)
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import numpy as np

from unactions.formats.searchtext import Term, plain, tsquery

from .bulk import chunks
from .reading import among, numbers

# A word the planner expects in this many actions or more has its ranks held.
FREQUENT = 100_000
# At most this many words held (1-2 bytes an action each: `Ranks`), the least recently
# searched let go.
HELD = 16
# The rank held for an action that does not match.
NOT_FOUND = -1.0

_QUERY = "to_tsquery('simple', %s)"


def matches(cursor, query: str, ranked: bool) -> np.ndarray:
    """The ids of the actions matching the tsquery `query`, and with `ranked` their
    ts_rank, as `search.order_by_relevance` ranks them, in a second column."""
    columns, params = ["id"], [query]
    if ranked:
        columns, params = [*columns, f"ts_rank(search_vector, {_QUERY})"], [query, *params]
    # The GIN index gives the matches without reading their vectors, but for a common
    # word the planner reads every row's vector instead (it does not count what reading
    # them from their TOAST table costs): 325 ms against 180 at 100,000 actions (ranked,
    # which reads the matches' vectors: about the same for a word in 69% of them, 130-160
    # against 190-270 ms for one in 27%). With the default work_mem (4 MB), the bitmap
    # of a million actions' matches loses track of rows and reads their vectors again to
    # check them: 4.0 s against 1.9.
    with _settings(cursor, enable_seqscan="off", work_mem="64MB"):
        return numbers(
            cursor,
            columns,
            "records_action",
            f"WHERE search_vector @@ {_QUERY}",
            params,
            dtype=np.float64 if ranked else np.int64,
        )


def holdable(term: Term) -> bool:
    """Whether a search's term is a word whose ranks can be held: plain ASCII letters
    and digits, which PostgreSQL reads as one word (looked up as a prefix)."""
    return not term.cjk and plain(term.text)


def is_frequent(cursor, word: str) -> bool:
    """Whether the planner expects `word` (as a prefix) in `FREQUENT` actions or more:
    its estimate, from the statistics of the last ANALYZE, in a millisecond or two."""
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM records_action WHERE search_vector @@ {_QUERY}",
        [_word_query(word)],
    )
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"] >= FREQUENT


class Ranks:
    """A word's ts_rank in each action, by id, held as a code each into the few values
    it takes (a word's rank in a text depends on how often and where it occurs there: 10
    values for "detention" at a million actions, 331 for the prefix "de"): 1 or 2 bytes
    an action instead of 4. The values ascend from `NOT_FOUND`, code 0."""

    def __init__(self, codes: np.ndarray, values: np.ndarray):
        self.codes = codes
        self.values = values  # never changed in place: `patched` makes new ones

    @classmethod
    def of(cls, ids: np.ndarray, ranks: np.ndarray, size: int) -> Ranks:
        """The ranks of the actions `ids` (below `size`), the others not found."""
        values, codes = np.unique(
            np.concatenate([[NOT_FOUND], ranks]).astype(np.float32), return_inverse=True
        )
        held = np.zeros(size, dtype=_code_type(len(values)))
        held[ids] = codes[1:]
        return cls(held, values)

    def found(self) -> np.ndarray:
        """Whether each action matches."""
        return self.codes > 0

    def ranks(self) -> np.ndarray:
        """The rank of each action, `NOT_FOUND` for those that do not match."""
        return self.values[self.codes]

    def copy(self) -> Ranks:
        return Ranks(self.codes.copy(), self.values)

    def patched(self, size: int, changed: np.ndarray, ids: np.ndarray, ranks: np.ndarray) -> Ranks:
        """These ranks grown to `size`, the `changed` actions' replaced: those of `ids`
        by `ranks`, the others not found."""
        ranks = ranks.astype(np.float32)
        values = np.union1d(self.values, ranks)
        dtype = _code_type(len(values))
        codes = np.zeros(size, dtype=dtype)
        kept = min(len(self.codes), size)
        codes[:kept] = np.searchsorted(values, self.values).astype(dtype)[self.codes[:kept]]
        codes[changed] = 0
        codes[ids] = np.searchsorted(values, ranks)
        return Ranks(codes, values)


def _code_type(values: int) -> np.dtype:
    return np.min_scalar_type(values - 1)


def word_ranks(cursor, word: str, size: int) -> Ranks:
    """The ts_rank of each action (by id, below `size`) for `word` as a search's only
    term."""
    rows = matches(cursor, _word_query(word), ranked=True)
    rows = rows[rows[:, 0] < size]
    return Ranks.of(rows[:, 0].astype(np.int64), rows[:, 1], size)


def ranks_patched(
    cursor, held: dict[str, Ranks], changed: list[int], size: int
) -> dict[str, Ranks]:
    """`held` (from `word_ranks`) brought up to date for these changed actions (some may
    be gone) and grown to `size`, as new `Ranks`: the ranks of every held word read for
    500 actions at a time."""
    if not held or not changed:
        return held
    words = list(held)
    ids = np.array(changed, dtype=np.int64)
    ids = ids[ids < size]
    columns = ["id"] + [
        f"CASE WHEN search_vector @@ {_QUERY} THEN ts_rank(search_vector, {_QUERY}) "
        f"ELSE {NOT_FOUND} END"
        for _ in words
    ]
    queries = [query for word in words for query in [_word_query(word)] * 2]
    rows = [np.empty((0, len(columns)))]
    for chunk in chunks(ids.tolist(), 500):
        where, params = among("id", chunk)
        rows.append(
            numbers(cursor, columns, "records_action", where, [*queries, *params], np.float64)
        )
    read = np.concatenate(rows)
    found = read[:, 0].astype(np.int64)
    patched = {}
    for column, word in enumerate(words, start=1):
        matching = read[:, column] >= 0
        patched[word] = held[word].patched(size, ids, found[matching], read[matching, column])
    return patched


def _word_query(word: str) -> str:
    return tsquery([Term(word, cjk=False)])


@contextmanager
def _settings(cursor, **settings: str):
    """PostgreSQL's settings changed for the statements run inside, in this transaction
    (a statement that fails ends it, and its settings with it)."""
    before = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    yield
    for name, value in before.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
