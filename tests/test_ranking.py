"""A search by relevance ranked by the facet index gives the database's own scores and
order: FTS5's bm25 (computed by the index from FTS5's tables), PostgreSQL's ts_rank."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from unactions.records import facetindex, pgsearch, ranking, search
from unactions.records.models import Action
from unactions.records.query import (
    ActionQuery,
    IndexedActions,
    find_actions,
    indexed_query,
    listed_actions,
)
from unactions.records.search import FTS_TABLE

from .factories import create_action, record
from .paging import walk

SEARCHES = [
    "detention",
    "detent",
    "china",
    "hong kong",
    "lawyer release",
    "arbitrary",
    "维权",  # a phrase of two characters
    "律",
    "哈哈",  # overlapping occurrences in 哈哈哈
    "维权 detention",
]


@pytest.fixture(autouse=True, params=["read", "held"])
def words(request, monkeypatch):
    """Each test twice: every word's occurrences (or PostgreSQL's ranks) read from the
    full-text index at each search, and the frequent words' counts (or ranks) held by
    the facet index: on SQLite here every word of three or more occurrences (at a
    million actions, of a million); on PostgreSQL every word (at a million actions,
    those the planner expects in 100,000 of them)."""
    if request.param == "held":
        monkeypatch.setattr(ranking, "FREQUENT", 3)
        monkeypatch.setattr(pgsearch, "FREQUENT", 0)
    return request.param


def held_words(q: str = "detention") -> dict:
    """The words held (SQLite's counts, PostgreSQL's ranks) once a search for `q` (by
    relevance) brought the index up to date."""
    indexed_query(ActionQuery.from_params({"q": q}), facets=False)
    return facetindex._index.frequent


@pytest.fixture
def collection(seeded):
    """The seed, and actions that tie on relevance and differ by date, are long (a
    length above 127 tokens takes two bytes in FTS5's record of lengths), or in
    Chinese."""
    load_collection()


@pytest.fixture
def committed(transactional_db, seed_records):
    """The collection, committed: on PostgreSQL, a transaction that has written counts
    with a copy of the index of its own, which holds words for that query only."""
    from unactions.records.loader import load_records

    load_records(seed_records)
    load_collection()


def load_collection():
    from unactions.records.loader import load_records

    same = "Detention of a lawyer in Hong Kong."
    load_records(
        [record(summary=same, date=dt.date(2020, 1, day)) for day in (3, 1, 2, 2)]
        + [record(summary="Detention. " * 3 + "word " * 300, date=dt.date(2019, 5, 5))]
        + [record(summary="Detention " + "padding " * 150, date=dt.date(2018, 5, 5))]
        + [
            record(summary="维权律师被拘留 (detention)。", date=dt.date(2020, 6, 1)),
            record(summary="律师维权，维权人士。", date=dt.date(2020, 6, 2)),
            record(summary="权维 律 哈哈哈", date=dt.date(2020, 6, 3)),
        ]
    )


def sql_scores(q: str) -> dict[int, float]:
    """What the database gives each public action matching `q`: FTS5's bm25(), negated,
    or PostgreSQL's ts_rank()."""
    query = ActionQuery.from_params({"q": q})
    if connection.vendor == "postgresql":
        return dict(find_actions(query).values_list("pk", "rank"))
    public = set(find_actions(query).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [search.searchtext.fts5_query(search.searchtext.terms(q))],
        )
        return {pk: -score for pk, score in cursor.fetchall() if pk in public}


def index_scores(q: str) -> dict[int, float]:
    found = indexed_query(ActionQuery.from_params({"q": q}), facets=False)
    assert found.scores is not None
    ids = found.matching.nonzero()[0]
    return {int(pk): float(found.scores[pk]) for pk in ids}


def same_scores(q: str) -> bool:
    expected, got = sql_scores(q), index_scores(q)
    assert got.keys() == expected.keys(), q
    # PostgreSQL's scores are 32-bit floats, read by the index in their shortest decimals.
    precision = 1e-6 if connection.vendor == "postgresql" else 1e-12
    for pk, score in expected.items():
        assert got[pk] == pytest.approx(score, rel=precision), (q, pk)
    return True


@pytest.mark.parametrize("q", SEARCHES)
def test_the_index_gives_each_match_its_score(collection, q):
    assert sql_scores(q)  # something matches
    assert same_scores(q)


@pytest.mark.parametrize("q", SEARCHES)
def test_a_search_by_relevance_is_listed_as_sql_lists_it(collection, q):
    query = ActionQuery.from_params({"q": q})
    expected = [a.record_id for a in find_actions(query)]
    listed = listed_actions(query, indexed_query(query))
    assert isinstance(listed, IndexedActions) and len(listed) == len(expected)
    assert [a.record_id for a in listed[0 : len(expected)]] == expected
    assert [a.record_id for a in listed[1:3]] == expected[1:3]
    assert listed[0:0] == [] and listed[len(expected) - 1].record_id == expected[-1]


def test_ties_are_broken_by_date_then_by_creation(collection):
    query = ActionQuery.from_params({"q": "detention lawyer hong kong"})
    listed = listed_actions(query, indexed_query(query))
    tied = [
        a for a in listed[0 : len(listed)] if a.summary == "Detention of a lawyer in Hong Kong."
    ]
    assert [(a.date.day, a.pk) for a in tied] == sorted(
        [(a.date.day, a.pk) for a in tied], key=lambda key: (-key[0], key[1])
    )
    assert len(tied) == 4


def test_scores_follow_an_edit_of_the_text_alone(collection):
    assert same_scores("detention")
    action = Action.objects.get(summary__startswith="Detention of a lawyer", date__day=3)
    action.summary = "Detention, detention and detention again, of a lawyer in Hong Kong."
    action.save()
    search.refresh([action.pk])
    assert same_scores("detention")


def test_a_new_action_is_ranked_at_once(collection):
    assert same_scores("detention")
    created = create_action(summary="Detention detention detention.", date=dt.date(2010, 1, 1))
    assert same_scores("detention")
    query = ActionQuery.from_params({"q": "detention"})
    listed = [a.pk for a in listed_actions(query, indexed_query(query))[0:50]]
    assert created.pk in listed
    assert listed == [a.pk for a in find_actions(query)[:50]]
    if connection.vendor == "sqlite":
        assert listed[0] == created.pk  # bm25 puts the shortest, densest text first


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL ranks every search")
@pytest.mark.parametrize("q", ["ア・イ", "self_immolation"])
def test_searches_the_index_cannot_rank_are_ranked_in_sql(collection, q):
    create_action(summary="ア・イ self_immolation")
    query = ActionQuery.from_params({"q": q})
    indexed = indexed_query(query)
    assert indexed.scores is None
    listed = listed_actions(query, indexed)
    assert not isinstance(listed, IndexedActions)
    assert [a.pk for a in listed] == [a.pk for a in find_actions(query)] != []


def test_the_api_pages_through_a_search_by_relevance_as_sql_does(collection, client):
    query = ActionQuery.from_params({"q": "detention"})
    expected = [a.record_id for a in find_actions(query)]
    seen, _ = walk(client, "/api/v1/actions?q=detention&limit=4", len(expected))
    assert seen == expected and len(seen) > 8


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL ranks every search")
def test_the_counts_held_are_fts5s_own(collection, words):
    held = held_words()
    if words == "read":
        assert held == {}
        return
    # Read on a word's first search: "detention" alone so far; a rare word is not held.
    assert held.keys() == {"detention"}
    for q in ("china", "hong kong", "zzyzx"):
        indexed_query(ActionQuery.from_params({"q": q}))
    held = held_words()
    assert held.keys() == {"detention", "china", "hong", "kong"}
    assert "zzyzx" in facetindex._index.rare
    with connection.cursor() as cursor:
        for word in ("detention", "china", "kong"):
            found = ranking._prefixed(cursor, word)
            expected = np.bincount(found, minlength=len(held[word]))
            assert held[word].tolist() == expected.tolist(), word
    # A search in date order for held words alone finds FTS5's matches.
    for q in ("detention", "hong kong"):
        query = ActionQuery.from_params({"q": q, "sort": "newest"})
        listed = listed_actions(query, indexed_query(query))
        assert [a.pk for a in listed[0 : len(listed)]] == [a.pk for a in find_actions(query)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL ranks every search")
def test_the_counts_held_follow_edits_and_deletions(collection, words, monkeypatch):
    assert same_scores("detention") and same_scores("china")
    # From here on the index is patched with the changed actions, not read again.
    monkeypatch.setattr(facetindex.FacetIndex, "load", lambda *_: pytest.fail("read whole"))
    action = Action.objects.get(summary__startswith="Detention of a lawyer", date__day=3)
    action.summary = "Detention, detention and detention again: China, in Hong Kong."
    action.save()
    search.refresh([action.pk])
    assert same_scores("detention") and same_scores("china")
    if words == "held":
        assert held_words()["detention"][action.pk] == 3
        # Held since before the edit: once in its summary now, once as its government.
        assert held_words()["china"][action.pk] == 2
    Action.objects.filter(summary__startswith="Detention. Detention.").delete()
    create_action(summary="Detention " * 300, date=dt.date(2011, 1, 1))  # past 255 of one
    assert same_scores("detention") and same_scores("hong kong detention")
    if words == "held":
        assert held_words()["detention"].max() == 300


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite holds the frequent words' counts (tested above)",
)


def sql_ranks(word: str) -> dict[int, float]:
    """PostgreSQL's ts_rank of each action matching `word` alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(search_vector, to_tsquery('simple', %s)) FROM records_action "
            "WHERE search_vector @@ to_tsquery('simple', %s)",
            [f"{word}:*"] * 2,
        )
        return dict(cursor.fetchall())


def same_ranks(held: pgsearch.Ranks, word: str) -> bool:
    expected = sql_ranks(word)
    assert set(np.flatnonzero(held.found()).tolist()) == expected.keys() != set(), word
    ranks = held.ranks()
    for pk, rank in expected.items():
        assert float(ranks[pk]) == pytest.approx(rank, rel=1e-6), (word, pk)
    return True


@postgresql_only
def test_the_ranks_held_are_postgresqls_own(committed, words):
    held = held_words()
    if words == "read":
        assert held == {}
        return
    # Held for the searches they answer: one word by relevance, words alone in date order.
    assert held.keys() == {"detention"}
    assert same_ranks(held["detention"], "detention")
    held = held_words("hong kong")  # ts_rank of two words is not made of theirs
    assert held.keys() == {"detention"}
    for q in ("hong kong", "detention 维权"):
        query = ActionQuery.from_params({"q": q, "sort": "newest"})
        listed = listed_actions(query, indexed_query(query))
        assert [a.pk for a in listed[0 : len(listed)]] == [a.pk for a in find_actions(query)]
    assert held_words().keys() == {"detention", "hong", "kong"}
    assert same_ranks(held_words()["kong"], "kong")


@postgresql_only
def test_the_ranks_held_follow_edits_and_deletions(committed, words, monkeypatch):
    assert same_scores("detention") and same_scores("china")
    # From here on the index is patched with the changed actions, not read again.
    monkeypatch.setattr(facetindex.FacetIndex, "load", lambda *_: pytest.fail("read whole"))
    action = Action.objects.get(summary__startswith="Detention of a lawyer", date__day=3)
    before = sql_ranks("detention")[action.pk]
    action.summary = "Detention, detention and detention again: China, in Hong Kong."
    action.save()
    search.refresh([action.pk])
    assert sql_ranks("detention")[action.pk] > before
    assert same_scores("detention") and same_scores("china")
    Action.objects.filter(summary__startswith="Detention. Detention.").delete()
    created = create_action(summary="Detention " * 300, date=dt.date(2011, 1, 1))
    assert same_scores("detention") and same_scores("hong kong detention")
    if words == "held":
        held = held_words()
        assert held.keys() == {"detention", "china"}
        assert same_ranks(held["detention"], "detention") and same_ranks(held["china"], "china")
        ranks = held["detention"].ranks()
        assert ranks[created.pk] > ranks[action.pk] > 0


@postgresql_only
def test_the_least_recently_searched_words_are_let_go(committed, words, monkeypatch):
    if words == "read":
        return
    monkeypatch.setattr(pgsearch, "HELD", 2)
    for q in ("detention", "china", "detention", "lawyer"):
        held = held_words(q)
    assert list(held) == ["detention", "lawyer"]
    assert same_scores("lawyer")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_planner_says_which_words_are_frequent(monkeypatch):
    from unactions.records.loader import load_records

    # The planner estimates a prefix from the most common words ANALYZE finds (with a
    # hundred of them or more; else it guesses 2% of the rows).
    load_records(
        [record(summary=f"Detention number {n}.") for n in range(150)]
        + [record(summary="A rarer word: zzyzx.")]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_action")
        monkeypatch.setattr(pgsearch, "FREQUENT", 100)
        assert pgsearch.is_frequent(cursor, "detention")
        assert pgsearch.is_frequent(cursor, "detent")  # a prefix of it
        assert not pgsearch.is_frequent(cursor, "zzyzx")
        assert not pgsearch.is_frequent(cursor, "number1")
    assert held_words("zzyzx") == {} and "zzyzx" in facetindex._index.rare
    assert held_words("detention").keys() == {"detention"}
