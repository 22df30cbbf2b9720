"""No lost update: of two editors saving the same action, the second gets a conflict."""

from __future__ import annotations

from tests.test_history import ACTION_ID, change_form
from unactions.records.models import Action, ActionVersion


def test_the_second_save_is_refused_with_what_changed(client, seeded, alice, bob):
    action = Action.objects.get(record_id=ACTION_ID)
    client.force_login(alice)
    alices_form = change_form(client, action, summary="Alice's summary.")
    client.force_login(bob)
    bobs_form = change_form(client, action, summary="Bob's summary.", mandates=7)

    client.force_login(alice)
    assert client.post(f"/admin/records/action/{action.pk}/change/", alices_form).status_code == 302

    client.force_login(bob)
    response = client.post(f"/admin/records/action/{action.pk}/change/", bobs_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This action was changed while you were editing it, by" in html
    assert "alice (" in html
    assert "your changes were NOT saved" in html
    assert "<li><strong>summary</strong>: The UN experts raised concerns" in html
    assert "→ Alice&#x27;s summary.</li>" in html

    action.refresh_from_db()
    assert action.summary == "Alice's summary."
    assert action.mandates == 6
    assert ActionVersion.objects.filter(record_id=ACTION_ID).count() == 2


def test_saving_again_after_reloading_works(client, seeded, alice, bob):
    action = Action.objects.get(record_id=ACTION_ID)
    client.force_login(alice)
    client.post(
        f"/admin/records/action/{action.pk}/change/",
        change_form(client, action, summary="Alice's."),
    )
    client.force_login(bob)
    fresh = change_form(client, action, mandates=7)
    assert client.post(f"/admin/records/action/{action.pk}/change/", fresh).status_code == 302
    action.refresh_from_db()
    assert (action.summary, action.mandates, action.revision) == ("Alice's.", 7, 3)


def test_an_import_in_between_also_counts(client, seeded, bob):
    import copy

    from unactions.records.loader import load_records

    action = Action.objects.get(record_id=ACTION_ID)
    client.force_login(bob)
    form = change_form(client, action, summary="Bob's.")
    records = [copy.deepcopy(r) for r in seeded]
    records[1].summary = "Imported correction."
    load_records(records, author="root (command line)")
    response = client.post(f"/admin/records/action/{action.pk}/change/", form)
    assert response.status_code == 200
    assert "root (command line)" in response.content.decode()
    action.refresh_from_db()
    assert action.summary == "Imported correction."


def test_a_new_inline_row_goes_last(client, seeded, bob):
    from unactions.records.models import Defender

    action = Action.objects.get(record_id=ACTION_ID)
    yu = Defender.objects.get(name="Yu Wensheng")
    client.force_login(bob)
    form = change_form(client, action)
    form["defender_links-TOTAL_FORMS"] = 3
    form["defender_links-2-defender"] = yu.pk
    form["defender_links-2-action"] = action.pk
    assert client.post(f"/admin/records/action/{action.pk}/change/", form).status_code == 302
    action = Action.objects.with_record().get(pk=action.pk)
    assert [d.name for d in action.defender_list()] == [
        "Qin Yongpei",
        "Chang Weiping",
        "Yu Wensheng",
    ]
    assert client.get("/?q=Wensheng").content.decode().count('class="action"') == 2
