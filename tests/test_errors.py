"""A request that fails: 503 with Retry-After while the database is locked (a first
large load writing without its log, say: test_bulk.py), the usual 500 otherwise; JSON on
the API's addresses. Neither shows what failed."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client


def _failing(message: str):
    def execute(execute, sql, params, many, context):
        raise OperationalError(message)

    return execute


@pytest.fixture
def visitor():
    # As a server answers: the error handled by Django, not raised into the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/", "/zh-hans/", "/statistics/", "/admin/records/action/"])
def test_a_page_that_finds_the_database_locked_says_to_come_back(seeded, visitor, bob, path):
    visitor.force_login(bob)  # the editors' pages too; the public ones take no account
    with connection.execute_wrapper(_failing("database is locked")):
        response = visitor.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "try again in a minute" in page and "请一分钟后再试" in page
    assert "database is locked" not in page and "Traceback" not in page


def test_the_api_answers_in_json_locked_or_failed(seeded, visitor):
    with connection.execute_wrapper(_failing("database is locked")):
        response = visitor.get("/api/v1/actions", {"q": "detention"})
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["error"]["status"] == 503
    with connection.execute_wrapper(_failing("disk I/O error")):
        response = visitor.get("/api/v1/actions")
    assert response.status_code == 500 and "Retry-After" not in response
    assert response.json()["error"]["message"].startswith("the server failed")
    assert "disk I/O" not in response.content.decode()


def test_any_other_error_is_the_usual_server_error(seeded, visitor):
    with connection.execute_wrapper(_failing("disk I/O error")):
        response = visitor.get("/")
    assert response.status_code == 500 and "Retry-After" not in response
    page = response.content.decode()
    assert "Something went wrong" in page and "disk I/O" not in page
