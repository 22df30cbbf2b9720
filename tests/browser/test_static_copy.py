"""The static copy of the site, as any web host serves it: its search runs in the browser."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from unactions.formats.page import parse_page
from unactions.public.static_site import build_site
from unactions.records.loader import load_records


@pytest.fixture
def static_copy(transactional_db, tmp_path):
    """The seed page's actions exported to files, served by Python's file server."""
    from tests.conftest import SEED_TEXT

    load_records(parse_page(SEED_TEXT).records)
    build_site(tmp_path / "site", base_url="http://127.0.0.1")
    handler = functools.partial(_Quiet, directory=str(tmp_path / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_searching_the_static_copy(page, static_copy):
    page.goto(static_copy + "/search/")
    page.get_by_role("searchbox", name="Search").fill("detention")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-status")).to_have_text("12 of 22 actions match.")
    results = page.locator("#search-results > li")
    expect(results).to_have_count(12)
    # A permalink of the copy opens the action's page.
    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/actions/" in page.url
    # An address with the words in it searches at once; no match says so.
    page.goto(static_copy + "/search/?q=detention%20nowhere-at-all")
    expect(page.locator("#search-status")).to_have_text(
        "No action matches all these words: try fewer or others."
    )
    expect(results).to_have_count(0)


def test_the_chinese_copy_searches_in_chinese(page, static_copy):
    page.goto(static_copy + "/zh-hans/search/?q=detention")
    expect(page.locator("#search-status")).to_have_text("22 项行动中有 12 项符合。")
