"""Full-text search: every searchable field, ranking, highlighting, case, diacritics, Chinese."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import create_action
from unactions.formats import searchtext
from unactions.records import models, search
from unactions.records.query import ActionQuery, find_actions


def found(**params) -> list[str]:
    return [a.record_id for a in find_actions(ActionQuery.from_params(params))]


def test_it_finds_a_defender_in_summaries_defenders_and_sources(seeded):
    assert found(q="Chang Weiping", sort="newest") == [
        "2020-12-16-special-procedures-press-release",
        "2020-12-04-chn-20-2020",
        "2020-09-01-special-procedures-other-letter",  # a related source's title
    ]


def test_it_searches_mechanism_action_and_issue(seeded):
    assert len(found(q="Working Group on Arbitrary Detention")) == 2
    assert found(q="hydropower") == ["2020-07-03-special-procedures-allegation-letter"]
    assert found(q="Al Jazeera", sort="newest") == [
        "2020-06-19-special-procedures-other-letter",
        "2020-06-19-ohchr-press-release",
    ]


def test_every_word_must_match(seeded):
    assert found(q="Qin Yongpei") == ["2020-12-04-chn-20-2020"]
    assert found(q="Qin Xinjiang") == []


def test_words_match_as_prefixes_and_ignore_case(seeded):
    assert found(q="QIN yongp") == ["2020-12-04-chn-20-2020"]


def test_it_ignores_diacritics(db):
    action = create_action(summary="The experts wrote to Hélène Dupont about Zoë.")
    assert found(q="helene") == [action.record_id]
    assert found(q="HÉLÈNE zoe") == [action.record_id]


def test_it_finds_chinese_words_in_a_chinese_summary(db):
    action = create_action(summary="Lawyer detained.")
    models.Action.objects.filter(pk=action.pk).update(
        summary_zh="人权律师常玮平被指定居所监视居住。"
    )
    search.refresh([action.pk])
    assert found(q="常玮平") == [action.record_id]
    assert found(q="律师") == [action.record_id]
    assert found(q="监视居住 律师") == [action.record_id]
    assert found(q="捍卫者") == []


def test_relevance_puts_the_best_match_first(db):
    once = create_action(summary="Concerns about torture in detention centres and prisons.")
    thrice = create_action(summary="Torture, torture and more torture in detention.")
    assert found(q="torture") == [thrice.record_id, once.record_id]
    assert found(q="torture", sort="oldest") == [once.record_id, thrice.record_id]


def test_search_combines_with_facets_and_dates(seeded):
    assert found(q="detention", type="opinion", sort="newest") == [
        "2020-06-05-special-procedures-opinion",
        "2020-05-01-special-procedures-opinion",
    ]
    assert found(q="detention", type="opinion", **{"from": "2020-06-01"}) == [
        "2020-06-05-special-procedures-opinion"
    ]


def test_drafts_are_not_found(seeded):
    models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
    assert found(q="Qin Yongpei") == []


def test_the_index_follows_edits_and_deletions(seeded):
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    models.Defender.objects.filter(name="Qin Yongpei").update(name="Qin Yongpei (秦永培)")
    search.refresh([action.pk])
    assert found(q="秦永培") == ["2020-12-04-chn-20-2020"]
    action.delete()
    assert found(q="Qin") == []


def test_punctuation_only_queries_find_everything(seeded):
    assert len(found(q="“ ” -- ()")) == 22


def test_match_spans_for_highlighting():
    terms = searchtext.terms("chang WEI")
    text = "Lawyer Chang Weiping met Zhang."
    assert [text[a:b] for a, b in searchtext.match_spans(text, terms)] == ["Chang", "Weiping"]
    accented = "Hélène and Helen"
    spans = searchtext.match_spans(accented, searchtext.terms("helene"))
    assert [accented[a:b] for a, b in spans] == ["Hélène"]
    chinese = "人权律师常玮平"
    spans = searchtext.match_spans(chinese, searchtext.terms("律师"))
    assert [chinese[a:b] for a, b in spans] == ["律师"]


def test_the_list_highlights_matched_words(client, seeded):
    html = client.get("/?q=yongpei").content.decode()
    assert "human rights defender and lawyer Qin <mark>Yongpei</mark> and the alleged" in html
    assert "1 action found" in html


def test_highlighting_escapes_html(db, client):
    create_action(summary="A <script>alert(1)</script> torture case.")
    html = client.get("/?q=torture").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>torture</mark> case." in html
    assert "<script>alert(1)" not in html


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's stored text vectors"
)


@postgresql_only
def test_postgresql_searches_the_stored_vectors_and_indexes_them(seeded):
    matches = search.search(models.Action.objects.all(), "detention")
    plan = matches.explain()
    # The stored column, not each action's text parsed again.
    assert "search_vector @@" in plan and "to_tsvector" not in plan
    assert matches.count() == len(found(q="detention")) > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'records_action_search_vector'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


@postgresql_only
def test_postgresql_searches_inside_a_subquery(seeded):
    named = models.Defender.objects.filter(
        actions__in=search.search(models.Action.objects.all(), "Chang Weiping")
    )
    assert "Chang Weiping" in set(named.values_list("name", flat=True))
