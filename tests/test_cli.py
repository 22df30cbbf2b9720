"""The `unactions` command as a person runs it: a new process on a new database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def seed_file(tmp_path) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    return path


def test_parse_prints_the_records_without_a_database(run, seed_file, tmp_path):
    result = run("parse", str(seed_file))
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 22
    assert records[0]["date"] == "2020-12-16"
    assert not (tmp_path / "db").exists()


def test_import_creates_then_reports_unchanged(run, seed_file):
    first = run("import", str(seed_file))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "22 created, 0 updated, 0 unchanged"
    second = run("import", str(seed_file))
    assert second.stdout.strip() == "0 created, 0 updated, 22 unchanged"


def test_import_dry_run_stores_nothing(run, seed_file):
    result = run("import", "--dry-run", str(seed_file))
    assert (
        result.stdout.strip()
        == "Dry run, nothing stored: would be 22 created, 0 updated, 0 unchanged"
    )
    assert json.loads(run("export").stdout) == []


def test_export_of_a_reimported_export_is_identical(run, seed_file, tmp_path):
    run("import", str(seed_file))
    exported = tmp_path / "export.json"
    assert run("export", "--format", "json", "--output", str(exported)).returncode == 0
    other_db = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run("import", str(exported), DATABASE_URL=other_db).returncode == 0
    again = run("export", "--format", "json", DATABASE_URL=other_db)
    assert again.stdout == exported.read_text(encoding="utf-8")


def test_export_csv(run, seed_file):
    run("import", str(seed_file))
    lines = run("export", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("id,date,date_text,published_date,body,mechanism")
    assert len([line for line in lines if line.startswith("2020-")]) == 22


def test_seed_loads_the_sample_once(run):
    assert run("seed").stdout.strip() == "Sample data loaded: 22 created, 0 updated, 0 unchanged"
    assert "already holds actions" in run("seed").stdout


def test_parse_names_what_it_cannot_read(run, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_TEXT.replace("Date: | 13 August 2020 |", "Date: | 13 Agust 2020 |"))
    result = run("parse", str(broken))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{broken} cannot be read" in result.stderr  # it imports nothing, ever
    assert "line 66, entry 6 (13 Agust 2020): cannot read the date" in result.stderr
    assert result.stdout == ""


def test_malformed_page_imports_nothing(run, tmp_path, seed_file):
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_TEXT.replace("Date: | 13 August 2020 |", "Date: | 13 Agust 2020 |"))
    result = run("import", str(broken))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nothing was imported" in result.stderr
    assert "line 66, entry 6 (13 Agust 2020): cannot read the date" in result.stderr
    assert json.loads(run("export").stdout) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("import", "missing.txt"), "missing.txt: no such file"),
        (("parse",), "the following arguments are required: file"),
        (("export", "--format", "xml"), "invalid choice: 'xml'"),
        (
            ("export", "--output", "/no/such/folder/x.json"),
            "the folder /no/such/folder does not exist",
        ),
        (("frobnicate",), "Unknown command: 'frobnicate'"),
        (("build-site", "out", "--jobs", "0"), "--jobs 0: give at least 1"),
    ],
)
def test_bad_arguments_give_a_message_not_a_traceback(run, args, message):
    result = run(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_text(run, tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    result = run("import", str(binary))
    assert result.returncode == 1
    assert "not UTF-8 text" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_database_url(run):
    result = run("export", DATABASE_URL="mysqlx://nowhere")
    assert result.returncode == 1
    assert "DATABASE_URL is not understood" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database(run):
    result = run("export", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert "cannot prepare the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_locked_database_is_said_to_be_busy_with_nothing_changed(monkeypatch):
    """SQLite's "database is locked" (another process writing: an import, say; a real
    one is in test_bulk.py) is told to a person as such, whether the command met it
    preparing the database or storing; other database errors as they are."""
    from django.core.management.base import CommandError
    from django.db import OperationalError

    from unactions import cli
    from unactions.records.management.commands import _base

    locked = OperationalError("database is locked")
    assert cli._describe(locked).startswith("the database is busy")
    assert "nothing was changed" in cli._describe(locked)
    other = OperationalError("disk I/O error")
    assert cli._describe(other) == "the database failed: disk I/O error"

    def migrate(*args, **kwargs):
        raise locked

    monkeypatch.setattr(_base, "call_command", migrate)
    with pytest.raises(CommandError, match="the database is busy"):
        _base.ensure_database()


def test_import_and_export_spreadsheets(run, seed_file, tmp_path):
    import sqlite3

    run("import", str(seed_file))
    workbook = tmp_path / "all.xlsx"
    assert run("export", "--format", "xlsx", "--output", str(workbook)).returncode == 0
    table = tmp_path / "all.csv"
    table.write_text(run("export", "--format", "csv").stdout, encoding="utf-8")
    other_db = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert (
        run("import", str(workbook), DATABASE_URL=other_db).stdout.strip()
        == "22 created, 0 updated, 0 unchanged"
    )
    assert (
        run("import", str(table), DATABASE_URL=other_db).stdout.strip()
        == "0 created, 0 updated, 22 unchanged"
    )
    authors = (
        sqlite3.connect(tmp_path / "other.sqlite3")
        .execute("SELECT DISTINCT author, comment FROM records_actionversion")
        .fetchall()
    )
    assert len(authors) == 1 and authors[0][0].endswith("(command line)")
    assert authors[0][1] == "unactions import all.xlsx"


def test_an_xlsx_export_needs_a_file(run, seed_file):
    result = run("export", "--format", "xlsx")
    assert result.returncode == 1
    assert "an XLSX export needs --output FILE" in result.stderr


def test_import_as_drafts_keeps_them_off_the_public_site(run, seed_file, tmp_path):
    import sqlite3

    assert run("import", "--as-drafts", str(seed_file)).returncode == 0
    statuses = (
        sqlite3.connect(tmp_path / "db" / "tracker.sqlite3")
        .execute("SELECT status, count(*) FROM records_action GROUP BY status")
        .fetchall()
    )
    assert statuses == [("draft", 22)]


def test_create_token(run, tmp_path):
    import sqlite3

    run("export")  # creates the database
    db = sqlite3.connect(tmp_path / "db" / "tracker.sqlite3")
    db.execute(
        "INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, "
        "first_name, last_name, email, date_joined) VALUES ('bob', '!', 0, 1, 1, '', '', '', '2026-01-01')"
    )
    db.commit()
    result = run("create-token", "bob", "--name", "scripts")
    assert result.returncode == 0 and result.stdout.startswith("ua_")
    assert db.execute("SELECT name FROM api_apitoken").fetchall() == [("scripts",)]
    assert "no user 'nobody'" in run("create-token", "nobody").stderr


def test_build_site_writes_the_site_quietly_when_piped(run, seed_file, tmp_path):
    run("import", str(seed_file))
    result = run("build-site", str(tmp_path / "public"), "--base-url", "https://example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote ") and " pages and " in result.stdout
    assert result.stderr == ""
    assert (tmp_path / "public" / "actions" / "2020-12-04-chn-20-2020" / "index.html").is_file()
    bad = run("build-site", str(tmp_path / "x"), "--base-url", "example.org")
    assert bad.returncode == 1 and "the site was not written" in bad.stderr


def test_import_is_quiet_when_piped(run, seed_file):
    result = run("import", str(seed_file))
    assert result.stderr == ""


def test_a_json_file_with_problems_imports_nothing_and_lists_them_all(run, tmp_path):
    from unactions.formats import jsonfile
    from unactions.formats.page import parse_page

    records = parse_page(SEED_TEXT).records
    records[20].body = "parliament"
    text = jsonfile.dumps(records)
    broken = tmp_path / "broken.json"
    broken.write_text(text[: text.rindex("}")])  # cut short: the array is not closed
    result = run("import", str(broken))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "nothing was imported" in result.stderr
    assert "not valid JSON" in result.stderr
    assert f"record 21 ({records[20].id}): unknown body 'parliament'" in result.stderr
    assert json.loads(run("export").stdout) == []


def test_chinese_names_from_a_file_kept_unless_replaced_and_a_bad_file_names_nothing(
    run, seed_file, tmp_path
):
    import json

    assert run("import", str(seed_file)).returncode == 0
    names = tmp_path / "names.json"
    names.write_text(
        json.dumps(
            {"defender": {"Yu Wensheng": "余文生", "Nobody Here": "无名"}, "issue": {"tibet": "藏"}}
        ),
        encoding="utf-8",
    )
    result = run("chinese-names", str(names))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 named in Chinese; 1 not found: defender 'Nobody Here'"
    names.write_text(json.dumps({"issue": {"tibet": "西藏"}}), encoding="utf-8")
    assert run("chinese-names", str(names)).stdout.strip() == (
        "0 named in Chinese; 1 already named, kept (--replace replaces them)"
    )
    assert run("chinese-names", str(names), "--replace").stdout.strip() == "1 named in Chinese"

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"issue": {"tibet": "", "xinjiang": "新疆"}, "country": {"China": "中国"}}),
        encoding="utf-8",
    )
    result = run("chinese-names", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bad.json: nothing was named" in result.stderr
    assert "issue 'tibet': the Chinese name is not text, or empty" in result.stderr
    assert "unknown kind 'country'" in result.stderr
    bad.write_text('{"issue": {"tibet": "西藏",}}', encoding="utf-8")
    result = run("chinese-names", str(bad))
    assert "line 1: not JSON" in result.stderr and "Traceback" not in result.stderr
    # Nothing of the bad files was stored; the search text holds what the good one named.
    check = run(
        "shell",
        "-v",
        "0",
        "-c",
        "from unactions.records.models import Issue, Action; "
        "print(Issue.objects.get(name='xinjiang').name_zh or '-', "
        "Issue.objects.get(name='tibet').name_zh, "
        "Action.objects.filter(search_document__contains='余').count())",
    )
    assert check.stdout.split() == ["-", "西藏", "1"], check.stderr
