from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from unactions.formats.errors import RecordsError
from unactions.formats.names import parse_names
from unactions.formats.read import decode, read_file
from unactions.records.vocabulary import name_in_chinese

from ._base import RecordsCommand, ensure_database


class Command(RecordsCommand):
    help = (
        "Give terms and defenders their names in Chinese, shown by the Chinese interface, "
        'from a JSON file: {"issue": {"arbitrary detention": "任意拘留"}, '
        '"defender": {"Yu Wensheng": "余文生"}} (kinds: mechanism, government, issue, '
        "region, defender). Names already given are kept unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file of names")
        parser.add_argument(
            "--replace", action="store_true", help="replace Chinese names already given"
        )

    def handle(self, *args, file: str, replace: bool, **options):
        try:
            names = parse_names(decode(read_file(Path(file))))
        except RecordsError as error:
            raise CommandError(f"{file}: nothing was named.\n{error}") from None
        ensure_database()
        with transaction.atomic():
            naming = name_in_chinese(names, replace=replace)
        hint = " (--replace replaces them)" if naming.kept and not replace else ""
        self.stdout.write(naming.summary() + hint)
