"""The first public page: every published action, newest first, each with a permalink."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape

from unactions.public.models import Introduction
from unactions.records import models
from unactions.records.loader import load_records

from . import factories


def test_it_shows_all_22_summaries(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for record in seeded:
        assert escape(record.summary) in html
    assert "22 actions" in html


def test_it_lists_newest_first(client, seeded):
    html = client.get("/").content.decode()
    positions = [html.index(f'id="{record.id}"') for record in seeded]
    assert positions == sorted(positions)


def test_it_shows_every_field_of_the_page(client, seeded):
    html = client.get("/").content.decode()
    for label in (
        "Date",
        "Mechanism",
        "Action",
        "Issues",
        "Summary",
        "Text",
        "Response by government",
        "Related sources",
    ):
        assert f"<dt>{label}</dt>" in html
    assert "Adopted on 1 May 2020, published on 2 September 2020" in html
    assert "CHN 20/2020 (English)" in html
    assert "Response received on 28 December 2020 (Chinese and English)" in html
    assert (
        "Front Line Defenders, Op-Ed: What the new Chinese security law means for Hong Kong, Al Jazeera"
        in html
    )


def test_each_action_has_a_permalink(client, seeded):
    html = client.get("/").content.decode()
    assert 'href="/actions/2020-12-04-chn-20-2020/"' in html
    page = client.get("/actions/2020-12-04-chn-20-2020/")
    assert page.status_code == 200
    assert "Qin Yongpei" in page.content.decode()


def test_an_unknown_permalink_is_404(client, seeded):
    assert client.get("/actions/no-such-action/").status_code == 404


def test_drafts_and_embargoed_actions_stay_hidden(client, seeded):
    models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
    models.Action.objects.filter(record_id="2020-03-09-chn-6-2020").update(
        embargo_until=dt.date.today() + dt.timedelta(days=30)
    )
    html = client.get("/").content.decode()
    assert "21 actions" not in html and "20 actions" in html
    assert "2020-12-04-chn-20-2020" not in html
    assert "2020-03-09-chn-6-2020" not in html
    assert client.get("/actions/2020-12-04-chn-20-2020/").status_code == 404
    assert client.get("/actions/2020-03-09-chn-6-2020/").status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(client, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    full = queries("/")
    models.Action.objects.filter(date__lt="2020-06-01").delete()
    assert queries("/") == full
    # lapsed embargoes, 9 facets from the tallies (5 with a query for the names, and the
    # issues and defenders, shown 20 at most, with 2 more to find their top 20; the
    # count is the body facet's), rows, 6 prefetches (links, documents, sources),
    # latest change, introduction
    assert full == 28


def test_it_loads_nothing_from_other_hosts(client, seeded):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_the_introduction_opens_the_whole_list_only(client, seeded):
    load_records([factories.record() for _ in range(10)])  # 32 actions: two pages

    Introduction.objects.create(text="What this list holds, and why.", text_zh="这份清单收录什么。")
    assert "What this list holds" in client.get("/").content.decode()
    assert "这份清单收录什么" in client.get("/zh-hans/").content.decode()
    # A search, a filter or a later page goes straight to its actions.
    for url in ("/?q=detention", "/?body=treaty_body", "/?page=2"):
        html = client.get(url).content.decode()
        assert "What this list holds" not in html, url
        assert 'class="result-count"' in html, url
