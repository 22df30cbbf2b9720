from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import CommandError

from unactions.formats.errors import RecordsError
from unactions.records.loader import load_records
from unactions.records.models import Status

from ._base import RecordsCommand, ensure_database, read_records
from ._progress import Progress


class Command(RecordsCommand):
    help = (
        "Store the actions of a file (the page's text format, JSON, CSV or XLSX), all in "
        "one transaction. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change, store nothing"
        )
        parser.add_argument(
            "--as-drafts",
            action="store_true",
            help="keep new actions as drafts, off the public site until published",
        )

    def handle(self, *args, file: str, dry_run: bool, as_drafts: bool, **options):
        records = read_records(file)
        ensure_database()
        try:
            with Progress(self.stderr, "Importing") as progress:
                result = load_records(
                    records,
                    progress=progress.update,
                    dry_run=dry_run,
                    status=Status.DRAFT if as_drafts else Status.PUBLISHED,
                    author=f"{getpass.getuser()} (command line)",
                    comment=f"unactions import {Path(file).name}",
                )
        except RecordsError as error:
            raise CommandError(f"{file}: nothing was imported.\n{error}") from None
        prefix = "Dry run, nothing stored: would be " if dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}")
