"""The static export: complete, no broken internal link, published records only."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from tests.factories import create_action
from unactions.public import static_site, views
from unactions.public.static_site import BuildError, build_site
from unactions.records.models import Action
from unactions.records.query import named

SECRET = (
    "Lin Qiaoyu",
    "lin-qiaoyu",
    "2026-10-11-chn-9-2026",
    "Draft Person",
    "draft-person",
    "test-draft-1",
)


# Pages of the defender list in the export: the seed's 15 defenders on three.
DEFENDERS_PAGE_SIZE = 6


@pytest.fixture
def site(seeded, tmp_path, monkeypatch) -> Path:
    for module in (views, static_site):
        monkeypatch.setattr(module, "DEFENDERS_PAGE_SIZE", DEFENDERS_PAGE_SIZE)
    embargoed = create_action(
        id="2026-10-11-chn-9-2026",
        date=dt.date(2026, 10, 11),
        action_type="urgent_appeal",
        summary="Urgent appeal about human rights defender Lin Qiaoyu.",
        defenders=["Lin Qiaoyu"],
    )
    Action.objects.filter(pk=embargoed.pk).update(
        embargo_until=dt.date.today() + dt.timedelta(days=30)
    )
    draft = create_action(
        id="test-draft-1", summary="About lawyer Draft Person.", defenders=["Draft Person"]
    )
    Action.objects.filter(pk=draft.pk).update(status="draft")
    out = tmp_path / "site"
    result = build_site(out, base_url="https://tracker.example.org")
    assert result.pages > 200
    return out


def internal_links(root: Path):
    for page in root.rglob("*.html"):
        for link in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            parts = urlsplit(link.replace("&amp;", "&"))
            if not parts.scheme and not parts.netloc and not link.startswith("#"):
                yield page, link, parts


def test_the_export(site):
    """One build, checked from every side (a build takes seconds)."""
    every_page_is_there(site)
    no_internal_link_is_broken_and_none_needs_a_query_string(site)
    filter_pages_show_their_actions(site)
    the_defender_list_is_paged(site)
    the_sitemap_index_lists_files_of_the_export(site)
    drafts_and_embargoed_actions_are_left_out(site)
    feeds_are_valid_and_absolute(site)
    the_language_switch_points_at_the_twin_page(site)
    a_new_build_replaces_the_old_one_whole(site)


def every_page_is_there(site):
    for path in (
        "index.html",
        "zh-hans/index.html",
        "actions/2020-12-04-chn-20-2020/index.html",
        "defenders/a-nya-sengdra/index.html",
        "mechanisms/working-group-on-arbitrary-detention/index.html",
        "statistics/index.html",
        "search/index.html",
        "filter/issue/arbitrary-detention/index.html",
        "filter/type/urgent_appeal/index.html",
        "feeds/actions.atom",
        "feeds/defender/a-nya-sengdra.atom",
        "actions.json",
        "actions.csv",
        "search-index.json",
        "sitemap.xml",
        "404.html",
        "static/public/site.css",
        "static/public/static-search.js",
    ):
        assert (site / path).is_file(), path


def no_internal_link_is_broken_and_none_needs_a_query_string(site):
    broken = []
    for page, link, parts in internal_links(site):
        path = (
            parts.path
            if parts.path.startswith("/")
            else "/" + str(page.parent.relative_to(site)) + "/" + parts.path
        )
        target = site / unquote(path).lstrip("/")
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file() or parts.query:
            broken.append((str(page.relative_to(site)), link))
    assert broken == []


def filter_pages_show_their_actions(site):
    html = (site / "filter/region/tibet/index.html").read_text()
    assert "5 actions found" in html
    assert '<a href="/" aria-current="page">Tibet</a>' in html  # the way back
    assert html.count('class="action"') == 5


def the_defender_list_is_paged(site):
    named_in_public = [defender.name for defender in named("defender")]
    assert len(named_in_public) == 15
    for language in ("", "zh-hans/"):
        pages = [
            (site / language / "defenders" / path / "index.html").read_text(encoding="utf-8")
            for path in ("", "page/2", "page/3")
        ]
        names = [
            [
                html.unescape(name)
                for name in re.findall(
                    r'<li><a href="[^"]*">([^<]+)</a> <span class="count">', page
                )
            ]
            for page in pages
        ]
        assert [len(page) for page in names] == [6, 6, 3]
        assert [name for page in names for name in page] == named_in_public
        assert f'href="/{language}defenders/page/2/"' in pages[0]
        assert f'href="/{language}defenders/"' in pages[1]  # back to the first page
    assert not (site / "defenders/page/4").exists()


def the_sitemap_index_lists_files_of_the_export(site):
    index = (site / "sitemap.xml").read_text()
    documents = re.findall(r"<loc>https://tracker.example.org/([^<]+)</loc>", index)
    parts = sorted({(a.pk - 1) // 5_000 + 1 for a in Action.objects.published()})
    assert documents == [
        "sitemap-pages.xml",
        *[f"sitemap-actions-{n}.xml" for n in parts],
        "sitemap-defenders-1.xml",
        "sitemap-mechanisms.xml",
    ]
    actions = "".join((site / name).read_text() for name in documents)
    assert actions.count("<loc>https://tracker.example.org/actions/") == 22


def drafts_and_embargoed_actions_are_left_out(site):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".atom", ".xml"):
            text = path.read_text(encoding="utf-8")
            for secret in SECRET:
                assert secret not in text, (path, secret)
    assert len(json.loads((site / "actions.json").read_text())) == 22
    assert len(json.loads((site / "search-index.json").read_text())) == 22


def feeds_are_valid_and_absolute(site):
    feed = feedparser.parse((site / "feeds/defender/a-nya-sengdra.atom").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries][
        0
    ] == "https://tracker.example.org/actions/2020-05-19-special-procedures-press-release/"


def the_language_switch_points_at_the_twin_page(site):
    html = (site / "filter/region/tibet/index.html").read_text()
    assert 'href="/zh-hans/filter/region/tibet/" hreflang="zh-Hans"' in html
    assert "找到 5 项行动" in (site / "zh-hans/filter/region/tibet/index.html").read_text()


def a_new_build_replaces_the_old_one_whole(site):
    (site / "stale.html").write_text("old")
    build_site(site)
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site")]


def test_a_bad_base_url(seeded, tmp_path):
    with pytest.raises(BuildError, match="give the address of a site's root"):
        build_site(tmp_path / "out", base_url="tracker.example.org/sub")
    assert not (tmp_path / "out").exists()


def files_in(root: Path) -> dict:
    return {path.relative_to(root): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.mark.django_db(transaction=True)  # the processes read what is stored
def test_a_build_in_two_processes_writes_the_same_site(seed_records, tmp_path):
    from unactions.records.loader import load_records

    load_records(seed_records)
    alone = build_site(tmp_path / "alone")
    reports = []
    together = build_site(
        tmp_path / "together", jobs=2, progress=lambda done, total: reports.append(done)
    )
    assert together == alone
    assert files_in(tmp_path / "together") == files_in(tmp_path / "alone")
    # The processes reported a batch of pages at a time, up to every page.
    assert 1 < len(reports) < alone.pages and reports[-1] == alone.pages


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_process_stops_the_build(seed_records, tmp_path, monkeypatch):
    from unactions.public import static_site
    from unactions.records.loader import load_records

    load_records(seed_records)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "kept.html").write_text("the last export")
    pages = static_site.pages

    def with_a_missing_page():
        yield from pages()
        yield static_site.Page("/actions/no-such-action/", "actions/no-such-action/index.html")

    monkeypatch.setattr(static_site, "pages", with_a_missing_page)
    with pytest.raises(BuildError, match="/actions/no-such-action/ answered 404"):
        build_site(tmp_path / "site", jobs=2)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-written folder left
    assert files_in(tmp_path / "site") == {Path("kept.html"): b"the last export"}


def test_a_new_export_shows_what_changed_since_the_last(seeded, tmp_path):
    build_site(tmp_path / "site")
    # Changed behind the application's back: same revision, same time of change.
    Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(summary="A new summary.")
    build_site(tmp_path / "site")
    issue = Action.objects.get(record_id="2020-12-04-chn-20-2020").issue_links.first().issue
    for page in (
        "index.html",
        f"filter/issue/{issue.slug}/index.html",
        "actions/2020-12-04-chn-20-2020/index.html",
    ):
        assert "A new summary." in (tmp_path / "site" / page).read_text(encoding="utf-8"), page
