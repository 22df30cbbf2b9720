from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections

from unactions.records import database_copy

from ._base import RecordsCommand
from ._progress import Progress


class Command(RecordsCommand):
    help = (
        "Copy everything from one database into another, empty one (for instance a "
        "SQLite file into PostgreSQL): actions, vocabularies, history, users and roles."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="DATABASE_URL to copy from, e.g. sqlite:///old.sqlite3")
        parser.add_argument("target", help="DATABASE_URL to copy into, e.g. postgresql://...")

    def handle(self, *args, source: str, target: str, **options):
        for alias, url in (("copy_source", source), ("copy_target", target)):
            try:
                settings = dj_database_url.parse(url)
            except ValueError as error:
                raise CommandError(f"{url!r} is not a database URL: {error}") from None
            if settings["ENGINE"].endswith("sqlite3") and not Path(settings["NAME"]).exists():
                if alias == "copy_source":
                    raise CommandError(f"{settings['NAME']}: no such database file")
            # The default connection's settings give the keys Django expects; the URL's
            # own replace them, options included (SQLite's differ from PostgreSQL's).
            connections.databases[alias] = {
                **connections["default"].settings_dict,
                **settings,
                "OPTIONS": settings.get("OPTIONS", {}),
            }
        try:
            call_command("migrate", database="copy_source", interactive=False, verbosity=0)
            call_command("migrate", database="copy_target", interactive=False, verbosity=0)
            with Progress(self.stderr, "Copying rows") as progress:
                counts = database_copy.copy("copy_source", "copy_target", progress.update)
        except database_copy.CopyError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"the copy failed, nothing was changed: {error}") from None
        self.stdout.write(
            f"Copied {counts['records.Action']} actions, {counts['records.ActionVersion']} "
            f"versions and {counts['auth.User']} users."
        )
