from __future__ import annotations

from unactions.formats import jsonfile

from ._base import RecordsCommand, read_records


class Command(RecordsCommand):
    help = (
        "Print the records of a page-format (or JSON) file as one JSON array in the "
        "record schema, without touching the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to read")

    def handle(self, *args, file: str, **options):
        self.stdout.write(jsonfile.dumps(read_records(file)), ending="")
