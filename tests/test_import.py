"""Storing records: one transaction, no duplicates, counts of what changed."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc

import pytest
from django.db import connection

from unactions.formats.errors import RecordsError
from unactions.records import models
from unactions.records.loader import load_records


def test_it_stores_every_record(seeded):
    assert models.Action.objects.count() == 22
    assert models.Defender.objects.count() == 15
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    assert (
        action.mechanism_term.name
        == "Special Rapporteur on the situation of human rights defenders"
    )
    assert action.issue_names() == [
        "arbitrary detention",
        "enforced disappearance",
        "human rights lawyers",
    ]
    assert action.response.date.isoformat() == "2020-12-28"
    assert [s.title for s in action.related_sources.all()][0].startswith("Police seek")


def test_importing_again_creates_no_duplicates(seeded, seed_records):
    result = load_records(seed_records)
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 22)
    assert models.Action.objects.count() == 22
    assert models.ActionIssue.objects.count() == sum(len(r.issues) for r in seed_records)
    assert models.RelatedSource.objects.count() == sum(len(r.related_sources) for r in seed_records)


def test_a_changed_record_is_updated(seeded, seed_records):
    """Its fields and what it holds replaced; what editors set beside the record kept;
    a new revision, with its version, its time and its indexed text."""
    from unactions.records import search

    before = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    models.Action.objects.filter(pk=before.pk).update(
        status=models.Status.DRAFT, summary_zh="更正前的摘要", embargo_until=dt.date(2030, 1, 1)
    )
    changed = copy.deepcopy(seed_records)
    changed[1].summary = "Corrected summary about quinoa."
    changed[1].defenders = ["Qin Yongpei"]
    changed[1].response = None
    result = load_records(changed)
    assert result.updated == ["2020-12-04-chn-20-2020"]
    assert len(result.unchanged) == 21
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    assert action.summary == "Corrected summary about quinoa."
    assert [d.name for d in action.defender_list()] == ["Qin Yongpei"]
    assert action.response_or_none() is None
    assert (action.status, action.summary_zh, action.embargo_until) == (
        models.Status.DRAFT,
        "更正前的摘要",
        dt.date(2030, 1, 1),
    )
    assert action.revision == before.revision + 1
    assert action.updated > before.updated
    latest = action.versions.order_by("-number").first()
    assert (latest.number, latest.kind) == (action.revision, "updated")
    assert latest.data["summary"] == "Corrected summary about quinoa."
    assert list(search.search(models.Action.objects.all(), "quinoa")) == [action]


def test_a_dry_run_stores_nothing(db, seed_records):
    result = load_records(seed_records, dry_run=True)
    assert len(result.created) == 22
    assert models.Action.objects.count() == 0
    assert models.Defender.objects.count() == 0


def test_a_bad_record_stores_nothing(db, seed_records):
    seed_records[5].action_type = "tweet"
    with pytest.raises(RecordsError) as caught:
        load_records(seed_records)
    assert (
        "record 6 (2020-08-13-special-procedures-allegation-letter): unknown action_type 'tweet'"
        in str(caught.value)
    )
    assert models.Action.objects.count() == 0


def test_repeated_ids_are_refused(db, seed_records):
    seed_records[1].id = seed_records[0].id
    with pytest.raises(RecordsError, match="appears twice"):
        load_records(seed_records)
    assert models.Action.objects.count() == 0


def test_a_failure_midway_rolls_everything_back(db, seed_records, monkeypatch):
    from unactions.records import loader

    stored_chunks = []
    original = loader._create

    def fail_on_third_chunk(records, *args):
        if len(stored_chunks) == 2:
            raise RuntimeError("disk full")
        original(records, *args)
        stored_chunks.append(len(records))

    monkeypatch.setattr(loader, "CHUNK", 5)
    monkeypatch.setattr(loader, "_create", fail_on_third_chunk)
    with pytest.raises(RuntimeError):
        load_records(seed_records)
    assert stored_chunks == [5, 5]
    assert models.Action.objects.count() == 0
    assert models.Issue.objects.count() == 0
    assert models.ActionVersion.objects.count() == 0


def test_a_load_runs_without_the_garbage_collector_and_gives_it_back(db, seed_records, monkeypatch):
    from unactions.records import loader

    collecting = []
    original = loader._create

    def create(records, *args):
        collecting.append(gc.isenabled())
        original(records, *args)
        if len(collecting) == 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "CHUNK", 5)
    monkeypatch.setattr(loader, "_create", create)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        load_records(seed_records)
    assert collecting == [False] * 3
    assert gc.isenabled()  # after a load that failed
    monkeypatch.setattr(loader, "_create", original)
    load_records(seed_records)
    assert gc.isenabled()
    gc.disable()  # a process that had it off keeps it off
    try:
        load_records(seed_records)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_records_are_stored_a_chunk_at_a_time(db, seed_records, monkeypatch):
    from unactions.records import loader

    monkeypatch.setattr(loader, "CHUNK", 5)
    result = load_records(seed_records)
    assert len(result.created) == 22
    again = [r for r in seed_records]
    again[13].summary = "Changed in the third chunk."
    assert load_records(again).updated == [seed_records[13].id]
    assert (
        models.Action.objects.get(record_id=seed_records[13].id).summary
        == "Changed in the third chunk."
    )
    assert models.ActionVersion.objects.count() == 23


def test_records_are_stored_as_they_are_read(db, seed_records, monkeypatch):
    """The loader takes an iterator and stores each chunk before reading on: a file
    read as it is taken is held a chunk at a time, not whole."""
    from unactions.records import loader

    monkeypatch.setattr(loader, "CHUNK", 5)
    monkeypatch.setattr(loader, "BULK", 5)
    stored_when_read = []

    def read():
        for record in seed_records:
            stored_when_read.append(models.Action.objects.count())
            yield record

    taken = []
    result = load_records(read(), progress=taken.append)
    assert len(result.created) == 22
    # The first BULK records are read ahead, to know a large load; then a chunk each.
    assert stored_when_read == [0] * 5 + [5] * 5 + [10] * 5 + [15] * 5 + [20] * 2
    assert taken == [5, 10, 15, 20, 22]


def test_a_reading_problem_after_stored_chunks_stores_nothing_and_lists_every_problem(
    db, seed_records, monkeypatch
):
    from unactions.formats.errors import Problem
    from unactions.records import loader

    monkeypatch.setattr(loader, "CHUNK", 5)
    monkeypatch.setattr(loader, "BULK", 5)
    seed_records[12].body = "parliament"
    chunks_created = []
    original = loader._create

    def created(records, *args):
        chunks_created.append(len(records))
        original(records, *args)

    monkeypatch.setattr(loader, "_create", created)

    def read():
        yield from seed_records
        raise RecordsError([Problem("not valid JSON: Expecting value (column 3)", line=900)])

    taken = []
    with pytest.raises(RecordsError) as caught:
        load_records(read(), progress=taken.append)
    assert taken == [5, 10, 15, 20]  # read on past the bad record (the last chunk cut short)
    assert [str(p) for p in caught.value.problems] == [
        "line 900: not valid JSON: Expecting value (column 3)",
        f"record 13 ({seed_records[12].id}): unknown body 'parliament' "
        "(one of special_procedures, treaty_body, hrc, upr, ohchr, unga_third_committee, other)",
    ]
    # Two chunks stored before the bad record's; nothing after it; all rolled back.
    assert chunks_created == [5, 5]
    assert models.Action.objects.count() == 0
    assert models.ActionVersion.objects.count() == 0


def test_a_reading_problem_in_a_small_file_is_listed_with_the_records_problems(db, seed_records):
    from unactions.formats.errors import Problem

    seed_records[1].id = seed_records[0].id

    def read():
        yield from seed_records[:3]
        raise RecordsError([Problem("not valid JSON: Expecting value (column 3)", line=90)])

    with pytest.raises(RecordsError) as caught:
        load_records(read())
    assert [str(p) for p in caught.value.problems] == [
        "line 90: not valid JSON: Expecting value (column 3)",
        f"record 2 ({seed_records[0].id}): the id {seed_records[0].id!r} appears twice",
    ]
    assert models.Action.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics for its planner"
)
def test_a_large_load_into_postgresql_brings_the_planners_statistics_up_to_date(
    db, seed_records, monkeypatch
):
    from unactions.records import loader

    def estimated_actions() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'records_action'")
            return cursor.fetchone()[0]

    monkeypatch.setattr(loader, "BULK", 5)
    load_records(seed_records[:3])  # below BULK: autovacuum's business
    assert estimated_actions() != 3
    load_records(seed_records)
    assert estimated_actions() == len(seed_records)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's indexes dropped for a load")
def test_a_large_first_load_builds_its_indexes_again_at_the_end(db, seed_records, monkeypatch):
    """A load that more than doubles the actions drops the indexes it does not read and
    builds them once at the end; they are all back after it, and after one that failed."""
    from unactions.records import loader

    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            return set(cursor.fetchall())

    def newest_first_plan() -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM records_action ORDER BY date DESC, id LIMIT 5"
            )
            return " ".join(row[-1] for row in cursor.fetchall())

    with connection.cursor() as cursor:
        # Added by a deployment, say: it enforces something, and stays.
        cursor.execute("CREATE UNIQUE INDEX their_own ON records_action (date, record_id)")
    before = indexes()
    assert "records_action_newest" in {name for name, _ in before}
    dropped = []
    original = loader.indexes_dropped

    def watched(*args):
        with original(*args) as names:
            dropped.extend(names)
            yield names

    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(loader, "indexes_dropped", contextlib.contextmanager(watched))
    monkeypatch.setattr(loader, "_insert_children", _fail)
    with pytest.raises(RuntimeError):
        load_records(seed_records)
    assert indexes() == before
    monkeypatch.undo()
    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(loader, "indexes_dropped", contextlib.contextmanager(watched))
    dropped.clear()
    load_records(seed_records)
    assert "records_action_newest" in dropped
    assert "records_actionversion_action_id_11d351b8" not in dropped  # read by updates
    assert "their_own" not in dropped
    assert indexes() == before
    assert "records_action_newest" in newest_first_plan()
    dropped.clear()
    seed_records[0].summary = "Changed."
    load_records(seed_records)  # does not double the actions: nothing dropped
    assert dropped == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's indexes dropped for a load")
def test_a_load_drops_the_indexes_once_it_has_stored_more_actions_than_there_were(
    db, seed_records, monkeypatch
):
    """The loader does not know how many records a file holds until it has read them
    all: it drops the indexes once the load has doubled the actions."""
    from unactions.records import loader

    load_records(seed_records[:12])
    stored_when_dropped = []
    original = loader.indexes_dropped

    def watched(*args):
        stored_when_dropped.append(models.Action.objects.count())
        with original(*args) as names:
            yield names

    monkeypatch.setattr(loader, "CHUNK", 5)
    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(loader, "indexes_dropped", contextlib.contextmanager(watched))
    new = copy.deepcopy(seed_records)
    for record in new:
        record.id += "-again"
    load_records(iter(new))
    # 12 stored before; dropped before the third chunk, whose records make 15 > 12.
    assert stored_when_dropped == [12 + 10]
    assert models.Action.objects.count() == 34


@pytest.mark.parametrize("bulk", [False, True], ids=["small load", "large load"])
def test_a_load_creates_the_terms_and_defenders_it_names(db, seed_records, monkeypatch, bulk):
    """As the vocabulary's own forms would: a slug each, unique (two names can make the
    same one), a new region after the deployment's own, a new mechanism in its body;
    and a term created after the load gets a key of its own."""
    from unactions.records import loader

    if bulk:
        monkeypatch.setattr(loader, "BULK", 5)
    records = copy.deepcopy(seed_records)
    records[0].defenders = ["Li Wei", "Li-Wei"]
    records[1].regions = ["Guangdong"]
    records[2].mechanism = "Special Rapporteur on the right to food"
    load_records(records)
    assert {
        d.name: d.slug for d in models.Defender.objects.filter(name__in=["Li Wei", "Li-Wei"])
    } == {
        "Li Wei": "li-wei",
        "Li-Wei": "li-wei-2",
    }
    assert models.Region.objects.get(name="Guangdong").position == 100
    food = models.Mechanism.objects.get(name="Special Rapporteur on the right to food")
    assert food.body == records[2].body
    assert not food.retired and food.name_zh == ""
    action = models.Action.objects.get(record_id=records[0].id)
    assert [d.name for d in action.defender_list()] == ["Li Wei", "Li-Wei"]
    assert models.Action.objects.get(record_id=records[2].id).mechanism_term == food
    later = models.Defender.objects.create(name="Someone Else")
    assert later.pk > max(models.Defender.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def _fail(*args, **kwargs):
    raise RuntimeError("disk full")


def test_an_action_added_after_a_load_gets_an_id_of_its_own(seeded):
    """On PostgreSQL the loader takes new actions' ids from their sequence itself (it
    inserts them with COPY): the next action saved one at a time does not reuse one."""
    copied = models.Action.objects.order_by("-pk").first()
    copied.pk, copied.record_id = None, "added-by-hand"
    copied.save()
    assert copied.pk > max(models.Action.objects.exclude(pk=copied.pk).values_list("pk", flat=True))


def test_a_loaded_action_never_takes_the_key_of_a_deleted_one(seeded, seed_records):
    """The loader takes new actions' keys itself (SQLite: after the highest ever given,
    as AUTOINCREMENT does; PostgreSQL: from the sequence): a deleted action's key, which
    its history may still name, is not given again."""
    newest = models.Action.objects.order_by("-pk").first()
    deleted_key = newest.pk
    newest.delete()
    again = copy.deepcopy(seed_records[:2])
    for record in again:
        record.id += "-again"
    load_records(again)
    keys = sorted(
        models.Action.objects.filter(record_id__endswith="-again").values_list("pk", flat=True)
    )
    assert keys == [deleted_key + 1, deleted_key + 2]
    assert [models.Action.objects.get(pk=k).record_id for k in keys] == [r.id for r in again]


def test_a_large_first_load_asks_for_its_pages_to_be_written_once(db, seed_records, monkeypatch):
    """Into a database with no actions, a large load asks for the rollback journal
    (`bulk.written_once`, tested below); a small load, or one into a database that
    holds actions, keeps the write-ahead log: readers go on reading meanwhile."""
    from unactions.records import loader

    asked = []
    original = loader.written_once

    def watched():
        asked.append(models.Action.objects.count())
        with original() as switched:
            yield switched

    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(loader, "written_once", contextlib.contextmanager(watched))
    load_records(seed_records[:4])  # below BULK
    assert asked == []
    models.Action.objects.all().delete()
    load_records(seed_records)
    assert asked == [0]
    again = copy.deepcopy(seed_records)
    for record in again:
        record.id += "-again"
    load_records(again)
    assert asked == [0]
    assert models.Action.objects.count() == 44


def test_the_summary_separates_thousands():
    from unactions.records.loader import ImportResult

    result = ImportResult(created=["x"] * 1_000_000, unchanged=["y"] * 1_234)
    assert result.summary() == "1,000,000 created, 0 updated, 1,234 unchanged"
