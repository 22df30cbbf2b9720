"""Chromium, driven by Playwright, against the live test server.

Every page a test opens is watched: a request to any host but the test server fails
the test, because readers may be under surveillance and public pages must load nothing
from third parties. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API keeps an event loop running in the test thread; Django's
# database calls from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(config, items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install -e '.[dev]')"
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def outside_requests():
    return []


def _context(browser, outside_requests, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)

    def watch(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http://", "https://")) and host not in LOCAL_HOSTS:
            outside_requests.append(request.url)

    context.on("request", watch)
    return context


@pytest.fixture
def page(browser, outside_requests):
    context = _context(browser, outside_requests, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
    assert outside_requests == [], f"requests left 127.0.0.1: {outside_requests}"


@pytest.fixture
def phone(browser, outside_requests):
    context = _context(
        browser,
        outside_requests,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()
    assert outside_requests == [], f"requests left 127.0.0.1: {outside_requests}"


@pytest.fixture
def no_script_page(browser, outside_requests):
    context = _context(browser, outside_requests, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server, holding the seed page's actions."""
    from tests.conftest import SEED_TEXT
    from unactions.formats.page import parse_page
    from unactions.records.loader import load_records

    load_records(parse_page(SEED_TEXT).records)
    return live_server.url


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def editor(transactional_db, django_user_model):
    """Bob, an editor, in the live server's database."""
    from django.contrib.auth.models import Group

    from unactions.records.roles import ensure_roles

    ensure_roles()  # the transactional test database was flushed, groups included
    user = django_user_model.objects.create_user("bob", "bob@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user
