"""The Django admin: an editor can list and open every kind of record."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from unactions.records import models

MODELS = [
    "action",
    "mechanism",
    "government",
    "issue",
    "region",
    "defender",
    "document",
    "response",
    "relatedsource",
    "actionversion",
]


@pytest.fixture
def editor_client(client, seeded, django_user_model):
    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "pw-long-enough-1"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_changelist(editor_client, model):
    assert editor_client.get(f"/admin/records/{model}/").status_code == 200


def test_an_action_opens_for_editing(editor_client):
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    response = editor_client.get(f"/admin/records/action/{action.pk}/change/")
    assert response.status_code == 200
    assert "Qin Yongpei" in response.content.decode()


def test_the_admin_requires_login(client, seeded):
    response = client.get("/admin/records/action/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def listed(response) -> list[str]:
    """The record ids of the actions a changelist shows."""
    assert response.status_code == 200
    found = response.context["cl"].result_list
    return sorted(action.record_id for action in found)


# Searches with fewer matches than this read them by their rows, others through the
# list's index in order (records/search.py): 1 takes every search the second way.
BOTH_WAYS = pytest.mark.parametrize("many_matches", [10_000, 1], ids=["few", "many"])


@BOTH_WAYS
def test_the_action_search_finds_words_as_the_public_search_does(
    editor_client, monkeypatch, many_matches
):
    from unactions.records import search
    from unactions.records.query import ActionQuery, find_actions

    monkeypatch.setattr(search, "MANY_MATCHES", many_matches)
    for words in ("Chang Weiping", "detention torture", "Qin Yongpei", "律师", "detention"):
        response = editor_client.get("/admin/records/action/", {"q": words})
        found = listed(response)
        assert found == sorted(a.record_id for a in find_actions(ActionQuery(q=words))), words
        assert found or words == "律师", words
        # In the list's order, newest first, and counted.
        shown = response.context["cl"].result_list
        assert [a.pk for a in shown] == [
            a.pk for a in models.Action.objects.filter(pk__in=[a.pk for a in shown])
        ]
        assert response.context["cl"].result_count == len(found)
    # A draft is found too: editors see every action.
    models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
    found = listed(editor_client.get("/admin/records/action/", {"q": "Qin Yongpei"}))
    assert "2020-12-04-chn-20-2020" in found
    assert not find_actions(ActionQuery(q="Qin Yongpei")).filter(record_id="2020-12-04-chn-20-2020")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's full-text index")
def test_a_search_for_words_alone_is_counted_by_the_full_text_index(editor_client):
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get("/admin/records/action/", {"q": "detention"})
    counts = [q["sql"] for q in queries if "count(" in q["sql"].lower()]
    assert response.context["cl"].result_count == len(listed(response)) > 1
    assert any("FROM records_action_search WHERE" in sql for sql in counts), counts
    assert not any('FROM "records_action"' in sql for sql in counts), counts
    # Within a filter, the database counts the actions as before.
    response = editor_client.get("/admin/records/action/", {"q": "detention", "body__exact": "hrc"})
    assert response.context["cl"].result_count == len(listed(response))


@BOTH_WAYS
def test_the_action_search_within_a_filter(editor_client, monkeypatch, many_matches):
    from unactions.records import search

    monkeypatch.setattr(search, "MANY_MATCHES", many_matches)
    everything = listed(editor_client.get("/admin/records/action/", {"q": "detention"}))
    response = editor_client.get(
        "/admin/records/action/", {"q": "detention", "action_type__exact": "urgent_appeal"}
    )
    urgent = set(
        models.Action.objects.filter(action_type="urgent_appeal").values_list(
            "record_id", flat=True
        )
    )
    assert listed(response) == [r for r in everything if r in urgent]
    assert 0 < len(listed(response)) < len(everything)


def test_the_action_search_finds_a_record_by_its_id(editor_client):
    found = listed(editor_client.get("/admin/records/action/", {"q": " 2020-12-04-chn-20-2020 "}))
    assert found == ["2020-12-04-chn-20-2020"]


def test_the_actions_are_filtered_by_year(editor_client):
    models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(
        year=2019, date="2019-12-04"
    )
    response = editor_client.get("/admin/records/action/", {"year": "2019"})
    assert listed(response) == ["2020-12-04-chn-20-2020"]
    assert "?year=2020" in response.content.decode()  # the other year, to choose
    # Not a year: the admin's own answer to a bad filter (back to the list, "?e=1").
    assert editor_client.get("/admin/records/action/", {"year": "x"}).status_code == 302


def test_the_history_is_searched_by_record_id(editor_client):
    url = "/admin/records/actionversion/"
    found = listed(editor_client.get(url, {"q": "2020-12-04-chn-20-2020"}))
    assert found == ["2020-12-04-chn-20-2020"]  # its first version
    found = listed(editor_client.get(url, {"q": "2020-12-"}))
    assert found == sorted(
        models.Action.objects.filter(record_id__startswith="2020-12-").values_list(
            "record_id", flat=True
        )
    )
    assert len(found) > 1
    # The filter by date offers its own choices: "Today" lists today's versions.
    html = editor_client.get(url).content.decode()
    today = re.search(r'<a href="(\?created__gte=[^"]+)">Today</a>', html).group(1)
    found = listed(editor_client.get(url + today.replace("&amp;", "&")))
    assert len(found) == models.ActionVersion.objects.count() > 0


def _states_mixed():
    """Some seed actions made drafts, some embargoed (to come, and passed), across
    bodies, years and mechanisms; the rest published."""
    import datetime as dt

    actions = list(models.Action.objects.order_by("pk"))
    for action in actions[::4]:
        action.status = models.Status.DRAFT
    actions[1].embargo_until = dt.date.today() + dt.timedelta(days=30)
    actions[2].embargo_until = dt.date(2021, 1, 1)
    actions[5].embargo_until = dt.date.today() + dt.timedelta(days=3)
    actions[6].year, actions[6].date = 2019, dt.date(2019, 6, 1)
    for action in actions:
        action.save()
    return actions


def test_the_filtered_list_is_counted_and_listed_as_its_actions(editor_client):
    actions = _states_mixed()
    mechanism = actions[1].mechanism_term_id
    body, action_type = actions[1].body, actions[5].action_type
    filters = [
        {},
        {"status__exact": "draft"},
        {"status__exact": "published"},
        {"status__exact": "published", "body__exact": body},
        {"status__exact": "draft", "body__exact": body},
        {"body__exact": body, "year": "2020"},
        {"action_type__exact": action_type},
        {"status__exact": "published", "mechanism_term__id__exact": str(mechanism)},
        {"status__exact": "draft", "mechanism_term__id__exact": str(mechanism), "year": "2020"},
        {"status__exact": "published", "year": "2019"},
        {"body__exact": "hrc", "action_type__exact": "urgent_appeal", "year": "2020"},
        {"status__exact": "published", "o": "1", "p": "1"},
        {"status__exact": "published", "body__exact": [body, "hrc"]},
    ]
    names = {
        "status__exact": "status",
        "body__exact": "body",
        "action_type__exact": "action_type",
        "year": "year",
        "mechanism_term__id__exact": "mechanism_term_id",
    }
    for query in filters:
        response = editor_client.get("/admin/records/action/", query)
        expected = models.Action.objects.filter(
            **{
                names[k] + ("__in" if isinstance(v, list) else ""): v
                for k, v in query.items()
                if k in names
            }
        )
        assert response.context["cl"].result_count == expected.count(), query
        assert sorted(listed(response)) == sorted(e.record_id for e in expected), query
    assert any(
        editor_client.get("/admin/records/action/", query).context["cl"].result_count
        for query in filters[1:]
    )


def test_the_filtered_list_is_counted_from_the_tallies(editor_client):
    _states_mixed()
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(
            "/admin/records/action/", {"status__exact": "published", "body__exact": "hrc"}
        )
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] or "SUM(" in q["sql"]]
    assert any("records_actiontally" in sql for sql in counts), counts
    # The actions themselves are counted only among those with an embargo date.
    assert all("embargo_until" in sql for sql in counts if "records_actiontally" not in sql)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a query plan of SQLite's")
@pytest.mark.parametrize(
    "more",
    [
        {},
        {"body__exact": "hrc"},
        {"mechanism_term__id__exact": "1", "year": "2020", "action_type__exact": "urgent_appeal"},
    ],
)
def test_the_drafts_are_read_from_their_own_index(editor_client, more):
    # The admin's filter of drafts read every action to find none (6 s at a million);
    # with a column's filter, every action of that column (0.5-0.9 s).
    response = editor_client.get("/admin/records/action/", {"status__exact": "draft", **more})
    sql, params = response.context["cl"].result_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "USING INDEX records_action_drafts_newest" in plan and "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a query plan of SQLite's")
@BOTH_WAYS
def test_a_common_word_is_searched_in_the_lists_order(editor_client, monkeypatch, many_matches):
    from unactions.records import search

    # Sorting the rows of a common word's matches took 0.56 s at a million actions; the
    # list's index read in order, 0.08 s.
    monkeypatch.setattr(search, "MANY_MATCHES", many_matches)
    response = editor_client.get("/admin/records/action/", {"q": "detention"})
    sql, params = response.context["cl"].result_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    in_order = "USING INDEX records_action_newest" in plan and "TEMP B-TREE" not in plan
    assert in_order == (many_matches == 1), plan


@pytest.mark.parametrize(
    "model, column, count",
    [
        ("defender", 4, lambda term: models.ActionDefender.objects.filter(defender=term).count()),
        ("issue", 5, lambda term: models.ActionIssue.objects.filter(issue=term).count()),
        ("mechanism", 5, lambda term: models.Action.objects.filter(mechanism_term=term).count()),
    ],
)
def test_terms_are_listed_with_their_actions_counted(editor_client, model, column, count):
    models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
    response = editor_client.get(f"/admin/records/{model}/")
    terms = response.context["cl"].result_list
    assert [term.action_count for term in terms] == [count(term) for term in terms]
    assert any(term.action_count > 1 for term in terms)
    # Sorted by that column, most first.
    response = editor_client.get(f"/admin/records/{model}/", {"o": f"-{column}"})
    counted = [term.action_count for term in response.context["cl"].result_list]
    assert counted == sorted(counted, reverse=True) and len(counted) == len(terms)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a query plan of SQLite's")
def test_the_deleted_actions_are_read_from_their_own_index(db):
    from unactions.records import history

    # The recovery page read every version to find the deletions (0.8 s at a million).
    with CaptureQueriesContext(connection) as queries:
        history.deleted_actions()
    [sql] = [q["sql"] for q in queries.captured_queries if "records_actionversion" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "USING INDEX records_version_deleted" in plan and "TEMP B-TREE" not in plan


def test_the_editors_pages_are_headed_with_the_sites_name_and_list_the_records_first(
    editor_client, settings
):
    login = Client().get("/admin/login/").content.decode()
    assert "UN Actions Tracker: editors" in login and "Django administration" not in login
    index = editor_client.get("/admin/").content.decode()
    assert '<a href="/admin/">UN Actions Tracker: editors</a>' in index
    assert "<title>Site administration | UN Actions Tracker: editors</title>" in index
    # The records first, the accounts and settings after.
    sections = re.findall(r'<caption>\s*<a href="/admin/(\w+)/"', index)
    assert sections[:3] == ["records", "public", "api"] and "auth" in sections[3:]
    chinese = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "UN Actions Tracker：编辑后台" in chinese and "Django" not in chinese
    settings.SITE_NAME = "HRD Watch"
    assert "HRD Watch: editors" in editor_client.get("/admin/").content.decode()


def test_the_login_protection_pages_in_chinese(editor_client):
    # django-axes ships no Chinese: its app and messages are in our catalogue.
    Client().post(
        "/admin/login/",
        {"username": "bob", "password": "a guess"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    index = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录保护" in index and "登录失败" in index and "Axes" not in index
    html = editor_client.get(
        "/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "登录尝试" in html and "IP 地址" in html and "4 次剩余尝试" in html
    assert "access attempt" not in html.lower() and "Attempt Remaining" not in html


def test_the_editors_pages_in_chinese(editor_client):
    # An editor whose browser asks for Chinese: Django's admin comes translated, and
    # so do the tracker's own pages and fields.
    def page(url):
        response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        return response.content.decode()

    listed = page("/admin/records/action/")
    assert "年份" in listed and "发布状态" in listed and "跟进" in listed
    # Every model named in Chinese in the plural too (Django's own plural adds an "s").
    index = page("/admin/")
    assert "人权捍卫者" in index and "相关资料" in index
    assert not re.findall(r"[\u4e00-\u9fff]s\b", index + listed)
    follow_up = page("/admin/records/action/follow-up/")
    assert "函件跟进" in follow_up
    assert '<th scope="col">致函对象</th>' in follow_up  # not the date filter's "至"
    assert "导入行动" in page("/admin/records/action/import/")
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    form = page(f"/admin/records/action/{action.pk}/change/")
    assert "禁发至" in form and "机构和内容" in form
    assert "Who and what" not in form
    # Others get English, as before.
    english = editor_client.get(f"/admin/records/action/{action.pk}/change/")
    assert "Who and what" in english.content.decode() and english["Content-Language"] == "en"
