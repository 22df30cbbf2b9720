"""Every change stored with who, when and what; diffs, revert, recovery after deletion."""

from __future__ import annotations

import copy

from unactions.records import history
from unactions.records.loader import load_records
from unactions.records.models import Action, ActionVersion

ACTION_ID = "2020-12-04-chn-20-2020"


def change_form(client, action: Action, **changes) -> dict:
    """The admin change form, filled as it loads, as the editor's browser sends it back."""
    page = client.get(f"/admin/records/action/{action.pk}/change/")
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        forms.append(management)
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def test_an_import_is_a_version_with_its_author(seeded):
    version = ActionVersion.objects.get(record_id=ACTION_ID)
    assert (version.number, version.kind) == (1, "created")
    assert version.data["summary"].startswith("The UN experts raised concerns")
    assert version.data["status"] == "published"


def test_an_edit_in_the_form_is_stored_with_who_and_what(client, seeded, bob):
    client.force_login(bob)
    action = Action.objects.get(record_id=ACTION_ID)
    data = change_form(client, action, summary="A corrected summary.")
    response = client.post(f"/admin/records/action/{action.pk}/change/", data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    previous, latest = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk")
    assert (latest.number, latest.kind, latest.author, latest.user) == (2, "updated", "bob", bob)
    assert [c.field for c in history.changes(previous.data, latest.data)] == ["summary"]


def test_the_history_page_shows_a_diff(client, seeded, bob, carol):
    records = [copy.deepcopy(r) for r in seeded]
    records[1].summary = "Corrected summary."
    load_records(records, user=bob)
    client.force_login(carol)
    action = Action.objects.get(record_id=ACTION_ID)
    html = client.get(f"/admin/records/action/{action.pk}/history/").content.decode()
    assert "Revision 2: updated" in html
    assert "<ins>Corrected summary.</ins>" in html
    assert "<del>The UN experts raised concerns" in html
    assert "Revert to revision" not in html  # a reviewer cannot revert


def test_revert_to_an_earlier_version(client, seeded, bob):
    records = [copy.deepcopy(r) for r in seeded]
    records[1].summary = "A mistaken edit."
    records[1].defenders = []
    load_records(records, user=bob)
    first = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk").first()
    client.force_login(bob)
    action = Action.objects.get(record_id=ACTION_ID)
    response = client.post(f"/admin/records/action/{action.pk}/revert/{first.pk}/")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.summary.startswith("The UN experts raised concerns")
    assert [d.name for d in action.defender_list()] == ["Qin Yongpei", "Chang Weiping"]
    latest = ActionVersion.objects.filter(record_id=ACTION_ID).first()
    assert (latest.kind, latest.comment) == ("reverted", "back to revision 1")
    assert latest.number == 3


def test_a_deleted_action_is_recovered_by_an_admin(client, seeded, alice, bob):
    client.force_login(bob)
    action = Action.objects.get(record_id=ACTION_ID)
    response = client.post(f"/admin/records/action/{action.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Action.objects.filter(record_id=ACTION_ID).exists()
    assert client.get("/actions/2020-12-04-chn-20-2020/").status_code == 404
    assert client.get("/admin/records/action/deleted/").status_code == 403

    client.force_login(alice)
    page = client.get("/admin/records/action/deleted/").content.decode()
    assert ACTION_ID in page
    deleted = ActionVersion.objects.get(record_id=ACTION_ID, kind="deleted")
    assert deleted.author == "bob"
    response = client.post(f"/admin/records/action/deleted/{deleted.pk}/recover/")
    assert response.status_code == 302
    recovered = Action.objects.get(record_id=ACTION_ID)
    assert [d.name for d in recovered.defender_list()] == ["Qin Yongpei", "Chang Weiping"]
    assert recovered.response.date.isoformat() == "2020-12-28"
    assert client.get("/actions/2020-12-04-chn-20-2020/").status_code == 200
    assert ACTION_ID not in client.get("/admin/records/action/deleted/").content.decode()
    kinds = list(
        ActionVersion.objects.filter(record_id=ACTION_ID)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "deleted", "recovered"]


def test_editorial_fields_are_part_of_the_history(seeded, bob):
    action = Action.objects.get(record_id=ACTION_ID)
    first = ActionVersion.objects.get(record_id=ACTION_ID)
    Action.objects.filter(pk=action.pk).update(status="draft", summary_zh="摘要")
    history.restore(first, user=bob)
    action.refresh_from_db()
    assert (action.status, action.summary_zh) == ("published", "")
