"""Permalinks, defender and mechanism pages, pagination, downloads and languages."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from urllib.parse import urlsplit

import pytest

from tests.factories import create_action, record
from unactions.public import sitemaps, views
from unactions.records import models
from unactions.records.loader import load_records
from unactions.records.query import ActionQuery, find_actions, named


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestDefenderPages:
    def test_the_timeline_lists_every_action_oldest_first(self, client, seeded):
        html = text(client.get("/defenders/a-nya-sengdra/"))
        appeal = html.index("12 May 2020")
        press = html.index("19 May 2020")
        assert appeal < press
        assert "Urgent appeal" in html and "Press release" in html
        assert "Named in 2 UN actions." in html

    def test_the_defender_list_counts_published_actions(self, client, seeded):
        html = text(client.get("/defenders/"))
        assert (
            '<a href="/defenders/chang-weiping/">Chang Weiping</a> <span class="count">2</span>'
            in html
        )

    def test_the_defender_list_is_paged_in_name_order(self, client, seeded, monkeypatch):
        monkeypatch.setattr(views, "DEFENDERS_PAGE_SIZE", 6)
        pages = [text(client.get(url)) for url in ("/defenders/", "/defenders/?page=2")]
        pages.append(text(client.get("/defenders/?page=3")))
        names = [re.findall(r'">([^<]+)</a> <span class="count">', page) for page in pages]
        assert [len(page) for page in names] == [6, 6, 3]
        listed = [html.unescape(name) for page in names for name in page]
        assert listed == [defender.name for defender in named("defender")]
        assert '<a rel="next" href="/defenders/?page=2">' in pages[0]
        assert '<a rel="prev" href="/defenders/">' in pages[1]
        assert "Page 3 of 3" in pages[2] and 'rel="next"' not in pages[2]
        assert client.get("/defenders/?page=4").status_code == 404

    def test_a_defender_named_only_in_drafts_is_hidden(self, client, seeded):
        models.Action.objects.filter(
            record_id="2020-08-13-special-procedures-allegation-letter"
        ).update(status="draft")
        assert client.get("/defenders/yu-wensheng/").status_code == 404
        assert "Yu Wensheng" not in text(client.get("/defenders/"))
        assert "Yu Wensheng" not in text(client.get("/"))

    def test_an_unknown_defender_is_404(self, client, seeded):
        assert client.get("/defenders/nobody/").status_code == 404


class TestSitemap:
    def documents(self, client) -> dict[str, str]:
        index = text(client.get("/sitemap.xml"))
        found = {}
        for address in re.findall(r"<loc>([^<]+)</loc>", index):
            found[urlsplit(address).path] = text(client.get(urlsplit(address).path))
        return found

    @staticmethod
    def parts() -> list[int]:
        """The parts of 5 ids that hold a published action."""
        return sorted({(a.pk - 1) // 5 + 1 for a in models.Action.objects.published()})

    def test_the_index_lists_every_published_action_and_defender_once(
        self, client, seeded, monkeypatch
    ):
        monkeypatch.setattr(sitemaps, "PART", 5)
        documents = self.documents(client)
        assert list(documents) == [
            "/sitemap-pages.xml",
            *[f"/sitemap-actions-{n}.xml" for n in self.parts()],  # 22 actions
            *[f"/sitemap-defenders-{n}.xml" for n in range(1, 4)],  # 15 defenders
            "/sitemap-mechanisms.xml",
        ]
        listed = [
            urlsplit(address).path
            for document in documents.values()
            for address in re.findall(r"<loc>([^<]+)</loc>", document)
        ]
        actions = [f"/actions/{a.record_id}/" for a in models.Action.objects.published()]
        defenders = [f"/defenders/{d.slug}/" for d in named("defender")]
        assert sorted(p for p in listed if p.startswith("/actions/")) == sorted(actions)
        assert sorted(p for p in listed if p.startswith("/defenders/")) == sorted(
            ["/defenders/", *defenders]
        )
        assert "<lastmod>" in documents[f"/sitemap-actions-{self.parts()[0]}.xml"]

    def test_a_part_with_no_published_action_is_left_out(self, client, seeded, monkeypatch):
        monkeypatch.setattr(sitemaps, "PART", 5)
        first = self.parts()[0]
        ids = range((first - 1) * 5 + 1, first * 5 + 1)
        models.Action.objects.filter(pk__in=ids).update(status="draft")
        assert first not in self.parts()
        assert f"/sitemap-actions-{first}.xml" not in self.documents(client)
        assert client.get(f"/sitemap-actions-{first}.xml").status_code == 404

    def test_a_part_past_the_end_is_404(self, client, seeded, monkeypatch):
        monkeypatch.setattr(sitemaps, "PART", 5)
        last = self.parts()[-1]
        assert client.get(f"/sitemap-actions-{last}.xml").status_code == 200
        for section in (
            f"actions-{last + 1}",
            "actions-0",
            "actions-01",
            "defenders-4",
            "drafts-1",
        ):
            assert client.get(f"/sitemap-{section}.xml").status_code == 404, section

    def test_a_new_action_joins_the_last_part(self, client, seeded, monkeypatch):
        monkeypatch.setattr(sitemaps, "PART", 5)
        before = self.documents(client)
        create_action(id="2021-01-04-new", defenders=[])
        after = self.documents(client)
        last = f"/sitemap-actions-{self.parts()[-1]}.xml"
        assert "/actions/2021-01-04-new/" in after[last]
        for name, document in before.items():
            if name.startswith("/sitemap-actions-") and name != last:
                assert after[name] == document, name


class TestMechanismPages:
    def test_a_mechanism_page_counts_its_actions_by_type(self, client, seeded):
        html = text(client.get("/mechanisms/working-group-on-arbitrary-detention/"))
        assert "2 published actions." in html
        assert "Opinion (Working Group on Arbitrary Detention)</a></td><td>2</td>" in html

    def test_a_mechanism_page_lists_its_actions_newest_first(self, client, seeded):
        slug = "working-group-on-arbitrary-detention"
        expected = [a.record_id for a in find_actions(ActionQuery(selected={"mechanism": (slug,)}))]
        html = text(client.get(f"/mechanisms/{slug}/"))
        places = [html.find(f"/actions/{record_id}/") for record_id in expected]
        assert len(expected) == 2 and -1 not in places and places == sorted(places)

    def test_the_mechanism_list_groups_by_body(self, client, seeded):
        html = text(client.get("/mechanisms/"))
        assert html.index("<h2>Special Procedures</h2>") < html.index(
            "Working Group on Arbitrary Detention"
        )
        assert (
            'Committee on the Elimination of Racial Discrimination (CERD)</a> <span class="count">1</span>'
            in html
        )


class TestPagination:
    @pytest.fixture
    def many(self, db):
        load_records(
            [
                record(
                    id=f"bulk-{n}",
                    date=dt.date(2021, 1, 1) + dt.timedelta(days=n),
                    action_type="urgent_appeal" if n % 2 else "press_release",
                )
                for n in range(60)
            ]
        )

    def test_pages_keep_the_filters(self, client, many):
        html = text(client.get("/?type=urgent_appeal"))
        assert "30 actions found" in html
        assert "Page 1 of 2" in html
        assert 'href="?type=urgent_appeal&amp;page=2"' in html
        second = text(client.get("/?type=urgent_appeal&page=2"))
        assert "Page 2 of 2" in second
        assert second.count('class="action"') == 5

    def test_a_page_out_of_range_is_404(self, client, many):
        assert client.get("/?page=9").status_code == 404
        assert client.get("/?page=x").status_code == 404


class TestDownloads:
    def test_csv_of_a_filtered_view(self, client, seeded):
        response = client.get("/actions.csv?region=tibet&type=press_release")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
        assert [r["id"] for r in rows] == [
            "2020-06-26-special-procedures-press-release",
            "2020-05-19-special-procedures-press-release",
        ]

    def test_json_in_the_record_schema(self, client, seeded):
        data = json.loads(client.get("/actions.json?q=Qin").getvalue())
        assert [r["id"] for r in data] == ["2020-12-04-chn-20-2020"]
        assert data[0]["defenders"] == ["Qin Yongpei", "Chang Weiping"]

    def test_downloads_leave_out_drafts(self, client, seeded):
        models.Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
        assert json.loads(client.get("/actions.json?q=Qin").getvalue()) == []
        assert len(json.loads(client.get("/actions.json").getvalue())) == 21


class TestLanguages:
    def test_english_by_default(self, client, seeded):
        html = text(client.get("/"))
        assert '<html lang="en">' in html
        assert 'href="/zh-hans/"' in html

    def test_chinese_interface(self, client, seeded):
        html = text(client.get("/zh-hans/?region=tibet"))
        assert '<html lang="zh-Hans">' in html
        assert "联合国关于人权捍卫者的行动" in html
        assert "找到 5 项行动" in html
        assert "特别程序" in html  # a body's name in the facet
        assert 'href="/?region=tibet"' in html  # the switch back keeps the filters

    def test_a_chinese_summary_shows_on_the_chinese_interface(self, client, db):
        action = create_action(summary="English summary.")
        models.Action.objects.filter(pk=action.pk).update(summary_zh="中文摘要。")
        assert "中文摘要。" in text(client.get(f"/zh-hans/actions/{action.record_id}/"))
        english = text(client.get(f"/actions/{action.record_id}/"))
        assert "English summary." in english and "中文摘要。" not in english


class TestPrivacyAndErrors:
    def test_pages_forbid_other_hosts(self, client, seeded):
        response = client.get("/")
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert response["Referrer-Policy"] == "no-referrer"

    def test_no_page_names_another_host(self, client, seeded):
        for url in (
            "/",
            "/zh-hans/",
            "/actions/2020-12-04-chn-20-2020/",
            "/defenders/",
            "/defenders/a-nya-sengdra/",
            "/mechanisms/",
            "/mechanisms/working-group-on-arbitrary-detention/",
        ):
            html = text(client.get(url))
            for attribute in ('src="http', "src='http", 'href="http', "url(http", 'href="//'):
                assert attribute not in html, (url, attribute)

    def test_a_bad_date_is_explained(self, client, seeded):
        response = client.get("/?from=yesterday")
        assert response.status_code == 400
        assert (
            "from: &#x27;yesterday&#x27; is not a date written YYYY-MM-DD"
            in response.content.decode()
        )

    def test_dates_the_wrong_way_round_are_explained(self, client, seeded):
        response = client.get("/?from=2020-12-01&to=2020-01-31")
        assert response.status_code == 400
        assert "from: 2020-12-01 is after to: 2020-01-31" in response.content.decode()
        # The same day at both ends is a range, not a mistake.
        response = client.get("/?from=2020-12-04&to=2020-12-04")
        assert response.status_code == 200
        assert "2020-12-04-chn-20-2020" in response.content.decode()

    def test_a_bad_sort_is_explained(self, client, seeded):
        response = client.get("/actions.json?sort=random")
        assert response.status_code == 400

    def test_each_page_is_light(self, client, seeded):
        from django.contrib.staticfiles import finders

        assets = sum(
            len(open(finders.find(p), "rb").read()) for p in ("public/site.css", "public/browse.js")
        )
        for url in ("/", "/actions/2020-12-04-chn-20-2020/", "/defenders/a-nya-sengdra/"):
            assert len(client.get(url).content) + assets < 100_000, url
