from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import CommandError

from unactions.formats import csvfile, jsonfile, xlsxfile
from unactions.records.models import Action
from unactions.records.serialize import records_of

from ._base import RecordsCommand, ensure_database
from ._progress import Progress

# Each writes the file in pieces, so that a large collection is never held whole.
WRITERS = {"json": jsonfile.pieces, "csv": csvfile.pieces, "xlsx": xlsxfile.pieces}


class Command(RecordsCommand):
    help = "Write every stored action, drafts included, as JSON, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument(
            "--output", metavar="FILE", help="write to FILE instead of standard output"
        )

    def handle(self, *args, format: str, output: str | None, **options):
        if output is None and format == "xlsx":
            raise CommandError("an XLSX export needs --output FILE")
        if output is not None and not Path(output).parent.is_dir():
            raise CommandError(f"{output}: the folder {Path(output).parent} does not exist")
        ensure_database()
        actions = Action.objects.with_record()
        total = actions.count()
        with Progress(self.stderr, "Exporting") as progress:

            def counted():
                for done, record in enumerate(records_of(actions), start=1):
                    progress.update(done, total)
                    yield record

            pieces = WRITERS[format](counted())
            if output is None:
                for piece in pieces:
                    self.stdout.write(piece, ending="")
                return
            write_atomically(Path(output), pieces)
        self.stderr.write(f"Wrote {total} actions to {output}")


def write_atomically(path: Path, pieces: Iterable[str | bytes]) -> None:
    """Write the whole file or, on any error, leave what was there untouched."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise CommandError(f"{path}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                out.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CommandError(f"{path}: cannot write ({error.strerror})") from None
        raise
