"""Two-step login: where it is required (a deployment's default), an editor sets up an
authenticator app at first login and gives its code at each login after; a password
alone opens nothing."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from unactions.editors import two_factor

SET_UP = "/admin/two-step-login/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.UNACTIONS_TWO_FACTOR = "required"


def log_in(client, code: str = "", username: str = "bob", **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "code": code},
        **extra,
    )


def code_of(key: bytes) -> str:
    """The code an authenticator app with this key shows now."""
    return f"{totp(key):06d}"


def wrong_code(key: bytes, by: int = 1) -> str:
    """A code the app with this key does not show now."""
    return f"{(int(code_of(key)) + by) % 1_000_000:06d}"


def key_on_page(html: str) -> bytes:
    """The secret key as the set-up page shows it for typing into an app."""
    shown = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', html).group(1)
    key = shown.replace(" ", "")
    return base64.b32decode(key + "=" * (-len(key) % 8))


def set_up(client) -> tuple[bytes, list[str]]:
    """Set up two-step login as an editor does: the key read off the page, the app's
    code typed back. The key and the recovery codes shown."""
    key = key_on_page(client.get(SET_UP).content.decode())
    page = client.post(SET_UP, {"code": code_of(key)}).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    return key, codes


def later(seconds: int = 31):
    """The clock moved on to the app's next code (a code is good once)."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def test_an_editor_without_it_must_set_it_up_before_anything_else(client, bob):
    assert log_in(client).status_code == 302  # the password is right
    for page in ("/admin/", "/admin/records/action/", "/admin/records/action/import/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == SET_UP, page
    html = client.get(SET_UP).content.decode()
    assert "<svg" in html and 'id="secret-key"' in html  # a QR code, and the key as text
    assert "Every editor here uses two-step login" in html
    # The QR code holds the same key, for an app named after the site.
    device = TOTPDevice.objects.get(user=bob)
    assert (
        device.bin_key == key_on_page(html) and "issuer=UN%20Actions%20Tracker" in device.config_url
    )
    # Logging out is still possible.
    assert client.post("/admin/logout/").status_code == 200


def test_the_key_stays_the_same_until_it_is_confirmed(client, bob):
    log_in(client)
    first = key_on_page(client.get(SET_UP).content.decode())
    assert key_on_page(client.get(SET_UP).content.decode()) == first
    assert TOTPDevice.objects.filter(user=bob).count() == 1


def test_a_wrong_code_leaves_it_off(client, bob):
    log_in(client)
    key = key_on_page(client.get(SET_UP).content.decode())
    wrong = wrong_code(key)
    response = client.post(SET_UP, {"code": wrong})
    assert "That code is wrong or has expired" in response.content.decode()
    assert not two_factor.is_on(bob)
    assert client.get("/admin/")["Location"] == SET_UP


def test_the_apps_code_turns_it_on_and_shows_recovery_codes_once(client, bob):
    log_in(client)
    key, codes = set_up(client)
    assert two_factor.is_on(bob)
    assert len(codes) == 10 and len(set(codes)) == 10
    # This session gave a code: it goes on.
    assert client.get("/admin/").status_code == 200
    page = client.get(SET_UP).content.decode()
    assert "Two-step login is on" in page and "You have 10 recovery codes left" in page
    assert not any(code in page for code in codes)


def test_after_that_the_password_alone_does_not_log_in(client, bob):
    log_in(client)
    key, _ = set_up(client)
    client.post("/admin/logout/")
    with later():
        response = log_in(client)
        assert response.status_code == 200
        assert "This account uses two-step login" in response.content.decode()
        assert client.get("/admin/").status_code == 302  # to the login page
        wrong = wrong_code(key, by=7)
        assert "That code is wrong" in log_in(client, wrong).content.decode()
    with later(62):
        response = log_in(client, code_of(key)[:3] + " " + code_of(key)[3:])
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_code_is_good_once(client, bob):
    log_in(client)
    key, _ = set_up(client)
    client.post("/admin/logout/")
    with later():
        code = code_of(key)
        assert log_in(client, code).status_code == 302
        client.post("/admin/logout/")
        assert "That code is wrong" in log_in(client, code).content.decode()


def test_repeated_wrong_codes_make_it_wait(client, bob):
    log_in(client)
    key, _ = set_up(client)
    client.post("/admin/logout/")
    with later():
        wrong = wrong_code(key)
        log_in(client, wrong)
        response = log_in(client, code_of(key))
        assert "Too many wrong codes" in response.content.decode()
        assert client.get("/admin/").status_code == 302
    with later(95):  # the wait over
        assert log_in(client, code_of(key)).status_code == 302


def test_a_recovery_code_logs_in_once(client, bob):
    log_in(client)
    _, codes = set_up(client)
    client.post("/admin/logout/")
    assert log_in(client, codes[0].upper()).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert "That code is wrong" in log_in(client, codes[0]).content.decode()
    assert two_factor.recovery_codes_left(bob) == 9


def test_new_recovery_codes_replace_the_old_ones(client, bob):
    log_in(client)
    _, old = set_up(client)
    page = client.post(SET_UP, {"do": "recovery-codes"}).content.decode()
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=bob).values_list("token", flat=True)) == set(
        new
    )


def test_a_session_that_gave_no_code_is_refused(client, bob):
    device = two_factor.pending_device(bob)
    two_factor.confirm(device, code_of(device.bin_key))
    client.force_login(bob)  # a session from before, or a password only
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_it_cannot_be_turned_off_where_it_is_required(client, bob):
    log_in(client)
    key, _ = set_up(client)
    with later():
        client.post(SET_UP, {"do": "turn-off", "code": code_of(key)})
    assert two_factor.is_on(bob)


def test_where_it_is_optional_the_password_is_enough_until_turned_on(client, bob, settings):
    settings.UNACTIONS_TWO_FACTOR = "optional"
    log_in(client)
    assert client.get("/admin/").status_code == 200
    assert "Turn on" in client.get(SET_UP).content.decode()
    key, _ = set_up(client)
    with later():
        assert (
            "That code is wrong"
            in client.post(
                SET_UP,
                {"do": "turn-off", "code": wrong_code(key)},
            ).content.decode()
        )
        assert two_factor.is_on(bob)
    with later(62):
        response = client.post(SET_UP, {"do": "turn-off", "code": code_of(key)})
        assert response.status_code == 302 and not two_factor.is_on(bob)
    client.post("/admin/logout/")
    assert log_in(client).status_code == 302


def test_the_login_asks_for_the_code_in_chinese(client, bob):
    log_in(client)
    set_up(client)
    client.post("/admin/logout/")
    response = log_in(client, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "此账户使用两步登录" in response.content.decode()


def test_an_admin_sees_who_uses_it_and_resets_a_lost_phone(client, alice, bob):
    log_in(client)
    set_up(client)
    client.post("/admin/logout/")
    admin = client  # Alice sets up her own first, as every editor does
    log_in(admin, username="alice")
    set_up(admin)
    users = admin.get("/admin/auth/user/").content.decode()
    on = re.findall(r'<td class="field-two_step_login"><img [^>]*alt="(\w+)"', users)
    assert on == ["True", "True"]
    response = admin.post(
        "/admin/auth/user/",
        {"action": "reset_two_step_login", "_selected_action": [bob.pk]},
    )
    assert response.status_code == 302
    assert not two_factor.is_on(bob) and two_factor.is_on(alice)
    # The devices' own admin pages, which would show the secret keys, are not there.
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_command_resets_a_lost_phone(client, bob, capsys):
    log_in(client)
    set_up(client)
    call_command("reset-two-factor", "bob")
    assert not two_factor.is_on(bob)
    assert "set it up again at their next login" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("reset-two-factor", "nobody")
