"""Copying a SQLite database into another database (PostgreSQL in production) loses nothing."""

from __future__ import annotations

import os
import sqlite3
import uuid
from urllib.parse import urlparse

import pytest

from tests.test_cli import run, seed_file  # noqa: F401  (fixtures)


@pytest.fixture
def target(tmp_path):
    """An empty database of the suite's kind: PostgreSQL when the suite runs on it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg

    parts = urlparse(url)
    name = f"unactions_copy_{uuid.uuid4().hex[:8]}"
    admin = dict(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_everything_is_copied(run, seed_file, tmp_path, target):  # noqa: F811
    assert run("import", str(seed_file)).returncode == 0
    source_file = tmp_path / "db" / "tracker.sqlite3"
    source = f"sqlite:///{source_file}"
    db = sqlite3.connect(source_file)
    db.execute(
        "INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, "
        "first_name, last_name, email, date_joined) VALUES ('bob', '!', 0, 1, 1, '', '', '', '2026-01-01')"
    )
    db.execute(
        "UPDATE records_action SET status = 'draft', summary_zh = '摘要' WHERE record_id = '2020-12-04-chn-20-2020'"
    )
    # Tally rows numbered in another order than the triggers would number them, as a
    # large import writes them: the copy recounts them rather than copying them.
    for table in ("records_actiontally", "records_termtally", "records_replytally"):
        db.execute(f"UPDATE {table} SET id = id + 1000")
    db.commit()
    result = run("copy-database", source, target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Copied 22 actions, 22 versions and 1 users."
    before = run("export", DATABASE_URL=source).stdout
    after = run("export", DATABASE_URL=target).stdout
    assert after == before and len(before) > 10_000
    # The copy is searchable and keeps its drafts as drafts.
    check = (
        "from unactions.records.models import Action; from unactions.records.query import *; "
        "print(Action.objects.get(record_id='2020-12-04-chn-20-2020').status, "
        "[a.record_id for a in find_actions(ActionQuery(q='Qiaoyu OR Yongpei'))], "
        "[a.record_id for a in find_actions(ActionQuery(q='Weiping'))])"
    )
    shell = run("shell", "-c", check, DATABASE_URL=target)
    assert shell.stdout.split("\n")[-2] == (
        "draft [] ['2020-12-16-special-procedures-press-release', '2020-09-01-special-procedures-other-letter']"
    )
    # Its tallies agree with a recount of its actions.
    recount = run(
        "shell",
        "-c",
        "from unactions.records import tallies; print(tallies.check())",
        DATABASE_URL=target,
    )
    assert recount.stdout.split("\n")[-2] == "[]"
    again = run("copy-database", source, target)
    assert again.returncode == 1
    assert "the target database already holds actions" in again.stderr


def test_a_missing_source(run, tmp_path, target):  # noqa: F811
    result = run("copy-database", f"sqlite:///{tmp_path / 'none.sqlite3'}", target)
    assert result.returncode == 1 and "no such database file" in result.stderr
