from __future__ import annotations

import tempfile
from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction

from unactions.records import search, tallies
from unactions.records.models import Action

from ._base import RecordsCommand

# Rebuilt on the target, or not worth keeping (login attempts, sessions).
SKIPPED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "records.actionsearchentry",  # the full-text index, rebuilt from the actions
    "records.actiontally",  # counts, recounted from the actions
    "records.termtally",
    "records.replytally",
    "records.actionchange",  # the log of changes the facet index follows: it starts anew
]


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
            if Action.objects.using("copy_target").exists():
                raise CommandError(
                    "the target database already holds actions: copy into an empty one"
                )
            with tempfile.NamedTemporaryFile("w+", suffix=".json") as dump:
                call_command(
                    "dumpdata",
                    database="copy_source",
                    natural_foreign=True,
                    natural_primary=True,
                    exclude=SKIPPED,
                    output=dump.name,
                    verbosity=0,
                )
                # All in one transaction; the tallies counted once at the end, not by
                # their triggers for each row.
                with transaction.atomic(using="copy_target"):
                    with tallies.suspended("copy_target"):
                        call_command("loaddata", dump.name, database="copy_target", verbosity=0)
                    search.install_index(connections["copy_target"])
                    tallies.rebuild(connections["copy_target"])
                    # Primary keys were copied: the target's sequences continue after them.
                    self._reset_sequences()
        except DatabaseError as error:
            raise CommandError(f"the copy failed, nothing was changed: {error}") from None
        counts = {
            label: (
                model.objects.using("copy_source").count(),
                model.objects.using("copy_target").count(),
            )
            for label, model in _models().items()
        }
        lost = {label: pair for label, pair in counts.items() if pair[0] != pair[1]}
        if lost:
            raise CommandError(f"rows differ after the copy: {lost}")
        self.stdout.write(
            f"Copied {counts['actions'][1]} actions, {counts['versions'][1]} versions and "
            f"{counts['users'][1]} users."
        )

    def _reset_sequences(self):
        from django.apps import apps
        from django.core.management.color import no_style

        connection = connections["copy_target"]
        models = [m for m in apps.get_models() if m._meta.managed]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _models():
    from django.contrib.auth.models import Group, User

    from unactions.records.models import ActionVersion, Defender, Issue

    return {
        "actions": Action,
        "versions": ActionVersion,
        "defenders": Defender,
        "issues": Issue,
        "users": User,
        "groups": Group,
    }
