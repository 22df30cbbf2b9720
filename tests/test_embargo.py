"""Drafts and embargoed actions stay off every public surface until their day comes."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection

from tests.factories import create_action
from unactions.records import models
from unactions.records.query import ActionQuery, find_actions

EMBARGO = dt.date(2026, 12, 10)


@pytest.fixture
def embargoed(seeded):
    action = create_action(
        id="2026-10-11-chn-9-2026",
        date=dt.date(2026, 10, 11),
        date_text="11 October 2026",
        mechanism="Working Group on Enforced or Involuntary Disappearances",
        action_type="urgent_appeal",
        action="Urgent appeal sent to the Chinese government",
        governments=["China"],
        issues=["incommunicado confinement"],
        summary="The experts raised the secret detention of human rights defender Lin Qiaoyu.",
        defenders=["Lin Qiaoyu"],
        communication_refs=["CHN 9/2026"],
    )
    models.Action.objects.filter(pk=action.pk).update(embargo_until=EMBARGO)
    return action


def surfaces(client) -> dict[str, str]:
    """What each public surface shows, as text."""
    pages = {
        "list": "/",
        "facet counts": "/?type=urgent_appeal",
        "search": "/?q=Qiaoyu",
        "chinese list": "/zh-hans/",
        "permalink": "/actions/2026-10-11-chn-9-2026/",
        "defender page": "/defenders/lin-qiaoyu/",
        "defender list": "/defenders/",
        "mechanism page": "/mechanisms/working-group-on-enforced-or-involuntary-disappearances/",
        "mechanism list": "/mechanisms/",
        "csv download": "/actions.csv",
        "json download": "/actions.json",
    }
    shown = {}
    for name, url in pages.items():
        response = client.get(url)
        # A 404 page repeats the address asked for (in its language link), nothing more.
        shown[name] = "404" if response.status_code == 404 else response.getvalue().decode()
    shown["sitemap"] = "".join(sitemap_documents(client))
    return shown


def sitemap_documents(client) -> list[str]:
    """The sitemap's index and every document it lists."""
    index = client.get("/sitemap.xml").content.decode()
    documents = [index]
    for address in re.findall(r"<loc>([^<]+)</loc>", index):
        response = client.get(urlsplit(address).path)
        assert response.status_code == 200, address
        documents.append(response.content.decode())
    return documents


def leaks(client) -> list[str]:
    needles = (
        "Lin Qiaoyu",
        "lin-qiaoyu",
        "2026-10-11-chn-9-2026",
        "Enforced or Involuntary",
        "incommunicado confinement",
    )
    return [name for name, text in surfaces(client).items() if any(n in text for n in needles)]


def test_before_the_embargo_nothing_shows(client, embargoed):
    with time_machine.travel(dt.datetime(2026, 12, 9, 23, 59, tzinfo=dt.UTC), tick=False):
        assert leaks(client) == []
        assert client.get("/actions/2026-10-11-chn-9-2026/").status_code == 404
        assert client.get("/defenders/lin-qiaoyu/").status_code == 404
        assert "3 actions found" in client.get("/?type=urgent_appeal").content.decode()
        assert len(json.loads(client.get("/actions.json").getvalue())) == 22


def test_on_the_embargo_day_it_is_published_by_itself(client, embargoed):
    with time_machine.travel(dt.datetime(2026, 12, 10, 0, 1, tzinfo=dt.UTC), tick=False):
        assert sorted(leaks(client)) == sorted(
            [
                "list",
                "facet counts",
                "search",
                "chinese list",
                "permalink",
                "defender page",
                "defender list",
                "mechanism page",
                "mechanism list",
                "csv download",
                "json download",
                "sitemap",
            ]
        )
        assert "4 actions found" in client.get("/?type=urgent_appeal").content.decode()


def test_a_draft_never_shows_whatever_the_date(client, embargoed):
    models.Action.objects.filter(pk=embargoed.pk).update(status="draft", embargo_until=None)
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=False):
        assert leaks(client) == []


def test_counts_and_figures_follow_the_calendar(embargoed):
    from unactions.records import statistics
    from unactions.records.query import ActionQuery, facet_counts

    def figures():
        query = ActionQuery()
        facets = {f.key: {v.value: v.count for v in f.values} for f in facet_counts(query)}
        return (
            facets["type"].get("urgent_appeal"),
            facets["defender"].get("lin-qiaoyu"),
            statistics.total(query),
            [(r.year, r.communications) for r in statistics.reply_rate_by_year(query)],
            {
                value: n
                for value, _, n in statistics.top(
                    ActionQuery.from_params({"type": "urgent_appeal"}), "issue", None
                )
            }.get("incommunicado-confinement"),
        )

    with time_machine.travel(dt.datetime(2026, 12, 9, 23, 59, tzinfo=dt.UTC), tick=False):
        assert figures() == (3, None, 22, [(2020, 11)], None)
    with time_machine.travel(dt.datetime(2026, 12, 10, 0, 1, tzinfo=dt.UTC), tick=False):
        assert figures() == (
            4,
            1,
            23,
            [(2020, 11), (2026, 1)],
            1,
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a query plan of SQLite's")
@pytest.mark.parametrize("rows", [2, 5, 51])
def test_the_newest_few_public_actions_follow_the_date_index(db, rows):
    # "No embargo or one before today" made SQLite read nearly every action through the
    # embargo index for a few rows (1.4 s for the API's newest two at a million actions).
    query = find_actions(ActionQuery()).with_record()[:rows]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "USING INDEX records_action_newest" in plan and "TEMP B-TREE" not in plan
