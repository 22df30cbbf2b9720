"""The database settings a large load runs under (records/bulk.py)."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from unactions.records.bulk import written_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's journal: PostgreSQL has none to choose"
)


@pytest.fixture
def database_file(db, tmp_path):
    """A SQLite database in a file (the tests' own is in memory, which has no journal to
    switch), opened as Django opens one: in write-ahead log mode, as the alias "file"."""
    path = tmp_path / "load.sqlite3"
    wrapper = DatabaseWrapper({**connections["default"].settings_dict, "NAME": str(path)}, "file")
    connections["file"] = wrapper
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x)")
    yield path
    wrapper.close()
    del connections["file"]


def journal_mode() -> str:
    with connections["file"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


def test_a_load_alone_with_the_database_writes_it_once_then_goes_back_to_the_log(database_file):
    assert journal_mode() == "wal"
    with written_once("file") as switched:
        assert switched
        assert journal_mode() == "delete"
        with transaction.atomic(using="file"), connections["file"].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
    assert journal_mode() == "wal"
    reader = sqlite3.connect(database_file)
    assert reader.execute("SELECT x FROM t").fetchall() == [(1,)]
    reader.close()


def test_the_log_is_back_after_a_load_that_failed(database_file):
    with pytest.raises(RuntimeError), written_once("file") as switched:
        assert switched
        with transaction.atomic(using="file"), connections["file"].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("disk full")
    assert journal_mode() == "wal"
    with connections["file"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_while_another_connection_has_the_database_open_the_log_stays(database_file):
    """A server's reader keeps reading the database as it was: the load does not
    switch, and does not wait for the reader either."""
    reader = sqlite3.connect(database_file)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with written_once("file") as switched:
        assert not switched
        assert journal_mode() == "wal"
        with transaction.atomic(using="file"), connections["file"].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
            assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
    reader.close()
    with connections["file"].cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone() == (20_000,)  # the settings' timeout, as before


def test_inside_a_transaction_nothing_switches(database_file):
    with transaction.atomic(using="file"), written_once("file") as switched:
        assert not switched
    assert journal_mode() == "wal"
