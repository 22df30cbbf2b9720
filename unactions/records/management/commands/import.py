from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import CommandError

from unactions.formats.errors import RecordsError
from unactions.formats.read import open_records
from unactions.records.loader import load_records
from unactions.records.models import Status

from ._base import RecordsCommand, ensure_database
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
        try:
            # The file is read as it is stored, a chunk of records at a time.
            with (
                open_records(Path(file)) as (records, read),
                Progress(self.stderr, "Importing") as progress,
            ):
                ensure_database()  # once the file is found
                result = load_records(
                    records,
                    progress=lambda done: progress.update(read(), 1, f"{done:,} records"),
                    dry_run=dry_run,
                    status=Status.DRAFT if as_drafts else Status.PUBLISHED,
                    author=f"{getpass.getuser()} (command line)",
                    comment=f"unactions import {Path(file).name}",
                )
        except RecordsError as error:
            raise CommandError(f"{file}: nothing was imported.\n{error}") from None
        prefix = "Dry run, nothing stored: would be " if dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}")
