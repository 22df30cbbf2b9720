"""Shared fixtures: the seed page parsed once, and a database holding it."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from urllib.parse import urlparse

import pytest

from unactions.formats.page import parse_page

SEED_TEXT = (files("unactions") / "sample_data" / "un-actions-china-2020.txt").read_text(
    encoding="utf-8"
)


def _postgres_unreachable() -> str | None:
    """Why the PostgreSQL named by DATABASE_URL cannot be used, or None when it can."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    parts = urlparse(url)
    try:
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname=parts.path.lstrip("/") or "postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else error
        return (
            f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not reachable ({first_line})"
        )
    return None


def pytest_collection_modifyitems(config, items):
    reason = _postgres_unreachable()
    if reason:
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            item.add_marker(skip)


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT


@pytest.fixture
def seed_records():
    return parse_page(SEED_TEXT).records


@pytest.fixture
def seeded(db, seed_records):
    from unactions.records.loader import load_records

    load_records(seed_records)
    return seed_records


PASSWORD = "correct horse battery staple 42"


def _person(django_user_model, username: str, role: str | None):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=role is not None
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db, django_user_model):
    """Alice is an admin: she manages users and vocabularies."""
    return _person(django_user_model, "alice", "Admin")


@pytest.fixture
def bob(db, django_user_model):
    """Bob is an editor: he creates and edits actions."""
    return _person(django_user_model, "bob", "Editor")


@pytest.fixture
def carol(db, django_user_model):
    """Carol is a reviewer: she reads everything and changes nothing."""
    return _person(django_user_model, "carol", "Reviewer")


@pytest.fixture
def login(client):
    def login_as(user):
        client.force_login(user)
        return client

    return login_as


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """The environment of a new `unactions` process, as a person runs one: its data in
    tmp_path, its database a SQLite file there (`db/tracker.sqlite3`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db' / 'tracker.sqlite3'}"
    env["UNACTIONS_DATA_DIR"] = str(tmp_path)
    return env


@pytest.fixture
def run(tmp_path, cli_env):
    """Run `unactions ARGS` in tmp_path in `cli_env` (its settings overridden by keyword)."""

    def run(*args: str, **overrides: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "unactions.cli", *args],
            cwd=tmp_path,
            env={**cli_env, **overrides},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
