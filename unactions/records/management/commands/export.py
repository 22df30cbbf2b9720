from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from unactions.formats import csvfile, jsonfile
from unactions.records.models import Action
from unactions.records.serialize import records_of

from ._base import RecordsCommand, ensure_database

WRITERS = {"json": jsonfile.dumps, "csv": csvfile.dumps}


class Command(RecordsCommand):
    help = "Write every stored action, drafts included, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument(
            "--output", metavar="FILE", help="write to FILE instead of standard output"
        )

    def handle(self, *args, format: str, output: str | None, **options):
        ensure_database()
        text = WRITERS[format](records_of(Action.objects.with_record()))
        if output is None:
            self.stdout.write(text, ending="")
            return
        write_atomically(Path(output), text)
        self.stderr.write(f"Wrote {Action.objects.count()} actions to {output}")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or, on any error, leave what was there untouched."""
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"{path}: the folder {folder} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise CommandError(f"{path}: cannot write ({error.strerror})") from None
