"""Every change stored with who, when and what; diffs, revert, recovery after deletion."""

from __future__ import annotations

import copy

import pytest
from django.db import transaction

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
    # Its data is the action itself until the action changes (not written twice).
    assert version.data is None
    data = history.data_of(version)
    assert data["summary"].startswith("The UN experts raised concerns")
    assert data["status"] == "published"


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
    history.keep([action.pk])  # as whatever changes an action does first
    Action.objects.filter(pk=action.pk).update(status="draft", summary_zh="摘要")
    history.restore(first, user=bob)
    action.refresh_from_db()
    assert (action.status, action.summary_zh) == ("published", "")


def first_version(record_id: str = ACTION_ID) -> ActionVersion:
    return ActionVersion.objects.filter(record_id=record_id).order_by("pk")[0]


def test_a_loads_first_version_is_written_out_before_the_action_changes(seeded, client, bob):
    """A load's first versions hold no copy of the action while it is unchanged; what
    changes it writes the copy out first, so that version still shows the action as the
    load left it. Here a document edited on its own; the action form, an import, a
    term's rename and merge, a deletion and a revert are tested beside their own."""
    original = history.data_of(first_version())
    assert first_version().data is None
    client.force_login(bob)
    action = Action.objects.get(record_id=ACTION_ID)
    document = action.documents.first()
    response = client.post(
        f"/admin/records/document/{document.pk}/change/",
        {"action": action.pk, "position": 0, "label": "Renamed letter", "url": document.url or ""},
    )
    assert response.status_code == 302
    assert first_version().data == original
    versions = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk")
    changes = history.changes(versions[0].data, versions[1].data)
    assert [c.field for c in changes] == ["documents"]


def test_deleting_an_action_keeps_its_first_version(seeded, bob):
    action = Action.objects.get(record_id=ACTION_ID)
    original = history.data_of(first_version())
    history.delete_with_history(action, user=bob)
    first, deleted = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk")
    assert (first.data, first.action) == (original, None)
    assert deleted.kind == "deleted"


def test_a_change_that_did_not_keep_the_first_version_is_refused(seeded):
    """Whatever changes an action must write out its first version before: a new
    version over one not written out is refused, and the transaction rolls back."""
    action = Action.objects.get(record_id=ACTION_ID)
    with pytest.raises(RuntimeError, match="history.keep"), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(summary="Changed behind history's back.")
        history.record_version(action, ActionVersion.Kind.UPDATED)
    assert Action.objects.get(pk=action.pk).summary == action.summary
    assert list(ActionVersion.objects.filter(record_id=ACTION_ID).values_list("kind")) == [
        ("created",)
    ]


def test_a_version_not_yet_written_out_shows_the_action_in_the_admin(client, seeded, bob):
    client.force_login(bob)
    version = first_version()
    assert version.data is None
    html = client.get(f"/admin/records/actionversion/{version.pk}/change/").content.decode()
    assert "The UN experts raised concerns" in html


def test_documents_deleted_from_their_list_change_their_actions_history(seeded, client, bob):
    """Deleting documents from the documents' list (Django's bulk delete) writes out the
    first versions of their actions, and gives each a version without them."""
    client.force_login(bob)
    action = Action.objects.get(record_id=ACTION_ID)
    original = history.data_of(first_version())
    documents = list(action.documents.values_list("pk", flat=True))
    assert documents
    response = client.post(
        "/admin/records/document/",
        {"action": "delete_selected", "_selected_action": documents, "post": "yes"},
    )
    assert response.status_code == 302
    first, latest = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk")
    assert first.data == original
    assert (latest.kind, latest.author, latest.comment) == ("updated", "bob", "document edited")
    assert latest.data["documents"] == [] != original["documents"]


def test_a_document_moved_to_another_action_changes_both(seeded, client, bob):
    client.force_login(bob)
    source = Action.objects.get(record_id=ACTION_ID)
    target = Action.objects.exclude(pk=source.pk).order_by("pk").first()
    original = history.data_of(first_version())
    document = source.documents.first()
    response = client.post(
        f"/admin/records/document/{document.pk}/change/",
        {"action": target.pk, "position": 9, "label": document.label, "url": document.url or ""},
    )
    assert response.status_code == 302
    for action in (source, target):
        versions = ActionVersion.objects.filter(record_id=action.record_id).order_by("pk")
        assert [(v.kind, v.comment) for v in versions] == [
            ("created", ""),
            ("updated", "document edited"),
        ]
    first, moved = ActionVersion.objects.filter(record_id=ACTION_ID).order_by("pk")
    assert first.data == original
    assert len(moved.data["documents"]) == len(original["documents"]) - 1
