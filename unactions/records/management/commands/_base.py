"""What the `unactions` commands share: a ready database and readable errors."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from unactions.errors import BUSY, database_locked
from unactions.formats.errors import RecordsError
from unactions.formats.read import parse_file
from unactions.formats.record import Record


def ensure_database() -> None:
    """Create and migrate the database, so every command works on a new, empty one."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and database["NAME"] != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as error:
        if database_locked(error):
            raise CommandError(BUSY) from None
        raise CommandError(f"cannot prepare the database: {error}".strip()) from None


def read_records(path: str) -> list[Record]:
    """The records of a file, for a command that only reads them (`parse`)."""
    try:
        return parse_file(Path(path))
    except RecordsError as error:
        raise CommandError(f"{path} cannot be read:\n{error}") from None


class RecordsCommand(BaseCommand):
    requires_migrations_checks = False
    requires_system_checks: list[str] = []
