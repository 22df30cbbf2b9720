"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # The browser tests allow Django's sync calls under Playwright's event loop in this
    # process; a deployment never sets that.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-key-" + "x9Q2" * 12,
        ALLOWED_HOSTS="tracker.example.org",
        UNACTIONS_HTTPS="true",
        UNACTIONS_BEHIND_PROXY="true",
        CSRF_TRUSTED_ORIGINS="https://tracker.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-m", "unactions.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_default_settings_are_flagged_for_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.update(
        UNACTIONS_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    result = subprocess.run(
        [sys.executable, "-m", "unactions.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_connections_compile_no_query_just_in_time(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite setting")
def test_a_new_sqlite_database_has_pages_of_16_kb_and_an_old_one_keeps_its_own(
    tmp_path, django_db_blocker
):
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as made_before:  # SQLite's default: pages of 4 KB
        made_before.execute("CREATE TABLE kept (x)")
        made_before.execute("INSERT INTO kept VALUES (1)")
    made_before.close()

    def opened(path):
        handler = ConnectionHandler({"default": {**settings.DATABASES["default"], "NAME": path}})
        return handler["default"]

    with django_db_blocker.unblock():  # databases of its own, not the tests' database
        for path, page_size in ((tmp_path / "new.sqlite3", 16384), (old, 4096)):
            database = opened(path)
            with database.cursor() as cursor:
                cursor.execute("CREATE TABLE made (x)")
                cursor.execute("PRAGMA page_size")
                assert cursor.fetchone()[0] == page_size
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
            database.close()
        database = opened(old)
        with database.cursor() as cursor:
            cursor.execute("SELECT x FROM kept")
            assert cursor.fetchall() == [(1,)]
        database.close()
