"""Copying a SQLite database into another database (PostgreSQL in production) loses nothing."""

from __future__ import annotations

import os
import sqlite3
import uuid
from urllib.parse import urlparse

import pytest

from tests.test_cli import seed_file  # noqa: F401  (a fixture)


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


@pytest.fixture
def source_file(run, seed_file, tmp_path):  # noqa: F811
    """The SQLite database the commands use by default, with the seed page imported:
    the copy's source."""
    assert run("import", str(seed_file)).returncode == 0
    return tmp_path / "db" / "tracker.sqlite3"


def test_everything_is_copied(run, source_file, tmp_path, target):
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
    # The default database is neither (it is not even there): migrating the target must
    # write the target's regions into the target.
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    result = run("copy-database", source, target, DATABASE_URL=elsewhere)
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


def test_a_missing_source(run, tmp_path, target):
    result = run("copy-database", f"sqlite:///{tmp_path / 'none.sqlite3'}", target)
    assert result.returncode == 1 and "no such database file" in result.stderr


# Every index and constraint of the database: name, columns, kind.
SCHEMA = (
    "from django.db import connection; c = connection.cursor(); i = connection.introspection; "
    "print(sorted((t, n, tuple(v['columns']), v['unique'], v['index'], v['foreign_key']) "
    "for t in i.table_names(c) for n, v in i.get_constraints(c, t).items()))"
)


def _last_line(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[-2]


def test_roles_and_permissions_are_copied_by_name(run, source_file, target):
    """Links to permissions carry over by name, though the target numbers them its own way;
    a permission made by hand in the source is made on the target."""
    source = f"sqlite:///{source_file}"
    setup = (
        "from django.contrib.auth.models import Group, Permission, User; "
        "from django.contrib.contenttypes.models import ContentType; "
        "from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA foreign_keys = OFF'); "
        "c.execute('UPDATE auth_permission SET id = id + 500'); "
        "c.execute('UPDATE auth_group_permissions SET permission_id = permission_id + 500'); "
        "c.execute('PRAGMA foreign_keys = ON'); "
        "bob = User.objects.create_user('bob', is_staff=True); "
        "bob.groups.add(Group.objects.get(name='Reviewer')); "
        "interns = Group.objects.create(name='Interns'); "
        "bob.groups.add(interns); "
        "interns.permissions.add(Permission.objects.get(codename='change_action')); "
        "kind = ContentType.objects.get(app_label='records', model='action'); "
        "bob.user_permissions.add(Permission.objects.create("
        "content_type=kind, codename='sign_off_action', name='Can sign off')); "
        "print('ready')"
    )
    assert _last_line(run("shell", "-c", setup, DATABASE_URL=source)) == "ready"
    assert run("migrate", DATABASE_URL=target).returncode == 0
    schema = _last_line(run("shell", "-c", SCHEMA, DATABASE_URL=target))
    assert run("copy-database", source, target).returncode == 0
    # The indexes and keys the copy dropped while it ran are back as they were.
    assert _last_line(run("shell", "-c", SCHEMA, DATABASE_URL=target)) == schema
    assert "records_action_newest" in schema and "records_actionissue_issue_id" in schema
    check = (
        "from django.contrib.auth.models import Group, User; "
        "bob = User.objects.get(username='bob'); "
        "print(sorted(g.name for g in bob.groups.all()), "
        "[bob.has_perm(p) for p in ('records.change_action', 'records.sign_off_action', "
        "'records.view_action', 'records.delete_action')], "
        "sorted(g.name for g in Group.objects.all()))"
    )
    assert _last_line(run("shell", "-c", check, DATABASE_URL=target)) == (
        "['Interns', 'Reviewer'] [True, True, True, False] "
        "['Admin', 'Editor', 'Interns', 'Reviewer']"
    )
    roles = (
        "from django.contrib.auth.models import Group; "
        "print(sorted((g.name, p.content_type.app_label, p.codename) "
        "for g in Group.objects.all() for p in g.permissions.all()))"
    )
    assert _last_line(run("shell", "-c", roles, DATABASE_URL=target)) == _last_line(
        run("shell", "-c", roles, DATABASE_URL=source)
    )


def test_a_failed_copy_leaves_the_target_as_it_was(run, source_file, target):
    db = sqlite3.connect(source_file)
    # An action pointing at a mechanism that is gone (SQLite enforces foreign keys only
    # when asked): the target refuses it at the end (PostgreSQL as the key is added back,
    # SQLite as the transaction commits), once every row went in.
    db.execute(
        "DELETE FROM records_mechanism WHERE id = "
        "(SELECT mechanism_term_id FROM records_action WHERE mechanism_term_id IS NOT NULL LIMIT 1)"
    )
    db.commit()
    result = run("copy-database", f"sqlite:///{source_file}", target)
    assert result.returncode == 1
    assert "the copy failed, nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    count = (
        "from django.contrib.auth.models import Group; from unactions.records.models import *; "
        "print(Action.objects.count(), Mechanism.objects.count(), "
        "sorted(Group.objects.values_list('name', flat=True)))"
    )
    assert _last_line(run("shell", "-c", count, DATABASE_URL=target)) == (
        "0 0 ['Admin', 'Editor', 'Reviewer']"
    )


def test_the_copy_runs_without_the_garbage_collector_and_gives_it_back(run, source_file, target):
    source = f"sqlite:///{source_file}"
    # The command in a process of its own, each table's copy noting whether the
    # collector runs, as in `load_records` (test_import).
    copy = (
        "import gc; from django.core.management import call_command; "
        "from unactions.records import database_copy as c; seen = []; t = c._copy_table; "
        "c._copy_table = lambda *a: (seen.append(gc.isenabled()), (yield from t(*a)))[1]; "
        f"call_command('copy-database', {source!r}, {target!r}); "
        "print(len(seen) > 10, set(seen), gc.isenabled())"
    )
    result = run("shell", "-c", copy)
    assert _last_line(result) == "True {False} True", result.stderr


def test_a_target_in_use_is_refused(run, source_file, target):
    source = f"sqlite:///{source_file}"
    make_user = "from django.contrib.auth.models import User; User.objects.create_user('ann')"
    assert run("migrate", DATABASE_URL=target).returncode == 0
    assert run("shell", "-c", make_user, DATABASE_URL=target).returncode == 0
    result = run("copy-database", source, target)
    assert result.returncode == 1
    assert "CommandError: the target database already holds users: copy into an empty one" in (
        result.stderr
    )


def test_postgresql_plans_for_the_rows_copied(run, source_file, target):
    if not target.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite plans without statistics, copied or not")
    result = run("copy-database", f"sqlite:///{source_file}", target)
    assert result.returncode == 0, result.stderr
    # Statistics of the copied rows, and their pages marked visible to every
    # transaction (for index-only scans), as VACUUM leaves them (not autovacuum, later).
    statistics = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute(\"SELECT count(*) FROM pg_stats WHERE tablename = 'records_action'\"); "
        "print(c.fetchone()[0] > 0); "
        'c.execute("SELECT relpages, relallvisible FROM pg_class '
        "WHERE relname = 'records_action'\"); "
        "print(*c.fetchone())"
    )
    found = run("shell", "-c", statistics, DATABASE_URL=target).stdout.strip().splitlines()
    assert found[-2] == "True"
    pages, visible = map(int, found[-1].split())
    assert pages == visible > 0
