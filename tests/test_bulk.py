"""The database settings a large load runs under (records/bulk.py)."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from tests.conftest import SEED_TEXT
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


def test_a_reader_refused_during_a_load_written_once_gets_an_error_the_site_answers_503(
    database_file,
):
    """While a load written once holds the database (here: its pages spilt to the file
    by a tiny page cache), a connection opened then is refused with the error that
    `errors.database_locked` tells apart (the site then answers 503, test_errors.py)."""
    from unactions.errors import database_locked

    settings = connections["file"].settings_dict
    reader = DatabaseWrapper({**settings, "OPTIONS": {**settings["OPTIONS"], "timeout": 0}})
    with written_once("file") as switched:
        assert switched
        with transaction.atomic(using="file"), connections["file"].cursor() as cursor:
            cursor.execute("PRAGMA cache_size = 2")
            cursor.executemany("INSERT INTO t VALUES (randomblob(20000))", [()] * 50)
            with pytest.raises(OperationalError) as refused:
                with reader.cursor() as reading:
                    reading.execute("SELECT count(*) FROM t")
            assert database_locked(refused.value)
            cursor.execute("PRAGMA cache_size = -32768")
    reader.close()
    with connections["file"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (50,)
    assert not database_locked(OperationalError("no such table: t"))


# A process that crashes (no cleanup at all) in the middle of a first large load,
# after some of its pages have reached the database file.
_CRASHING_LOAD = """
import contextlib, hashlib, os, sys
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unactions.settings")
django.setup()
from django.db import connection

from unactions.formats.page import parse_page
from unactions.records import loader
from unactions.records.management.commands._base import ensure_database

ensure_database()
loader.BULK = loader.CHUNK = 5
loader.tuned_for_large_load = contextlib.nullcontext  # no larger page cache
with connection.cursor() as cursor:
    cursor.execute("PRAGMA cache_size = 2")  # two pages, so that the load spills
path = connection.settings_dict["NAME"]
records = parse_page(open(sys.argv[1], encoding="utf-8").read()).records


def crash(done):
    if done >= 15:
        journal = path + "-journal"
        size = os.path.getsize(journal) if os.path.exists(journal) else 0
        with open(path, "rb") as database:
            print(size, hashlib.sha256(database.read()).hexdigest(), flush=True)
        os._exit(3)


loader.load_records(records, progress=crash)
"""


def test_a_first_load_that_crashes_midway_leaves_nothing_behind(tmp_path, cli_env, run):
    """Written once, a load that dies is rolled back by the next connection from the
    rollback journal, as it would be from the log: nothing of it is left, the
    database is whole, and the log is back once the tracker opens it again."""
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED_TEXT, encoding="utf-8")
    database = Path(cli_env["DATABASE_URL"].removeprefix("sqlite:///"))
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASHING_LOAD, str(seed)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 3, crashed.stderr
    journal, at_crash = crashed.stdout.split()
    # A rollback journal holding pages the load had overwritten in the file.
    assert int(journal) > 16384
    reader = sqlite3.connect(database)
    assert reader.execute("SELECT count(*) FROM records_action").fetchone() == (0,)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reader.close()
    assert hashlib.sha256(database.read_bytes()).hexdigest() != at_crash  # put back
    assert not Path(f"{database}-journal").exists()
    again = run("import", str(seed))
    assert again.returncode == 0, again.stderr
    reader = sqlite3.connect(database)
    assert reader.execute("SELECT count(*) FROM records_action").fetchone() == (22,)
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reader.close()
