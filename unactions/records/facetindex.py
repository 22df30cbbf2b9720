"""Facet counts of filtered queries from columns held in memory.

A search for a common word can match most of the collection, and so can a facet value
(a government, a body). The tallies (records/tallies.py) count the whole collection
(and one body with one action type), not such matches: summed from their rows for one
body alone, the facets took a second at a million actions, and SQL would visit every
match once per facet (12 s for one government). This index holds what the facets
count, for every action: whether it is public, its date, body, type, year, mechanism
and reply state, and its links to issues, regions, governments and defenders, as NumPy
arrays indexed by action id. Counting the matches of a query is then a few vector
operations over those arrays (with `np.take` and `np.compress`, which select from a
million values two to three times faster than indexing). It also holds the length of
each action's indexed text, with which records/ranking.py ranks a search by relevance,
and for the words that occur a million times or more (on PostgreSQL, in 100,000
actions or more), how many times each action holds each (on PostgreSQL, its ts_rank),
read on a word's first search: a search for them then reads no full-text index at
all (on PostgreSQL, by relevance, a search for one such word alone; records/ranking.py,
records/pgsearch.py).

It is never stale. The tallies' triggers log the id of every action whose facet values
or indexed text change (`ActionChange`), in the same transaction as the change; a large
load logs one entry that stands for everything. Before it counts, the index reads the
entries it has not seen and re-reads those actions (or everything), in the same read
transaction as the query itself. On SQLite, with its one writer, entries commit in the
order of their numbers: the index reads those after the last it saw. On PostgreSQL a
transaction can commit after a later one; each entry holds its transaction's id, and
the index reads those of the transactions its last look could not see: those then
running and those begun since (its snapshot's `xip` and `xmax`). A transaction that
has written itself counts with a copy of the index that holds its writes, which no
other may see.

A process keeps one index: a server process reads it in the background as it starts
(`warm_up`, from unactions/wsgi.py), or else on its first query. The matches of a
search come from the database's full-text index each time (FTS5 or PostgreSQL's), but
for the frequent words the index holds.
"""

from __future__ import annotations

import copy
import ctypes
import datetime as dt
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from unactions.formats import searchtext
from unactions.formats.record import COMMUNICATION_TYPES

from . import models, pgsearch, ranking
from .bulk import chunks
from .reading import among, numbers
from .search import FTS_TABLE
from .tallies import LINKS

# Codes of the columns held as small integers; -1 for a value no longer in the choices.
BODIES = [value for value, _ in models.Body.choices]
TYPES = [value for value, _ in models.ActionType.choices]
RESPONSES = [
    models.ResponseStatus.RECEIVED,
    models.ResponseStatus.NONE,
    models.ResponseStatus.NOT_APPLICABLE,
]

# More changed actions than this since the last look, and everything is read again.
PATCH_LIMIT = 20_000

# How many words searched and found not frequent an index remembers (then forgets them).
RARE_WORDS = 10_000

# SQLite's julianday() of a date, less this, is Python's date.toordinal().
_ORDINAL = 1721424.5


def _ordinal(vendor: str, column: str) -> str:
    """SQL for the ordinal of a date column (Python's `date.toordinal()`)."""
    if vendor == "postgresql":
        return f"({column} - DATE '0001-01-01' + 1)"
    return f"CAST(julianday({column}) - {_ORDINAL} AS INTEGER)"


# The ordinal of NumPy's first day (datetime64[D] zero).
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _code(column: str, values: list[str]) -> str:
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {cases} ELSE -1 END"


def _action_columns(vendor: str) -> dict[str, str]:
    """The columns of an action read, in order; all are integers."""
    return {
        "id": "id",
        "published": "CASE WHEN status = 'published' THEN 1 ELSE 0 END",
        "embargo": f"COALESCE({_ordinal(vendor, 'embargo_until')}, 0)",
        "date": _ordinal(vendor, "date"),
        "body": _code("body", BODIES),
        "type": _code("action_type", TYPES),
        "year": "year",
        "mechanism": "mechanism_term_id",
    }


# The column facets packed into a cell's key, with the bits each takes, after the
# mechanism's id; codes are stored plus one (-1 is a value out of the choices).
_CELL_BITS = (("year", 12), ("response", 2), ("type", 5), ("body", 4))
assert len(TYPES) < 31 and len(BODIES) < 15, "more choices than _CELL_BITS can hold"
# The column facets held as codes: a code is the value's place in its list.
_CODED = {"body": BODIES, "type": TYPES, "response": RESPONSES}
_COMMUNICATION_CODES = [TYPES.index(t) for t in COMMUNICATION_TYPES]


@dataclass
class Counts:
    """What the index found for a query: the counts of each facet's values (column
    facets by value, mechanisms and terms by id), the matching actions, and for a
    search by relevance that the index could rank, their scores."""

    facets: dict[str, dict]
    distinct: dict[str, int]  # by term facet: how many terms have a count
    matching: np.ndarray  # by action id: whether it matches
    dates: np.ndarray  # by action id: its date's ordinal
    scores: np.ndarray | None = None  # by action id: bm25, higher for better matches

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.matching))

    def ordered(
        self,
        start: int,
        stop: int,
        sort: str = "newest",
        after: tuple[dt.date, int] | None = None,
    ) -> list[int]:
        """The ids of the matching actions from `start` to `stop` in the list's order:
        by relevance (best first, then newest), newest first or oldest first, and then
        by id; in date order, only those after the action with this date and id when
        `after` is given (the API's cursors)."""
        ids = np.flatnonzero(self.matching)
        if sort == "relevance":
            return self._best(ids, start, stop)
        oldest = sort == "oldest"
        dates = self.dates[ids].astype(np.int64)
        keys = (dates if oldest else -dates) * (1 << 32) + ids
        if after is not None:
            date, pk = after[0].toordinal(), after[1]
            later = keys > (date if oldest else -date) * (1 << 32) + pk
            ids, keys = ids[later], keys[later]
        if stop < len(keys):
            keys_at = np.argpartition(keys, stop - 1)[:stop]
        else:
            keys_at = np.arange(len(keys))
        keys_at = keys_at[np.argsort(keys[keys_at])]
        return ids[keys_at[start:stop]].tolist()

    def _best(self, ids: np.ndarray, start: int, stop: int) -> list[int]:
        if stop <= start:
            return []
        scores = self.scores[ids]
        if stop < len(ids):
            # The `stop` best, and those tied with the last of them.
            least = np.partition(scores, len(ids) - stop)[len(ids) - stop]
            kept = scores >= least
            ids, scores = ids[kept], scores[kept]
        order = np.lexsort((ids, -self.dates[ids].astype(np.int64), -scores))
        return ids[order[start:stop]].tolist()


@dataclass
class Figures:
    """What the statistics page shows, counted by the index for a query."""

    total: int
    periods: dict[tuple[int, int, str], int]  # (year, month, body) -> actions
    tops: dict[str, dict]  # facet -> counts by value (column facets) or by id
    replies: dict[int, tuple[int, int]]  # year -> communications, answered
    # government id -> communications, answered, and days taken -> how many replies
    governments: dict[int, tuple[int, int, dict[int, int]]]


class FacetIndex:
    def __init__(self):
        self.seen = 0  # the last change applied (`ActionChange.seq`) ...
        self.token = None  # ... and its token, which a rolled-back change will not have
        # PostgreSQL: the transactions the last look could not see, those then running
        # and from this one on (its snapshot's `xip` and `xmax`)
        self.unseen: tuple[list[int], int] = ([], 0)
        self.size = 0
        self.columns: dict[str, np.ndarray] = {}
        self.links: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # Actions sharing all five column facets' values share a cell: the column facets
        # are counted by cell, which needs one pass over the matches instead of five.
        self.cells: dict[int, int] = {}  # packed values -> cell
        self.cell_values: dict[str, np.ndarray] = {}  # facet -> value code of each cell
        # Of the most frequent words searched since the index was read, on SQLite each
        # one's count in each action (`ranking.is_frequent`, `ranking.word_counts`),
        # which searches for it read instead of FTS5's; on PostgreSQL each action's
        # ts_rank for it (`pgsearch.is_frequent`, `pgsearch.word_ranks`). And the other
        # words searched (up to `RARE_WORDS`), not to ask again.
        self.frequent: dict[str, np.ndarray | pgsearch.Ranks] = {}
        self.rare: set[str] = set()

    # Reading the database

    def load(self, cursor) -> None:
        """Read every action."""
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM records_action")
        self.size = cursor.fetchone()[0] + 1
        self.columns = self._empty_columns(self.size)
        self.cells = {}
        self._read_actions(cursor)
        self.links = {}
        for kind, table, column in LINKS:
            rows = numbers(cursor, ("action_id", column), table)
            self.links[kind] = (rows[:, 0].astype(np.int32), _narrow(rows[:, 1]))
        self.frequent, self.rare = {}, set()

    def patch(self, cursor, ids: list[int]) -> None:
        """Read these actions again (some may be gone)."""
        if not ids:
            return
        wanted = np.array(ids, dtype=np.int64)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM records_action")
        size = max(self.size, cursor.fetchone()[0] + 1)
        if size > self.size:
            grown = self._empty_columns(size)
            for name, values in self.columns.items():
                grown[name][: self.size] = values
            self.columns, self.size = grown, size
        # An action created and deleted since the last look can be past the end.
        known = wanted[wanted < self.size]
        self.columns["published"][known] = False
        self.columns["responded"][known] = False
        self.columns["replied"][known] = 0
        self.columns["length"][known] = 0
        pieces = list(chunks(ids, 500))
        for chunk in pieces:
            self._read_actions(cursor, chunk)
        for kind, table, column in LINKS:
            actions, terms = self.links[kind]
            kept = ~np.isin(actions, wanted)
            added = np.concatenate(
                [
                    numbers(cursor, ("action_id", column), table, *among("action_id", c))
                    for c in pieces
                ]
            )
            self.links[kind] = (
                np.concatenate([actions[kept], added[:, 0].astype(np.int32)]),
                np.concatenate([terms[kept], added[:, 1]]),
            )
        if cursor.db.vendor == "postgresql":
            self.frequent = pgsearch.ranks_patched(cursor, self.frequent, ids, self.size)
        else:
            self.frequent = ranking.frequent_words_patched(cursor, self.frequent, ids, self.size)

    @staticmethod
    def _empty_columns(size: int) -> dict[str, np.ndarray]:
        return {
            "published": np.zeros(size, dtype=bool),
            "embargo": np.zeros(size, dtype=np.int32),
            "date": np.zeros(size, dtype=np.int32),
            "body": np.full(size, -1, dtype=np.int8),
            "type": np.full(size, -1, dtype=np.int8),
            "year": np.zeros(size, dtype=np.int16),
            "month": np.zeros(size, dtype=np.int8),  # of the date, 1 to 12
            "mechanism": np.zeros(size, dtype=np.int32),
            "responded": np.zeros(size, dtype=bool),
            "replied": np.zeros(size, dtype=np.int32),  # the response's date; 0: none
            "response": np.zeros(size, dtype=np.int8),
            "cell": np.zeros(size, dtype=np.int32),
            "length": np.zeros(size, dtype=np.int32),  # in tokens, as FTS5 counts them
        }

    def _read_actions(self, cursor, only: list[int] | None = None) -> None:
        """Read the actions (all, or `only` these), with whether each has a response
        and the length of its indexed text."""
        vendor = cursor.db.vendor
        columns = _action_columns(vendor)
        rows = numbers(cursor, columns.values(), "records_action", *among("id", only))
        ids = rows[:, 0]
        for index, name in enumerate(columns):
            if index:
                self.columns[name][ids] = rows[:, index]
        days = (self.columns["date"][ids] - _EPOCH).astype("datetime64[D]")
        self.columns["month"][ids] = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
        if vendor == "sqlite":
            # FTS5's lengths, with which `ranking` ranks (PostgreSQL ranks itself).
            indexed, lengths = ranking.document_lengths(cursor, only)
            self.columns["length"][indexed[indexed < self.size]] = lengths[indexed < self.size]
        responses = numbers(
            cursor,
            ["action_id", f"COALESCE({_ordinal(vendor, 'date')}, 0)"],
            "records_response",
            *among("action_id", only),
        )
        self.columns["responded"][responses[:, 0]] = True
        self.columns["replied"][responses[:, 0]] = responses[:, 1]
        # The response facet's code: received, none (a communication) or not applicable.
        communication = _one_of(self.columns["type"][ids], _COMMUNICATION_CODES)
        self.columns["response"][ids] = np.where(
            self.columns["responded"][ids], 0, np.where(communication, 1, 2)
        )
        self._place_in_cells(ids)

    def _place_in_cells(self, ids: np.ndarray) -> None:
        c = self.columns
        packed = c["mechanism"][ids].astype(np.int64)
        for name, bits in _CELL_BITS:
            packed = (packed << bits) | (c[name][ids].astype(np.int64) + 1)
        keys, where = np.unique(packed, return_inverse=True)
        for key in keys.tolist():
            self.cells.setdefault(key, len(self.cells))
        c["cell"][ids] = np.array([self.cells[k] for k in keys.tolist()], dtype=np.int32)[where]
        packed = np.fromiter(self.cells, dtype=np.int64, count=len(self.cells))
        for name, bits in reversed(_CELL_BITS):
            self.cell_values[name] = (packed & ((1 << bits) - 1)) - 1
            packed = packed >> bits
        self.cell_values["mechanism"] = packed

    def refresh(self, cursor) -> FacetIndex:
        """Apply the changes logged since the last look: the index to count with (on
        PostgreSQL, in a transaction that has written, a copy of this one)."""
        if cursor.db.vendor == "postgresql":
            cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
            if cursor.fetchone()[0]:
                # What this transaction sees is its own until it commits, if it does.
                own = self.copy()
                own._catch_up(cursor)
                return own
            self._catch_up(cursor)
            return self
        cursor.execute("SELECT seq, token FROM records_actionchange ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone() or (0, None)
        if last == (self.seen, self.token) and self.columns:
            return self
        unbroken = self._unbroken(cursor) and self.seen <= last[0]
        ids = self._changed(cursor, "seq > %s", self.seen) if unbroken else None
        self._apply(cursor, ids)
        self.seen, self.token = last
        return self

    def _catch_up(self, cursor) -> None:
        """Apply the changes of the transactions the last look could not see
        (PostgreSQL): those then running, and those begun since."""
        cursor.execute(
            "SELECT seq, token, ARRAY(SELECT pg_snapshot_xip(s)::text::bigint), "
            "pg_snapshot_xmax(s)::text::bigint "
            "FROM records_actionchange, pg_current_snapshot() AS s ORDER BY seq DESC LIMIT 1"
        )
        last = cursor.fetchone()
        # An empty log: its table was emptied (migrations leave an entry).
        unbroken = last is not None and self._unbroken(cursor)
        running, later = self.unseen
        ids = (
            self._changed(cursor, "xid = ANY(%s) OR xid >= %s", running, later)
            if unbroken
            else None
        )
        self._apply(cursor, ids)
        self.seen, self.token, *unseen = last or (0, None, [], 0)
        self.unseen = tuple(unseen)

    def _unbroken(self, cursor) -> bool:
        """Whether the index has been read and the last entry it saw is still there: not
        rolled back or pruned since (or then every later entry may be gone)."""
        if not self.columns or not self.seen:
            return False
        cursor.execute(
            "SELECT 1 FROM records_actionchange WHERE seq = %s AND token = %s",
            [self.seen, self.token],
        )
        return cursor.fetchone() is not None

    @staticmethod
    def _changed(cursor, where: str, *params) -> list[int] | None:
        """The actions logged by the entries `where` (with `params`); None for
        everything: an entry says so, or there are too many to read one by one."""
        cursor.execute(
            f"SELECT DISTINCT action_id FROM records_actionchange WHERE {where} LIMIT %s",
            [*params, PATCH_LIMIT + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
        return ids if None not in ids and len(ids) <= PATCH_LIMIT else None

    def _apply(self, cursor, ids: list[int] | None) -> None:
        if ids is not None:
            self.patch(cursor, ids)
        else:
            self.load(cursor)
            _release_memory(cursor)

    def copy(self) -> FacetIndex:
        """A copy to change apart from this index."""
        index = copy.copy(self)
        index.columns = {name: values.copy() for name, values in self.columns.items()}
        index.links = dict(self.links)  # patched by replacing each pair
        index.cells = dict(self.cells)
        index.cell_values = dict(self.cell_values)
        index.frequent = {word: counts.copy() for word, counts in self.frequent.items()}
        index.rare = set(self.rare)
        return index

    # Counting

    def count(self, query, today: dt.date, facets: bool = True, rank: bool = True) -> Counts:
        """The public actions matching `query` (an ActionQuery), and with `facets` the
        counts of every facet's values; for a search by relevance (and `rank`), their
        scores when the index can rank them (see records/ranking.py)."""
        from .query import FACETS

        c = self.columns
        base = c["published"] & ((c["embargo"] == 0) | (c["embargo"] <= today.toordinal()))
        if query.date_from:
            base &= c["date"] >= query.date_from.toordinal()
        if query.date_to:
            base &= c["date"] <= query.date_to.toordinal()
        scores = None
        if query.q:
            found, scores = self._found(query.q, rank and query.effective_sort == "relevance")
            base &= found
        filters = {key: self._filter(key, values) for key, values in query.selected.items()}
        matching = base.copy()
        for allowed, _ in filters.values():
            matching &= allowed
        counts, distinct = {}, {}
        by_cell = None
        for facet in FACETS if facets else ():
            # Each facet counts with every filter but its own.
            mask = matching
            if facet.key in filters:
                mask = base.copy()
                for key, (allowed, _) in filters.items():
                    if key != facet.key:
                        mask &= allowed
            if facet.key in self.links:
                selected = filters.get(facet.key, (None, []))[1]
                counts[facet.key], distinct[facet.key] = self._term_counts(
                    facet.key, mask, facet.limit, selected
                )
            elif mask is matching:
                if by_cell is None:
                    by_cell = self._cell_counts(mask)
                counts[facet.key] = self._column_counts(facet.key, by_cell)
            else:
                counts[facet.key] = self._column_counts(facet.key, self._cell_counts(mask))
        return Counts(counts, distinct, matching, c["date"], scores)

    def figures(self, query, today: dt.date, tops: dict[str, int | None]) -> Figures:
        """What the statistics page shows of the public actions matching `query`, with
        the counts of the facets in `tops` (term facets: of their `tops[key]` most
        frequent values, ties included)."""
        matching = self.count(query, today, facets=False, rank=False).matching
        by_cell = self._cell_counts(matching)
        counted = {
            key: self._term_counts(key, matching, limit, [])[0]
            if key in self.links
            else self._column_counts(key, by_cell)
            for key, limit in tops.items()
        }
        sent = matching & _one_of(self.columns["type"], _COMMUNICATION_CODES)
        return Figures(
            int(np.count_nonzero(matching)),
            self._periods(matching),
            counted,
            self._replies_by_year(sent),
            self._replies_by_government(sent),
        )

    def totals(self, key: str, today: dt.date) -> dict[int, int]:
        """How many public actions have each value of facet `key`: by term id for a term
        facet, by id for the mechanism."""
        from .query import ActionQuery

        public = self.count(ActionQuery(), today, facets=False, rank=False).matching
        if key in self.links:
            return self._term_counts(key, public, None, [])[0]
        return self._column_counts(key, self._cell_counts(public))

    def _periods(self, mask: np.ndarray) -> dict[tuple[int, int, str], int]:
        """How many of these actions by year, month and body."""
        c = self.columns
        years = np.compress(mask, c["year"]).astype(np.int64)
        first = int(years.min()) if len(years) else 0
        months = np.compress(mask, c["month"]) - 1
        bodies = np.compress(mask, c["body"])
        # Counted by one small number each: year (from the first), month, body code + 1.
        counts = np.bincount(((years - first) * 12 + months) * 16 + bodies + 1)
        return {
            (first + key // 192, key // 16 % 12 + 1, BODIES[key % 16 - 1]): int(counts[key])
            for key in np.flatnonzero(counts).tolist()
            if key % 16  # not a body out of the choices
        }

    def _replies_by_year(self, sent: np.ndarray) -> dict[int, tuple[int, int]]:
        """Of these communications, how many were sent and answered, by year."""
        years = np.compress(sent, self.columns["year"])
        total = np.bincount(years)
        answered = np.compress(np.compress(sent, self.columns["responded"]), years)
        answered = np.bincount(answered, minlength=len(total))
        return {int(y): (int(total[y]), int(answered[y])) for y in np.flatnonzero(total)}

    def _replies_by_government(self, sent: np.ndarray) -> dict:
        """Of these communications, by government addressed: how many, how many were
        answered, and the days each dated reply took (days -> how many)."""
        c = self.columns
        actions, governments = self.links["government"]
        addressed = np.take(sent, actions)
        actions = np.compress(addressed, actions)
        governments = np.compress(addressed, governments).astype(np.int64)
        replied = np.take(c["replied"], actions)
        dated = replied > 0
        days = np.compress(dated, replied) - np.compress(dated, np.take(c["date"], actions))
        # Counted by one number each: the government's id, and the days (from -2**31).
        pairs, n = np.unique(
            (np.compress(dated, governments) << 32) + days + 2**31, return_counts=True
        )
        taken: dict[int, dict[int, int]] = {}
        for pair, count in zip(pairs.tolist(), n.tolist(), strict=True):
            taken.setdefault(pair >> 32, {})[(pair & 0xFFFFFFFF) - 2**31] = count
        total = np.bincount(governments)
        answered = np.compress(np.take(c["responded"], actions), governments)
        answered = np.bincount(answered, minlength=len(total))
        return {
            int(g): (int(total[g]), int(answered[g]), taken.get(int(g), {}))
            for g in np.flatnonzero(total)
        }

    def _cell_counts(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(np.compress(mask, self.columns["cell"]), minlength=len(self.cells))

    def _column_counts(self, key: str, by_cell: np.ndarray) -> dict:
        """A column facet's counts by value, from the counts by cell."""
        found = np.bincount(self.cell_values[key] + 1, weights=by_cell)  # codes from -1
        values = np.flatnonzero(found)
        names = _CODED.get(key)
        if names:
            return {names[v - 1]: int(found[v]) for v in values if v}
        return {int(v - 1): int(found[v]) for v in values}

    def _term_counts(self, key, mask, limit, selected) -> tuple[dict[int, int], int]:
        """Counts by term id (of the `limit` most frequent terms, ties included, and the
        selected ones, when there is a limit), and how many terms have a count."""
        actions, terms = self.links[key]
        found = np.bincount(np.compress(np.take(mask, actions), terms))
        values = np.flatnonzero(found)
        distinct = len(values)
        if limit and distinct > limit:
            least = np.partition(found[values], distinct - limit)[distinct - limit]
            selected = [t for t in selected if t < len(found) and found[t]]
            values = np.union1d(values[found[values] >= least], np.array(selected, dtype=int))
        return {int(t): int(found[t]) for t in values}, distinct

    def _filter(self, key: str, values: tuple[str, ...]) -> tuple[np.ndarray, list[int]]:
        """The actions having one of these values of facet `key`, and for a term facet
        the ids of the terms."""
        from .query import FACETS_BY_KEY

        facet = FACETS_BY_KEY[key]
        if key not in self.links:
            wanted = facet.wanted(list(values))  # as the facet's column holds them
            if key in _CODED:
                wanted = [_CODED[key].index(v) for v in wanted if v in _CODED[key]]
            return _one_of(self.columns[key], wanted), []
        ids = list(facet.term_model.objects.filter(slug__in=values).values_list("pk", flat=True))
        actions, terms = self.links[key]
        found = np.zeros(self.size, dtype=bool)
        found[actions[np.isin(terms, ids)]] = True
        return found, ids

    def _found(self, q: str, ranked: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """The actions whose text matches the search `q`, and (if `ranked` and the index
        can rank the search) their scores: bm25 on SQLite, ts_rank on PostgreSQL."""
        found = np.zeros(self.size, dtype=bool)
        terms = searchtext.terms(q)
        if not terms:
            found[:] = True
            return found, None
        scores = None
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                held = self._held_ranks(cursor, terms, ranked)
                if held is not None:
                    found = np.logical_and.reduce([ranks.found() for ranks in held])
                    return found, (np.where(found, held[0].ranks(), 0.0) if ranked else None)
                rows = pgsearch.matches(cursor, searchtext.tsquery(terms), ranked)
                if ranked:
                    scores = np.zeros(self.size)
                    kept = rows[:, 0] < self.size
                    scores[rows[kept, 0].astype(np.int64)] = rows[kept, 1]
            else:
                self._hold_frequent(cursor, terms)
                if ranked and ranking.rankable(terms):
                    return ranking.bm25(cursor, terms, self.columns["length"], self.frequent)
                if all(not t.cjk and t.text in self.frequent for t in terms):
                    # Frequent words alone: their counts held give FTS5's matches.
                    return np.logical_and.reduce([self.frequent[t.text] > 0 for t in terms]), None
                match = searchtext.fts5_query(terms)
                rows = numbers(cursor, ["rowid"], FTS_TABLE, f"WHERE {FTS_TABLE} MATCH %s", [match])
        ids = rows[:, 0].astype(np.int64)
        found[ids[ids < self.size]] = True
        return found, scores

    def _hold_frequent(self, cursor, terms: list[searchtext.Term]) -> None:
        """Read and hold the counts of the frequent words among a search's `terms` that
        are not held yet (SQLite): on a word's first search rather than with the rest of
        the index (about 7 s of a million actions' 10-11 s), in the query's own read
        transaction once the index is up to date, and patched with the rest of it from
        then on. Which words are frequent only decides where their counts come from:
        FTS5 gives the same."""
        for term in terms:
            word = term.text
            if term.cjk or word in self.frequent or word in self.rare:
                continue
            if ranking.is_frequent(cursor, word):
                self.frequent[word] = ranking.word_counts(cursor, word, self.size)
            else:
                self._remember_rare(word)

    def _held_ranks(
        self, cursor, terms: list[searchtext.Term], ranked: bool
    ) -> list[pgsearch.Ranks] | None:
        """The ranks held (PostgreSQL, `pgsearch.word_ranks`) of each of a search's
        `terms`, if they can answer it: frequent words alone, and by relevance one word
        only (ts_rank of several words is not made of theirs). Those not held yet are
        read now, in the query's own read transaction once the index is up to date, and
        patched with the rest of it from then on. None where the search needs its
        query."""
        if (ranked and len(terms) > 1) or not all(pgsearch.holdable(t) for t in terms):
            return None
        words = [term.text for term in terms]
        for word in words:
            if word in self.rare:
                return None
            if word not in self.frequent and not pgsearch.is_frequent(cursor, word):
                self._remember_rare(word)
                return None
        for word in words:
            # The most recently used last; the least recently used let go.
            ranks = self.frequent.pop(word, None)
            if ranks is None:
                ranks = pgsearch.word_ranks(cursor, word, self.size)
            self.frequent[word] = ranks
        for word in [w for w in self.frequent if w not in words]:
            if len(self.frequent) <= pgsearch.HELD:
                break
            del self.frequent[word]
        return [self.frequent[word] for word in words]

    def _remember_rare(self, word: str) -> None:
        """Remember a word searched and found not frequent, not to ask again."""
        if len(self.rare) >= RARE_WORDS:
            self.rare.clear()
        self.rare.add(word)


def _one_of(values: np.ndarray, wanted) -> np.ndarray:
    """Whether each of `values` is one of the few `wanted`: a comparison for each is
    faster than `np.isin` (0.3 against 12 ms for three codes of a million actions)."""
    found = np.zeros(len(values), dtype=bool)
    for value in wanted:
        found |= values == value
    return found


def _release_memory(cursor) -> None:
    """Give back what reading every row took and no longer needs: the connection's page
    cache, and the freed heap (its rows, as read, outsize the arrays kept)."""
    if cursor.db.vendor == "sqlite":
        cursor.execute("PRAGMA shrink_memory")
    trim_heap()


def trim_heap() -> None:
    """On glibc, give the freed heap back to the system: the temporary arrays and strings
    of a search (tens of MB at a million actions) would otherwise stay with the process.
    Called after each request (records/apps.py), and after reading the whole index."""
    if _malloc_trim is not None:
        _malloc_trim(0)


try:
    _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
except (OSError, AttributeError):
    _malloc_trim = None  # not glibc: its allocator decides


def _narrow(ids: np.ndarray) -> np.ndarray:
    """Term ids in the smallest integer type that holds them (there are few regions)."""
    return ids.astype(np.min_scalar_type(int(ids.max())) if len(ids) else np.int32)


_index = FacetIndex()
_lock = threading.Lock()
_reading: threading.Thread | None = None  # reading the index in advance
logger = logging.getLogger(__name__)


def warm_up() -> threading.Thread | None:
    """Read the index now, in a thread of its own, so that a server process's first
    search does not wait for it (seconds at a million actions); None when the database
    has no index."""
    global _reading
    if not available():
        return None
    _reading = threading.Thread(target=_read_now, name="facet-index", daemon=True)
    _reading.start()
    return _reading


def _read_now() -> None:
    try:
        with _current():
            pass
    except DatabaseError:
        # A database not migrated yet, say: the first search reads it and says why not.
        logger.warning("The facet index could not be read in advance.", exc_info=True)
    finally:
        connection.close()


def _finish_reading() -> None:
    """Before the process forks, let the reading end: a child forked while a thread is
    inside SQLite can wait forever on one of SQLite's locks, and one forked while it
    reads PostgreSQL would share its connection (gunicorn's `--preload` forks its
    workers from the process that loaded the application; the reading closes its
    connection when done). The children then share the index read, until either
    changes it."""
    if _reading is not None:
        _reading.join()


os.register_at_fork(before=_finish_reading)


def available() -> bool:
    """Whether the index can count for the default database."""
    return connection.vendor in ("sqlite", "postgresql")


def counts(query, facets: bool = True) -> Counts:
    """The actions matching `query` and (with `facets`) its facet counts, from the index
    brought up to date first."""
    with _current() as index:
        return index.count(query, timezone.localdate(), facets)


def figures(query, tops: dict[str, int | None]) -> Figures:
    """What the statistics page shows of the actions matching `query` (`FacetIndex.figures`),
    from the index brought up to date first."""
    with _current() as index:
        return index.figures(query, timezone.localdate(), tops)


def totals(key: str) -> dict[int, int]:
    """How many public actions have each value of facet `key` (`FacetIndex.totals`), from
    the index brought up to date first."""
    with _current() as index:
        return index.totals(key, timezone.localdate())


@contextmanager
def _current():
    """The process's index, brought up to date and used alone, in one read transaction
    with whatever the caller reads of the database."""
    with _lock, _read_transaction(), connection.cursor() as cursor:
        yield _index.refresh(cursor)


@contextmanager
def _read_transaction():
    """One consistent view of the database for the refresh and the counting (unless the
    caller is already in a transaction)."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # One snapshot for every statement (and so no writes: see `refresh`).
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        raw.execute("COMMIT")
