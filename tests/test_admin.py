"""The Django admin: an editor can list and open every kind of record."""

from __future__ import annotations

import pytest

from unactions.records import models

MODELS = [
    "action",
    "mechanism",
    "government",
    "issue",
    "region",
    "defender",
    "document",
    "response",
    "relatedsource",
]


@pytest.fixture
def editor_client(client, seeded, django_user_model):
    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "pw-long-enough-1"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_changelist(editor_client, model):
    assert editor_client.get(f"/admin/records/{model}/").status_code == 200


def test_an_action_opens_for_editing(editor_client):
    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    response = editor_client.get(f"/admin/records/action/{action.pk}/change/")
    assert response.status_code == 200
    assert "Qin Yongpei" in response.content.decode()


def test_the_admin_requires_login(client, seeded):
    response = client.get("/admin/records/action/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
