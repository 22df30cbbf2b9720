"""The tallies behind facet counts agree with a recount after every kind of edit."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db import connection

from unactions.records import history, tallies, vocabulary
from unactions.records.loader import load_records
from unactions.records.models import (
    Action,
    ActionIssue,
    ActionTally,
    ActionVersion,
    Issue,
    Mechanism,
    Response,
    TermTally,
)

from .factories import ACTION_EDITS

LETTER = "2020-05-12-special-procedures-urgent-appeal"


@pytest.fixture
def letter(seeded):
    return Action.objects.get(record_id=LETTER)


def agree():
    problems = tallies.check()
    assert problems == [], problems[:5]
    return True


def test_loading_counts_every_public_action(seeded):
    assert agree()
    total = sum(ActionTally.objects.values_list("n", flat=True))
    assert total == Action.objects.published().count() == len(seeded)
    issues = dict(
        TermTally.objects.filter(kind="issue", body="").values_list("term_id", "n").order_by()
    )
    lawyer = Issue.objects.get(name="human rights lawyer")
    assert issues[lawyer.pk] == ActionIssue.objects.filter(issue=lawyer).count() > 0


@pytest.mark.parametrize("change", ACTION_EDITS)
def test_changing_an_action_moves_its_counts(letter, change):
    before = {field: getattr(letter, field) for field in change}
    for field, value in change.items():
        setattr(letter, field, value)
    letter.save()
    assert agree()
    Action.objects.filter(pk=letter.pk).update(**before)
    assert agree()


def test_responses_links_and_deletions(letter):
    Response.objects.create(action=letter, text="The government replied.")
    assert agree()
    Response.objects.filter(action=letter).update(date=dt.date(2020, 7, 1))
    assert agree()
    letter.response.delete()
    assert agree()
    letter.issue_links.first().delete()
    assert agree()
    ActionIssue.objects.create(action=letter, issue=Issue.objects.create(name="new"), position=9)
    assert agree()
    history.delete_with_history(letter)
    assert agree()
    history.restore(ActionVersion.objects.filter(record_id=LETTER).first())
    assert agree()


def test_merging_terms_and_reimporting(seeded):
    keep = Issue.objects.get(name="human rights lawyers")
    vocabulary.merge(keep, [Issue.objects.get(name="human rights lawyer")])
    assert agree()
    mechanisms = list(Mechanism.objects.all()[:2])
    vocabulary.merge(mechanisms[0], mechanisms[1:])
    assert agree()
    seeded[0].issues = ["a new issue", *seeded[0].issues]
    seeded[1].body = "ohchr"
    seeded[2].id = "a-new-draft"
    load_records(seeded, status="draft")
    assert agree()


def test_a_lost_trigger_is_put_back_with_a_recount(seeded, django_db_blocker):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {tallies._prefix(connection.vendor)}issue_insert" + _on(connection)
        )
    ActionIssue.objects.create(
        action=Action.objects.first(), issue=Issue.objects.create(name="uncounted"), position=9
    )
    assert tallies.check() != []
    tallies.install(connection)
    assert agree()


def _on(connection) -> str:
    return " ON records_actionissue" if connection.vendor == "postgresql" else ""


def test_a_large_load_counts_and_indexes_in_bulk(db, seed_records, monkeypatch):
    """From `loader.BULK` records on, loads run without the per-row triggers (SQLite drops
    them, PostgreSQL's skip their work) and keep the tallies (and on SQLite the search
    index) themselves; the triggers are back after, also after a load that failed."""
    from django.db import connection

    from unactions.records import loader
    from unactions.records.query import ActionQuery, find_actions

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SELECT 1")
            return cursor.fetchone()[0]

    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(loader, "CHUNK", 4)
    usual = cache_size()
    drafts = copy.deepcopy(seed_records[:6])
    for record in drafts:
        record.id += "-draft"
    load_records(drafts, status="draft")
    assert agree()
    assert not ActionTally.objects.exists()  # drafts are not counted
    load_records(seed_records)
    assert agree()
    assert cache_size() == usual  # the larger cache of the load is given back
    seed_records[0].issues = ["a new issue"]
    seed_records[5].summary = "A summary about zebrafish."
    seed_records[6].id = "another-new-record"
    assert load_records(seed_records).updated == [seed_records[0].id, seed_records[5].id]
    assert agree()
    assert [a.record_id for a in find_actions(ActionQuery(q="zebrafish"))] == [seed_records[5].id]
    saying = Action.objects.filter(search_document__contains="detention", status="published")
    saying = saying.count()
    assert len(find_actions(ActionQuery(q="detention"))) == saying > 10
    monkeypatch.setattr(loader, "_insert_children", _fail)
    seed_records[8].id = "a-third-new-record"
    with pytest.raises(RuntimeError):
        load_records(seed_records[4:9])
    letter = Action.objects.get(record_id=LETTER)
    letter.status = "draft"
    letter.save()  # counted by the triggers, which are back
    assert agree()


def _fail(*args, **kwargs):
    raise RuntimeError("disk full")


def test_emptying_the_database_leaves_no_counts(transactional_db, seed_records):
    from django.core.management import call_command

    load_records(seed_records)
    call_command("flush", interactive=False, verbosity=0)
    assert agree()
    load_records(seed_records)
    assert agree()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's index: SQLite only")
def test_a_large_load_indexes_its_new_actions_once(db, seed_records, monkeypatch):
    """A large load indexes its new actions at its end, and only those: the actions
    stored before it (indexed by the trigger) are not indexed again."""
    from unactions.records import loader, search

    monkeypatch.setattr(loader, "BULK", 5)
    load_records(seed_records[:3])  # a small load: each action indexed by the trigger
    load_records(seed_records)  # a large one: the 19 others
    table = search.FTS_TABLE
    with connection.cursor() as cursor:
        # FTS5 compares its index with the actions' texts, and fails where they differ.
        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH 'detention'")
        (found,) = cursor.fetchone()
    assert found == Action.objects.filter(search_document__contains="detention").count() > 10


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's setting: SQLite only")
def test_a_large_load_indexes_with_a_larger_buffer_then_gives_it_back(
    db, seed_records, monkeypatch
):
    """FTS5 holds more new entries in memory while a large load indexes its actions, and
    its usual buffer is back once the load is over."""
    from unactions.records import loader, search

    def hashsize():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT v FROM {search.FTS_TABLE}_config WHERE k = 'hashsize'")
            return (cursor.fetchone() or (None,))[0]

    seen = []
    index_added = search.index_added

    def recorded(after):
        seen.append((after, hashsize()))
        index_added(after)

    monkeypatch.setattr(loader, "BULK", 5)
    monkeypatch.setattr(search, "index_added", recorded)
    usual = hashsize()
    load_records(seed_records)
    assert seen == [(0, search._LOAD_HASHSIZE)]
    assert search._LOAD_HASHSIZE > 1024 * 1024
    assert hashsize() in (usual, 1024 * 1024)
