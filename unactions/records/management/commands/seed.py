from __future__ import annotations

from importlib.resources import files

from django.db import transaction

from unactions.formats.names import parse_names
from unactions.formats.page import parse_page
from unactions.public.models import Introduction
from unactions.records.loader import load_records
from unactions.records.models import Action
from unactions.records.vocabulary import name_in_chinese

from ._base import RecordsCommand, ensure_database

SAMPLE = files("unactions") / "sample_data" / "un-actions-china-2020.txt"
# The Chinese names of the sample's vocabulary (its defenders' are for editors to give).
NAMES_IN_CHINESE = files("unactions") / "sample_data" / "names-in-chinese.json"


class Command(RecordsCommand):
    help = (
        "Load the sample data (UN actions on human rights defenders in China, 2020) "
        "when the database holds no actions yet."
    )

    def handle(self, *args, **options):
        ensure_database()
        if Action.objects.exists():
            self.stdout.write("The database already holds actions; sample data not loaded.")
            return
        page = parse_page(SAMPLE.read_text(encoding="utf-8"))
        with transaction.atomic():
            result = load_records(page.records)
            name_in_chinese(parse_names(NAMES_IN_CHINESE.read_text(encoding="utf-8")))
            if not Introduction.objects.exists():
                Introduction.objects.create(text=page.introduction)
        self.stdout.write(f"Sample data loaded: {result.summary()}")
