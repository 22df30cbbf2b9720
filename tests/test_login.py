"""Editors' accounts: login is rate-limited and passwords must be strong."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PASSWORD


def attempt(client, password: str, username: str = "bob"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_an_editor_logs_in(client, bob):
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_wrong_password_is_refused(client, bob):
    response = attempt(client, "wrong password")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_guessing_locks_the_account_out_even_for_the_right_password(client, bob):
    for _ in range(5):
        attempt(client, "guess")
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "/admin/" not in response.get("Location", "")
    # Another person's login from another address is not affected.
    other = client.post(
        "/admin/login/?next=/admin/",
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.2",
    )
    assert other.status_code == 302


def test_the_lockout_is_told_in_the_editors_language(client, bob):
    for _ in range(5):
        attempt(client, "guess")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 429
    assert "账户已锁定：登录尝试次数过多。请稍后再试。" in response.content.decode()


def test_a_success_resets_the_count(client, bob):
    for _ in range(4):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short1!", "too short"),
        ("password12345", "too common"),
        ("839274619283746", "entirely numeric"),
        ("bob-example-org", "too similar"),
    ],
)
def test_weak_passwords_are_refused(bob, password, problem):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=bob)
    assert problem in " ".join(caught.value.messages)


def test_a_strong_password_is_accepted(bob):
    validate_password("kettle-arbitrary-lantern-1977", user=bob)
