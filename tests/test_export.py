"""Exports: JSON in the record schema that round-trips byte for byte, and CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from unactions.formats import csvfile, jsonfile
from unactions.formats.record import SCHEMA_KEYS
from unactions.records import models
from unactions.records.loader import load_records
from unactions.records.serialize import records_of


def export_json() -> str:
    return jsonfile.dumps(records_of(models.Action.objects.with_record()))


def test_json_export_is_the_record_schema(seeded):
    data = json.loads(export_json())
    assert len(data) == 22
    assert all(tuple(item) == SCHEMA_KEYS for item in data)
    assert data[1]["id"] == "2020-12-04-chn-20-2020"


def test_json_export_round_trips_byte_for_byte(seeded):
    first = export_json()
    models.Action.objects.all().delete()
    load_records(jsonfile.loads(first))
    assert export_json() == first


def test_export_lists_newest_first_in_page_order(seeded, seed_records):
    assert [r["id"] for r in json.loads(export_json())] == [r.id for r in seed_records]


def test_export_keeps_lists_in_source_order(seeded):
    cerd = json.loads(export_json())[2]
    assert cerd["issues"] == [
        "racial discrimination",
        "xinjiang",
        "tibet",
        "enabling environment for ngos",
    ]


def test_csv_export_has_a_row_per_action(seeded):
    rows = list(
        csv.DictReader(io.StringIO(csvfile.dumps(records_of(models.Action.objects.with_record()))))
    )
    assert len(rows) == 22
    assert tuple(rows[0]) == SCHEMA_KEYS
    assert rows[1]["defenders"] == "Qin Yongpei; Chang Weiping"
    assert rows[1]["joint"] == "true"
    assert json.loads(rows[1]["response"])["date"] == "2020-12-28"
    assert rows[2]["response"] == ""


def test_records_are_read_a_chunk_at_a_time(seeded, monkeypatch):
    """A large collection is never read at once: every query names at most a chunk of
    actions (SQLite refused a million ids in one prefetch), and the records are those of
    a single read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unactions.records import serialize

    whole = export_json()
    monkeypatch.setattr(serialize, "CHUNK", 5)
    with CaptureQueriesContext(connection) as queries:
        assert export_json() == whole
    # The actions in one query (their columns read then, none left for one at a time).
    assert len([q for q in queries if 'FROM "records_action"' in q["sql"]]) == 1
    longest_in = max(
        len(query["sql"].split(" IN (", 1)[1].split(")")[0].split(","))
        for query in queries
        if " IN (" in query["sql"]
    )
    assert longest_in == 5


def test_json_written_in_pieces_is_the_array_json_writes(seed_records):
    awkward = dataclasses.replace(
        seed_records[0],
        summary='"quoted" \\ tab\t line\n bell\x07 delete\x7f separator\u2028 中文 e\u0301 🙂',
        mandates=12,
    )
    for records in ([], seed_records[:1], seed_records, [awkward]):
        expected = json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2)
        assert jsonfile.dumps(records) == expected + "\n"
        assert "".join(csvfile.pieces(records, size=100)) == csvfile.dumps(records)


def test_records_read_in_bulk_are_those_of_each_action(seeded):
    """`records_of` reads what actions hold as rows, a chunk at a time; `record_of`, one
    action at a time, through its relations: both give the same records, lists in their
    positions' order."""
    from unactions.records.serialize import record_of

    cerd = models.Action.objects.get(issue_links__issue__name="tibet", body="treaty_body")
    first, *_, last = cerd.issue_links.order_by("position")
    models.ActionIssue.objects.filter(pk=first.pk).update(position=last.position + 1)
    actions = models.Action.objects.with_record().order_by("date", "pk")
    one_by_one = [record_of(action) for action in actions]
    assert list(records_of(actions)) == one_by_one
    assert [r.issues for r in one_by_one if r.id == cerd.record_id] == [
        ["xinjiang", "tibet", "enabling environment for ngos", "racial discrimination"]
    ]
    assert any(r.documents and r.related_sources and r.response for r in one_by_one)
