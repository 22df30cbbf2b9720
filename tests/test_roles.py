"""Who may do what: anonymous, reviewer, editor and admin against every editors' URL."""

from __future__ import annotations

import pytest

from unactions.records import models

ACTION_ID = "2020-12-04-chn-20-2020"


@pytest.fixture
def people(seeded, alice, bob, carol):
    return {"anonymous": None, "reviewer": carol, "editor": bob, "admin": alice}


def action_pk() -> int:
    return models.Action.objects.get(record_id=ACTION_ID).pk


def issue_pk() -> int:
    return models.Issue.objects.get(name="arbitrary detention").pk


# (method, url, who may) for each thing an editors' page lets a person do. "read" means
# reviewer, editor and admin; "edit" means editor and admin; "admin" means admin only.
GET_MATRIX = [
    ("/admin/", "read"),
    ("/admin/records/action/", "read"),
    ("/admin/records/action/{action}/change/", "read"),
    ("/admin/records/action/{action}/history/", "read"),
    ("/admin/records/action/export/csv/", "read"),
    ("/admin/records/action/export/xlsx/", "read"),
    ("/admin/records/action/export/json/", "read"),
    ("/admin/records/actionversion/", "read"),
    ("/admin/records/issue/", "read"),
    ("/admin/records/action/add/", "edit"),
    ("/admin/records/action/import/", "edit"),
    ("/admin/records/defender/add/", "edit"),
    ("/admin/records/issue/add/", "edit"),
    ("/admin/records/action/{action}/delete/", "edit"),
    ("/admin/records/action/deleted/", "admin"),
    ("/admin/records/issue/{issue}/delete/", "admin"),
    ("/admin/auth/user/", "admin"),
    ("/admin/auth/user/add/", "admin"),
]
ALLOWED = {
    "read": {"reviewer", "editor", "admin"},
    "edit": {"editor", "admin"},
    "admin": {"admin"},
}


@pytest.mark.parametrize("url, level", GET_MATRIX)
@pytest.mark.parametrize("who", ["anonymous", "reviewer", "editor", "admin"])
def test_get_matrix(client, people, who, url, level):
    if people[who]:
        client.force_login(people[who])
    response = client.get(url.format(action=action_pk(), issue=issue_pk()))
    if who == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif who in ALLOWED[level]:
        assert response.status_code == 200, (who, url, response.status_code)
    else:
        assert response.status_code == 403, (who, url, response.status_code)


def test_a_reviewer_sees_drafts_but_cannot_change_them(client, people):
    models.Action.objects.filter(record_id=ACTION_ID).update(status="draft")
    client.force_login(people["reviewer"])
    page = client.get(f"/admin/records/action/{action_pk()}/change/").content.decode()
    assert "Qin Yongpei" in page
    assert 'name="_save"' not in page  # a view-only form
    response = client.post(f"/admin/records/action/{action_pk()}/change/", {"summary": "x"})
    assert response.status_code == 403
    assert models.Action.objects.get(record_id=ACTION_ID).summary.startswith("The UN experts")


def test_an_editor_cannot_rename_or_merge_terms(client, people):
    client.force_login(people["editor"])
    response = client.post(
        f"/admin/records/issue/{issue_pk()}/change/",
        {"name": "renamed", "slug": "renamed"},
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/records/issue/",
        {"action": "merge_terms", "_selected_action": [issue_pk()]},
    )
    assert models.Issue.objects.filter(name="arbitrary detention").exists()


@pytest.mark.parametrize("who, allowed", [("reviewer", False), ("editor", True), ("admin", True)])
def test_who_may_revert(client, people, who, allowed):
    from unactions.records.models import ActionVersion

    version = ActionVersion.objects.filter(record_id=ACTION_ID).first()
    client.force_login(people[who])
    response = client.post(f"/admin/records/action/{action_pk()}/revert/{version.pk}/")
    assert (response.status_code == 302) is allowed
    if not allowed:
        assert response.status_code == 403


def test_the_public_has_no_account_and_sees_public_pages(client, people):
    assert client.get("/").status_code == 200
    assert client.get("/actions/2020-12-04-chn-20-2020/").status_code == 200
