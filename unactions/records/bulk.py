"""Writing many rows at once without building model instances: the fast path of the
loader and of copy-database (records/database_copy.py).

`Inserter` turns plain tuples into one `executemany` per table (on PostgreSQL, COPY), or
on SQLite, for rows of a few values each, one statement reading them from JSON (wide
rows are bound as they are: SQLite parses a row's JSON again for each value it reads,
and a million actions' rows took 20 s that way instead of 8.7 s), with new primary
keys taken beforehand where the caller needs them, adapting dates and JSON the way the
model's fields would. It runs inside the caller's transaction and skips
Django's per-instance work (signals, `save()`), so only those two use it: the loader for
new actions, the copy for rows that are already whole.
"""

from __future__ import annotations

import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

import orjson
from django.db import OperationalError, connection, connections, models

# Fields whose Python values the database driver cannot take as they are.
_ADAPTED = ("DateField", "DateTimeField", "JSONField")


class Inserter:
    """INSERT statements for `fields` of `model`, reused for every batch."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], using: str = "default"):
        self.model = model
        self.connection = connection = connections[using]
        self.fields = [model._meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self._adapted: list[tuple[int, Callable]] = [
            (i, _adapter(f, connection))
            for i, f in enumerate(self.fields)
            if f.get_internal_type() in _ADAPTED
        ]
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            self.table, self.columns, ", ".join(["%s"] * len(self.fields))
        )

    def _adapt(self, row: Sequence) -> list:
        row = list(row)
        for i, adapt in self._adapted:
            if row[i] is not None:
                row[i] = adapt(row[i])
        return row

    def insert(self, rows: Iterable[Sequence]) -> None:
        """Insert every row; nothing is returned."""
        rows = [self._adapt(row) for row in rows] if self._adapted else list(rows)
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                self._copy(cursor, self.columns, rows)
            else:
                cursor.executemany(self.sql, rows)

    def insert_listed(self, keys: Sequence[int], lists: Sequence[Sequence]) -> None:
        """For each key and list, a row (key, position, value) for each value of the
        list, in a model of those three fields (an action's links to its terms, say).
        SQLite: the keys and lists in one JSON parameter, expanded into rows by one
        statement (`json_each`) rather than bound a row at a time by the driver: 2.5
        million rows in about 1 s instead of 3 s. PostgreSQL: COPY, as `insert`."""
        assert len(self.fields) == 3 and not self._adapted, "(key, position, value) rows"
        if self.connection.vendor == "postgresql":
            self.insert(
                (key, i, value)
                for key, values in zip(keys, lists, strict=True)
                for i, value in enumerate(values)
            )
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({self.columns}) "
                "SELECT json_extract(row.value, '$[0]'), value.key, value.value "
                "FROM json_each(%s) AS row, json_each(row.value, '$[1]') AS value",
                [orjson.dumps(list(zip(keys, lists, strict=True))).decode()],
            )

    def insert_alike(self, rows: Iterable[Sequence], same: Sequence) -> None:
        """Insert rows whose last fields all have the values `same`, each row given by
        the values of its first fields. SQLite: the rows in one JSON parameter
        (`json_each`), the same values bound once, in one statement: an action's first
        versions, a million in 2.1 s instead of 3.8 s. PostgreSQL: COPY, as `insert`."""
        rows = list(rows)
        if not rows:
            return
        if self.connection.vendor == "postgresql":
            self.insert((*row, *same) for row in rows)
            return
        first = len(self.fields) - len(same)
        assert all(i >= first for i, _ in self._adapted), "rows of values taken as they are"
        same = self._adapt([*[None] * first, *same])[first:]
        extracted = [f"json_extract(value, '$[{i}]')" for i in range(first)]
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({self.columns}) "
                f"SELECT {', '.join([*extracted, *['%s'] * len(same)])} FROM json_each(%s)",
                [*same, orjson.dumps(rows).decode()],
            )

    def _copy(self, cursor, columns: str, rows: Iterable[Sequence]) -> None:
        """PostgreSQL: the rows through COPY, which neither parses nor plans a statement
        per batch (psycopg adapts each value as for a query)."""
        with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def insert_keyed(self, rows: Sequence[Sequence]) -> list[int]:
        """Insert every row under a new primary key, taken beforehand, and return the
        keys in the rows' order. Inside the caller's transaction, which on SQLite holds
        the only write lock: a key after the highest ever given (as AUTOINCREMENT would),
        then one `executemany` (a statement per batch of rows with RETURNING, as before,
        took longer to build, bind and run). PostgreSQL: keys from the key's sequence,
        then COPY."""
        assert self.connection.in_atomic_block, "keys are taken inside a transaction"
        if self.connection.vendor == "postgresql":
            return self._copy_keyed(rows)
        pk = self.connection.ops.quote_name(self.model._meta.pk.column)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"coalesce((SELECT max({pk}) FROM {self.table}), 0))",
                [self.model._meta.db_table],
            )
            (last,) = cursor.fetchone()
            keys = range(last + 1, last + 1 + len(rows))
            cursor.executemany(
                f"INSERT INTO {self.table} ({pk}, {self.columns}) "
                f"VALUES (%s, {', '.join(['%s'] * len(self.fields))})",
                [[key, *self._adapt(row)] for key, row in zip(keys, rows, strict=True)],
            )
        return list(keys)

    def _copy_keyed(self, rows: Sequence[Sequence]) -> list[int]:
        """PostgreSQL: the rows through COPY, with primary keys taken from their
        sequence beforehand (COPY returns nothing)."""
        pk = self.model._meta.pk
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.model._meta.db_table, pk.column, len(rows)],
            )
            keys = [key for (key,) in cursor.fetchall()]
            columns = f"{self.connection.ops.quote_name(pk.column)}, {self.columns}"
            self._copy(
                cursor,
                columns,
                ([key, *self._adapt(row)] for key, row in zip(keys, rows, strict=True)),
            )
        return keys


def update_each(model: type[models.Model], name: str, rows: Iterable[tuple], using="default"):
    """Set one field of many rows, given as (value, primary key), with an UPDATE for
    each row (`executemany`), the value adapted as the field would save it. About half
    the time of `bulk_update`'s CASE expression over them all (20,000 versions' data in
    2.4-2.7 s instead of 4.8-5.3)."""
    connection = connections[using]
    field, quote = model._meta.get_field(name), connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [(field.get_db_prep_save(value, connection), pk) for value, pk in rows],
        )


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """The items in lists of `size` (the last one shorter), read as they are needed."""
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def _adapter(field: models.Field, connection) -> Callable:
    """The backend's own conversion for the field's type (what `get_db_prep_save` ends in)."""
    kind = field.get_internal_type()
    ops = connection.ops  # looked up once, not per value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        # A batch shares one or two timestamps: convert each once.
        return functools.lru_cache(maxsize=16)(ops.adapt_datetimefield_value)
    adapt_json, encoder = ops.adapt_json_value, field.encoder
    if encoder is None:
        # The values `json.dumps` would write (without its spaces, and letters beyond
        # ASCII as they are), written several times faster: versions hold whole records.
        # Both databases take it as text (PostgreSQL's COPY reads a jsonb's text).
        return lambda value: orjson.dumps(value).decode()
    return lambda value: adapt_json(value, encoder)


def id_list(vendor: str) -> str:
    """A subquery of the ids in one parameter (see `id_list_value`): a statement can
    then take any number of them (a parameter each would stop at SQLite's 32,766)."""
    if vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])"
    return "SELECT value FROM json_each(%s)"


def id_list_value(vendor: str, ids: list[int]):
    """The parameter of `id_list`: an array, or on SQLite a JSON array."""
    return list(ids) if vendor == "postgresql" else json.dumps(list(ids))


@contextmanager
def triggers_dropped(names: Iterable[str], statements: Iterable[str], using: str = "default"):
    """On SQLite, drop the triggers `names` inside the caller's transaction until the
    block ends, then create them again with `statements`; yields whether it did (on
    other databases it does nothing). A large load then inserts rows without a trigger
    each and does the triggers' work in bulk itself. No one sees them missing: SQLite
    has one writer at a time, and they are back when the transaction commits (or rolls
    back)."""
    if connections[using].vendor != "sqlite":
        yield False
        return
    with connections[using].cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TRIGGER {name}")
        yield True
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def indexes_dropped(
    tables: Iterable[str], keep: Callable[[list[str]], bool], using: str = "default"
):
    """Drop the indexes of `tables` that enforce nothing (not those of keys, unique
    constraints or unique indexes), except those `keep` says to keep from their columns,
    inside the caller's transaction until the block ends; then create them again, built
    once from all the rows instead of updated a row at a time. Yields the names of those
    it dropped. No one sees them missing on SQLite, which has one writer at a time (as
    with `triggers_dropped`); on PostgreSQL, dropping an index locks the table's readers
    out until the transaction ends, so only a new database's first load should. A
    rollback brings them back."""
    connection = connections[using]
    tables = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_INDEXES, [tables])
            found = cursor.fetchall()
        else:
            found = []
            cursor.execute(
                "SELECT m.name, m.sql FROM sqlite_master AS m "
                "JOIN pragma_index_list(m.tbl_name) AS i ON i.name = m.name "
                "WHERE m.type = 'index' AND m.sql IS NOT NULL AND NOT i.\"unique\" "
                f"AND m.tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
            for name, sql in cursor.fetchall():
                cursor.execute("SELECT name FROM pragma_index_info(%s) ORDER BY seqno", [name])
                found.append((name, sql, [column for (column,) in cursor.fetchall()]))
        dropped = {name: sql for name, sql, columns in found if not keep(columns)}
        for name in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield list(dropped)
        for sql in dropped.values():
            cursor.execute(sql)


# PostgreSQL's indexes of some tables (an array) that enforce nothing: name, definition
# and columns (none for an expression).
_POSTGRES_INDEXES = """
SELECT index.relname, pg_get_indexdef(i.indexrelid), array(
    SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)
    JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n
)
FROM pg_index AS i
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_class AS index ON index.oid = i.indexrelid
WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
AND NOT i.indisunique AND NOT i.indisprimary
AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
"""


@contextmanager
def foreign_keys_dropped(tables: Iterable[str], using: str = "default"):
    """On PostgreSQL, drop the foreign keys of `tables` inside the caller's transaction
    until the block ends, then add them again, each checked by one query over all the
    rows (a key checked per row locks the row it points to). Like `indexes_dropped`,
    for a new database: readers of the tables wait until the transaction ends. On
    SQLite, which checks a deferred key at little cost, it does nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_FOREIGN_KEYS, [list(tables)])
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        yield
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


_POSTGRES_FOREIGN_KEYS = """
SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid
WHERE c.contype = 'f' AND t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
"""


def analyze(using: str = "default") -> None:
    """PostgreSQL: the planner's statistics of every table as it is now, after a large
    load (see `tuned_for_large_load`). SQLite plans without them, here as before."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")


def vacuum(using: str = "default") -> None:
    """PostgreSQL, after a new database's first load has been committed: VACUUM, which
    also gathers the planner's statistics (as `analyze`) and marks every page whose rows
    all transactions see, so that a query answered by an index alone need not visit the
    table's rows to check them. Autovacuum does the same, in its own time: a copied
    million-action database counted the admin's vocabularies in 3-5 s until it had,
    0.05-0.2 s after. Outside a transaction (VACUUM cannot run in one)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        assert not connection.in_atomic_block, "VACUUM runs outside a transaction"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


@contextmanager
def written_once(using: str = "default"):
    """SQLite, around a large load into a database that holds no actions yet, outside
    its transaction: the rollback journal instead of the write-ahead log while it runs.
    The log writes every page twice (into the log, then into the database when the log
    is checkpointed); a rollback journal keeps a copy of only the pages that held
    something before, which in a new database are few, and the rest is written once.
    At a million actions the load took about 15% less time (benchmarks/README.md).

    The price: until the load ends, no other connection can read the database (one that
    tries fails with "database is locked", at once or after its 20 s wait, which the
    site answers with 503: unactions/errors.py), where with the log it would read the
    database as it was. So it switches only when no other connection has the database
    open (otherwise it yields False and the load runs as ever), and the log is back when
    the block ends, however it ends (each connection also asks for it when it opens).
    Yields whether it switched."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        switched = cursor.fetchone()[0].lower() == "wal" and _switched(cursor, "DELETE")
    if not switched:
        yield False
        return
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except OperationalError:  # the next connection to open it asks again
                pass


def _switched(cursor, mode: str) -> bool:
    """Whether the journal mode is now `mode`, without waiting for other connections."""
    cursor.execute("PRAGMA busy_timeout")
    (timeout,) = cursor.fetchone()
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        cursor.execute(f"PRAGMA journal_mode = {mode}")
        return cursor.fetchone()[0].lower() == mode.lower()
    except OperationalError:  # another connection has the database open
        return False
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


@contextmanager
def collector_paused():
    """Python's collector of cyclic garbage paused while a load runs, back after (if it
    was on). A load makes few cycles (about 3,300 objects collected in an import of
    200,000 records from a file), but the collector's passes over every object the
    process holds ran 37 times in that import (each chunk's records live long enough to
    reach its oldest generation): with it paused, that import took 14 s instead of 19,
    and a million from a JSON file 79 s instead of 117. The garbage a load leaves is
    collected once it ends. The collector is the process's: another thread of a server
    process (an editor's upload runs a small load) goes without it for as long."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def tuned_for_large_load(megabytes: int = 256):
    """The database tuned for a large load while it runs. SQLite: a larger page cache,
    then the usual one again (the indexes a load writes into outgrow the usual cache: at
    300,000 actions, 256 MB instead of 64 took an import from about 4,000 to 5,300
    actions/s).
    PostgreSQL: once the load has gone well, the planner's statistics of the tables as
    they are now (ANALYZE); until autovacuum came by, it planned for the tables as they
    were, and after a first load, for empty ones: searches took seconds."""
    if connection.vendor == "postgresql":
        yield
        analyze()
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
