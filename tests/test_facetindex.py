"""The in-memory facet index of searches gives the counts SQL gives, after any edit: a
search's facets, and the figures of the statistics page."""

from __future__ import annotations

import datetime as dt
import threading
import time
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction

from unactions.records import facetindex, history
from unactions.records import statistics as stats
from unactions.records.models import (
    Action,
    ActionChange,
    ActionIssue,
    Issue,
    Response,
)
from unactions.records.query import (
    ActionQuery,
    IndexedActions,
    facet_counts,
    find_actions,
    indexed_query,
    listed_actions,
    named,
)

from .factories import ACTION_EDITS, create_action
from .paging import walk

QUERIES = [
    {"q": "detention"},
    {"q": "hong kong"},
    {"q": "lawyer", "type": ["urgent_appeal", "allegation_letter"]},
    {"q": "release", "response": ["received"], "year": ["2020"]},
    {"q": "detention", "issue": ["arbitrary-detention"], "region": ["mainland-china"]},
    {"q": "china", "mechanism": ["working-group-on-arbitrary-detention"]},
    {"q": "china", "body": ["special_procedures", "ohchr"], "year": ["2020"]},
    {"q": "china", "defender": ["chang-weiping"], "from": "2020-03-01", "to": "2020-09-30"},
    {"q": "nothingmatchesthis"},
    # No search: facet values and dates (the tallies count the whole collection only).
    {"government": ["china"]},
    {"region": ["hong-kong"], "response": ["received"]},
    {"body": ["special_procedures", "treaty_body"]},
    {"issue": ["arbitrary-detention"], "body": ["special_procedures"]},
    {"defender": ["chang-weiping"]},
    {"year": ["2020"], "type": ["opinion", "press_release"]},
    {"from": "2020-06-01"},
    {"issue": ["arbitrary-detention"]},
    {"from": "2020-05-01", "to": "2020-10-31", "body": ["special_procedures"]},
]


def shown(counts) -> dict:
    return {
        f.key: ([(v.value, v.label, v.count, v.selected) for v in f.values], f.more) for f in counts
    }


def indexed(params: dict) -> dict:
    return shown(facet_counts(ActionQuery.from_params(params)))


def live(params: dict) -> dict:
    # With a queryset given, facet_counts counts in SQL, never from the index.
    return shown(facet_counts(ActionQuery.from_params(params), Action.objects.published()))


def figures(params: dict, indexed: bool) -> tuple:
    query = ActionQuery.from_params(params)
    counted = stats.indexed_figures(query) if indexed else None
    assert (counted is not None) == (indexed and facetindex.available())
    return (
        stats.by_period_and_body(query, indexed=counted),
        stats.by_period_and_body(query, monthly=True, indexed=counted),
        {key: stats.top(query, key, indexed=counted) for key in stats.TOPS},
        stats.reply_rate_by_year(query, counted),
        stats.replies_by_government(query, counted),
        stats.total(query, counted),
    )


def counted(key: str, indexed: bool) -> list[tuple[int, int]]:
    """The terms (or mechanisms) public actions name, with their counts, from the index
    or from SQL."""
    with mock.patch.object(facetindex, "available", lambda: indexed):
        terms = named(key)
        listed = [(term.pk, term.n) for term in terms]
        # A page of them (as the defender list's) is the same as a part of the whole.
        assert len(terms) == len(listed)
        assert [(term.pk, term.n) for term in terms[1:4]] == listed[1:4]
        if listed:
            assert (terms[-1].pk, terms[-1].n) == listed[-1]
        return listed


def agree():
    for params in QUERIES:
        # Counted by the index, not by SQL as `live` counts.
        assert indexed_query(ActionQuery.from_params(params)) is not None, params
        assert indexed(params) == live(params), params
    for params in QUERIES:
        assert figures(params, indexed=True) == figures(params, indexed=False), params
    for key in ("defender", "issue", "mechanism"):
        assert counted(key, indexed=True) == counted(key, indexed=False), key
    return True


def test_search_facets_match_sql_counts(seeded):
    assert indexed({"q": "detention"})["body"][0]  # something is counted
    assert agree()


@pytest.fixture
def letter(seeded):
    return Action.objects.get(record_id="2020-05-12-special-procedures-urgent-appeal")


@pytest.mark.parametrize("change", ACTION_EDITS)
def test_the_index_follows_edits_of_an_action(letter, change):
    assert agree()  # the index is up to date before the edit
    for field, value in change.items():
        setattr(letter, field, value)
    letter.save()
    assert agree()


def test_the_index_follows_links_responses_new_and_deleted_actions(letter):
    assert agree()
    ActionIssue.objects.create(action=letter, issue=Issue.objects.create(name="a new issue"))
    assert agree()
    Response.objects.filter(action__status="published").first().delete()
    Response.objects.create(action=letter, text="A reply.", date=dt.date(2020, 7, 1))
    assert agree()
    Response.objects.filter(action=letter).update(date=dt.date(2020, 9, 1))
    assert agree()
    Response.objects.filter(action=letter).delete()
    assert agree()
    create_action(summary="Detention of a lawyer in Hong Kong.", regions=["Hong Kong"])
    assert agree()
    history.delete_with_history(letter, user=None, comment="test")
    assert agree()


def test_an_action_created_and_deleted_between_two_searches(letter):
    assert agree()
    created = create_action(summary="Detention, briefly recorded.")
    history.delete_with_history(created, user=None, comment="test")
    assert agree()


def test_a_change_rolled_back_is_not_kept(letter):
    assert agree()
    with pytest.raises(RuntimeError), transaction.atomic():
        letter.status = "draft"
        letter.save()
        assert indexed({"q": "detention"}) == live({"q": "detention"})
        raise RuntimeError("rolled back")
    # The next change takes the rolled-back one's number in the log.
    Action.objects.filter(record_id="2020-07-03-ohchr-press-briefing").update(body="treaty_body")
    assert agree()


def test_a_large_load_is_read_again_whole(seeded):
    from unactions.records.loader import load_records

    from .factories import record

    assert agree()
    load_records([record(summary=f"Detention number {n}.") for n in range(1_200)])
    assert ActionChange.objects.filter(action_id=None).exists()
    assert agree()


def test_lapsed_embargoes_count_once_their_day_comes(letter):
    letter.embargo_until = dt.date(2031, 1, 1)
    letter.save()
    assert agree()
    with time_machine.travel(dt.datetime(2031, 1, 2, 12), tick=False):
        assert agree()
        assert indexed({"q": "detention"}) != _without_lapse()


def _without_lapse():
    with time_machine.travel(dt.datetime(2030, 12, 30, 12), tick=False):
        return indexed({"q": "detention"})


def test_the_log_keeps_a_bounded_number_of_entries(seeded):
    from unactions.records.tallies import LOG_KEPT

    assert agree()
    first = ActionChange.objects.order_by("seq").values_list("seq", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO records_actionchange (seq, action_id, token) VALUES (%s, 1, 1)",
            [first + LOG_KEPT + 1000 - (first + LOG_KEPT) % 1000],
        )
    assert ActionChange.objects.filter(seq__lte=first).count() == 0
    # On PostgreSQL an index that had not seen what was pruned reads everything again.
    everything = ActionChange.objects.filter(seq__gt=first, action_id=None).exists()
    assert everything == (connection.vendor == "postgresql")
    assert agree()
    assert facetindex.available()


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("params", [{"q": "china"}, {"government": ["china"]}])
def test_a_query_in_date_order_is_listed_as_sql_lists_it(seeded, params, sort):
    query = ActionQuery.from_params({**params, "sort": sort})
    expected = [a.record_id for a in find_actions(query)]
    listed = listed_actions(query, indexed_query(query))
    assert isinstance(listed, IndexedActions) and len(listed) == len(expected) > 10
    assert [a.record_id for a in listed[0 : len(expected)]] == expected
    assert [a.record_id for a in listed[3:7]] == expected[3:7]
    assert listed[2].record_id == expected[2]


def test_a_selected_value_outside_the_top_keeps_its_count(seeded):
    from unactions.records.loader import load_records

    from .factories import record

    frequent = [f"Frequent Person {n}" for n in range(21)]
    load_records(
        [record(summary="Detention again.", defenders=[name]) for name in frequent * 2]
        + [record(summary="Detention once.", defenders=["Rare Person"])]
    )
    params = {"q": "detention", "defender": ["rare-person"]}
    defenders = {value: count for value, _, count, _ in indexed(params)["defender"][0]}
    assert defenders["rare-person"] == 1
    assert len(defenders) == 21  # the 20 most frequent, and the selected one
    assert indexed(params) == live(params)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("key, value", [("q", "china"), ("government", "china")])
def test_the_api_pages_through_a_query_in_date_order_as_sql_does(seeded, client, key, value, sort):
    query = ActionQuery.from_params({key: value, "sort": sort})
    expected = [a.record_id for a in find_actions(query)]
    url = f"/api/v1/actions?{key}={value}&sort={sort}&limit=4"
    seen, counts = walk(client, url, len(expected))
    assert seen == expected and len(seen) > 8
    assert counts[0] == len(expected) and set(counts[1:]) == {None}


@pytest.mark.parametrize(
    "url, status",
    [
        ("/?q=detention&year=abc", 400),
        ("/api/v1/facets?q=detention&year=abc", 400),
        ("/api/v1/actions?q=detention&year=abc", 400),
        (
            "/feeds/actions.atom?q=detention&year=abc",
            404,
        ),  # a feed answers a query it cannot read with Not Found
    ],
)
def test_a_search_with_a_year_that_is_not_one_is_refused(seeded, client, url, status):
    response = client.get(url)
    assert response.status_code == status
    if status == 400:
        assert b"is not a year" in response.content


@pytest.mark.django_db(transaction=True)
def test_a_server_process_reads_the_index_before_its_first_search(monkeypatch, seed_records):
    from unactions.records.loader import load_records

    load_records(seed_records)
    fresh = facetindex.FacetIndex()
    monkeypatch.setattr(facetindex, "_index", fresh)
    facetindex.warm_up().join(timeout=60)
    assert fresh.size > len(seed_records) and fresh.seen > 0
    assert agree()


def test_a_fork_waits_for_the_index_to_be_read(monkeypatch):
    steps = []

    def read():
        time.sleep(0.2)
        steps.append("read")

    reading = threading.Thread(target=read)
    monkeypatch.setattr(facetindex, "_reading", reading)
    reading.start()
    facetindex._finish_reading()  # what os.fork() calls first
    steps.append("forked")
    assert steps == ["read", "forked"]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers: SQLite has one, and commits changes in their log's order",
)


def in_thread(work, *args):
    """Run `work` in a thread of its own, with a database connection of its own."""

    def run():
        try:
            work(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_is_counted(seed_records):
    """On PostgreSQL a change is numbered in the log when it is made, and seen when its
    transaction commits: after a later change that the index has already seen."""
    from unactions.records.loader import load_records

    load_records(seed_records)
    draft = Action.objects.filter(record_id="2020-07-03-ohchr-press-briefing")
    draft.update(status="draft")  # not counted: its edit below waits for no tally row
    assert agree()
    written, commit = threading.Event(), threading.Event()

    def slow_edit(written, commit):
        with transaction.atomic():
            Action.objects.filter(record_id="2020-05-12-special-procedures-urgent-appeal").update(
                status="draft"
            )
            written.set()
            commit.wait(30)

    thread = in_thread(slow_edit, written, commit)
    assert written.wait(30)
    draft.update(body="treaty_body")
    assert agree()  # the index has seen the later change, and not the one still running
    commit.set()
    thread.join(30)
    assert (
        Action.objects.get(record_id="2020-05-12-special-procedures-urgent-appeal").status
        == "draft"
    )
    assert agree()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_counts_its_own_writes_and_no_other_sees_them(seed_records):
    from unactions.records.loader import load_records

    load_records(seed_records)
    draft = Action.objects.filter(record_id="2020-07-03-ohchr-press-briefing")
    draft.update(status="draft")  # not counted: its edit below waits for no tally row
    assert agree()
    seen_elsewhere = []

    def edit():
        # Another editor's change, committed while the transaction runs: later in the log.
        draft.update(body="treaty_body")

    def search():
        seen_elsewhere.append(indexed({"q": "detention"}) == live({"q": "detention"}))

    before = indexed({"q": "detention"})
    with pytest.raises(RuntimeError), transaction.atomic():
        Action.objects.filter(body="special_procedures").update(status="draft")
        in_thread(edit).join(30)
        assert indexed({"q": "detention"}) == live({"q": "detention"}) != before
        in_thread(search).join(30)
        assert seen_elsewhere == [True]
        raise RuntimeError("rolled back")
    assert agree()
