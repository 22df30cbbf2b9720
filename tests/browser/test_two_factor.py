"""An editor sets up two-step login at first login, then logs in with the app's code."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.test_two_factor import code_of, key_on_page


def fill_login(page, code: str = "") -> None:
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_sets_it_up_then_logs_in_with_the_apps_code(
    page,
    live_server,
    editor,
    settings,
    screenshot,
):
    settings.UNACTIONS_TWO_FACTOR = "required"
    page.goto(live_server.url + "/admin/records/action/")
    fill_login(page)
    # The password was right; before anything else, the app is set up.
    expect(page.get_by_role("heading", name="Two-step login")).to_be_visible()
    expect(page.locator("#qr-code svg")).to_be_visible()
    screenshot(page, "two-step-login-set-up")
    # The editor types the key into an app (here: computes its code) and types the code.
    key = key_on_page(page.content())
    page.get_by_label("Code").fill(code_of(key))
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#two-factor-on")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue to the editors' pages").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        page.goto(live_server.url + "/admin/")
        fill_login(page)  # the password alone
        expect(page.get_by_text("This account uses two-step login")).to_be_visible()
        fill_login(page, code_of(key))
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
