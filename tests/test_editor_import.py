"""Bulk import in the browser: preview, confirm, errors, likely duplicates; editors' export."""

from __future__ import annotations

import copy
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import SEED_TEXT
from unactions.editors.models import PendingImport
from unactions.formats import csvfile, jsonfile, xlsxfile
from unactions.records.models import Action, ActionVersion

URL = "/admin/records/action/import/"


def upload(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_the_preview_stores_nothing(client, db, bob):
    client.force_login(bob)
    response = upload(client, "china-2020.txt", SEED_TEXT.encode())
    assert response.status_code == 200
    html = response.content.decode()
    assert "22 to create, 0 to update, 0 unchanged." in html
    assert html.count('<tr class="created">') == 22
    assert Action.objects.count() == 0


def test_confirming_imports_everything_with_its_author(client, db, bob):
    client.force_login(bob)
    upload(client, "china-2020.txt", SEED_TEXT.encode())
    pending = PendingImport.objects.get()
    response = client.post(URL, {"pending": pending.pk, "confirm": "Confirm"}, follow=True)
    assert (
        "Imported china-2020.txt: 22 created, 0 updated, 0 unchanged." in response.content.decode()
    )
    assert Action.objects.count() == 22
    version = ActionVersion.objects.filter(record_id="2020-12-04-chn-20-2020").get()
    assert (version.user, version.comment) == (bob, "import of china-2020.txt")
    assert not PendingImport.objects.exists()


def test_errors_are_listed_by_line_and_nothing_is_stored(client, db, bob):
    client.force_login(bob)
    broken = SEED_TEXT.replace("Date: | 13 August 2020 |", "Date: | 13 Agust 2020 |").replace(
        "Action: | Opinion |", "Outcome: | Opinion |", 1
    )
    response = upload(client, "broken.txt", broken.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported from broken.txt" in html
    assert "line 66, entry 6 (13 Agust 2020): cannot read the date" in html
    assert "unknown field &#x27;Outcome&#x27;" in html
    assert Action.objects.count() == 0
    assert not PendingImport.objects.exists()


def test_a_file_with_nothing_new_says_so_without_a_preview(client, seeded, bob):
    client.force_login(bob)
    response = upload(client, "china-2020.txt", SEED_TEXT.encode())
    html = response.content.decode()
    assert "Nothing to import from china-2020.txt: its 22 actions are stored as they are." in html
    assert "Confirm the import" not in html
    assert 'type="file"' in html  # the form, for another file
    assert not PendingImport.objects.exists()
    html = upload(client, "empty.json", b"[]").content.decode()
    assert "Nothing to import from empty.json: it holds no action." in html
    assert not PendingImport.objects.exists()


def test_a_file_too_large_is_refused_on_its_row(client, db, bob, monkeypatch):
    from unactions.editors import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD", 1000)
    client.force_login(bob)
    response = upload(client, "china-2020.txt", SEED_TEXT.encode())
    assert response.status_code == 200
    html = response.content.decode()
    # The admin's layout: the problem on the row of the field it concerns.
    row = html[html.index('<div class="form-row errors field-file">') :]
    assert row.index("The file is larger than 20 MB.") < row.index('type="file"')
    assert Action.objects.count() == 0
    assert not PendingImport.objects.exists()


def test_a_spreadsheet_with_one_change(client, seeded, bob):
    records = copy.deepcopy(seeded)
    records[2].summary = "A corrected summary."
    client.force_login(bob)
    html = upload(client, "fixed.xlsx", xlsxfile.dumps(records)).content.decode()
    assert "0 to create, 1 to update, 21 unchanged." in html
    client.post(URL, {"pending": PendingImport.objects.get().pk, "confirm": "Confirm"})
    assert Action.objects.get(record_id=records[2].id).summary == "A corrected summary."


def test_likely_duplicates_are_flagged_and_can_be_merged(client, seeded, bob):
    copy_of_letter = copy.deepcopy(seeded[1])
    copy_of_letter.id = "2020-12-04-letter-on-qin-yongpei"
    copy_of_letter.summary = copy_of_letter.summary.replace("The UN experts", "UN experts")
    copy_of_letter.response.text = "Response received on 28 December 2020 (Chinese, English)"
    new_action = copy.deepcopy(seeded[0])
    new_action.id = "2021-01-05-new"
    new_action.date = new_action.date.replace(year=2021, month=1, day=5)
    new_action.summary = "Something else entirely happened."
    client.force_login(bob)
    html = upload(
        client, "more.json", jsonfile.dumps([copy_of_letter, new_action]).encode()
    ).content.decode()
    assert "2 to create, 0 to update, 0 unchanged." in html
    assert (
        "same date and mechanism; same communication reference CHN 20/2020; near-identical summary"
        in html
    )
    assert 'name="merge-2021-01-05-new"' not in html
    response = client.post(
        URL,
        {
            "pending": PendingImport.objects.get().pk,
            "confirm": "Confirm",
            "merge-2020-12-04-letter-on-qin-yongpei": "2020-12-04-chn-20-2020",
        },
        follow=True,
    )
    assert "1 created, 1 updated, 0 unchanged" in response.content.decode()
    assert not Action.objects.filter(record_id="2020-12-04-letter-on-qin-yongpei").exists()
    merged = Action.objects.get(record_id="2020-12-04-chn-20-2020")
    assert merged.response.text == "Response received on 28 December 2020 (Chinese, English)"


def test_nobody_confirms_anothers_upload(client, db, bob, alice):
    client.force_login(bob)
    upload(client, "china-2020.txt", SEED_TEXT.encode())
    client.force_login(alice)
    response = client.post(URL, {"pending": PendingImport.objects.get().pk, "confirm": "Confirm"})
    assert response.status_code == 404
    assert Action.objects.count() == 0


def test_the_editors_export_includes_drafts(client, seeded, carol):
    Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
    client.force_login(carol)
    data = json.loads(client.get("/admin/records/action/export/json/").getvalue())
    assert len(data) == 22
    rows = csvfile.loads(client.get("/admin/records/action/export/csv/").getvalue().decode())
    assert len(rows) == 22
    workbook = client.get("/admin/records/action/export/xlsx/")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(xlsxfile.loads(workbook.getvalue())) == 22
    assert client.get("/admin/records/action/export/pdf/").status_code == 404


def test_new_actions_can_be_imported_as_drafts(client, db, bob):
    client.force_login(bob)
    client.post(URL, {"file": SimpleUploadedFile("x.txt", SEED_TEXT.encode()), "as_drafts": "on"})
    client.post(URL, {"pending": PendingImport.objects.get().pk, "confirm": "Confirm"})
    assert Action.objects.filter(status="draft").count() == 22
    assert "0 actions" in client.get("/").content.decode()


def test_a_new_action_in_the_form_starts_as_a_draft(client, db, bob):
    client.force_login(bob)
    form = client.get("/admin/records/action/add/").context["adminform"].form
    assert form["status"].value() == "draft"
