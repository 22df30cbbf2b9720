from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from unactions.formats import csvfile, jsonfile, xlsxfile
from unactions.records.models import Action
from unactions.records.serialize import records_of

from ._base import RecordsCommand, ensure_database
from ._progress import Progress

WRITERS = {"json": jsonfile.dumps, "csv": csvfile.dumps, "xlsx": xlsxfile.dumps}


class Command(RecordsCommand):
    help = "Write every stored action, drafts included, as JSON, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument(
            "--output", metavar="FILE", help="write to FILE instead of standard output"
        )

    def handle(self, *args, format: str, output: str | None, **options):
        ensure_database()
        actions = Action.objects.with_record()
        total = actions.count()
        with Progress(self.stderr, "Exporting") as progress:

            def counted():
                for done, record in enumerate(records_of(actions), start=1):
                    progress.update(done, total)
                    yield record

            content = WRITERS[format](counted())
        if output is None:
            if isinstance(content, bytes):
                raise CommandError("an XLSX export needs --output FILE")
            self.stdout.write(content, ending="")
            return
        write_atomically(Path(output), content)
        self.stderr.write(f"Wrote {total} actions to {output}")


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write the whole file or, on any error, leave what was there untouched."""
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"{path}: the folder {folder} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        raise CommandError(f"{path}: cannot write ({error.strerror})") from None
