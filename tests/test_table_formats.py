"""CSV and Excel files: what export writes, import reads back; errors name row and column."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from unactions.formats import csvfile, xlsxfile
from unactions.formats.errors import RecordsError
from unactions.formats.read import detect_format, parse_file, parse_records


def test_csv_round_trip(seed_records):
    assert csvfile.loads(csvfile.dumps(seed_records)) == seed_records


def test_xlsx_round_trip(seed_records):
    data = xlsxfile.dumps(seed_records)
    assert xlsxfile.loads(data) == seed_records
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == "id" and sheet["A3"].value == "2020-12-04-chn-20-2020"


def test_a_bad_cell_names_its_row_and_column(seed_records):
    text = csvfile.dumps(seed_records).replace(
        ",2020-12-04,4 December 2020,", ",4/12/2020,4 December 2020,"
    )
    with pytest.raises(RecordsError) as caught:
        csvfile.loads(text)
    assert (
        "line 3, row 3 (2020-12-04-chn-20-2020): 'date' must be a date written YYYY-MM-DD"
        in str(caught.value)
    )


def test_a_bad_number_and_a_bad_flag(seed_records):
    lines = csvfile.dumps(seed_records[1:2]).splitlines()
    bad = (
        lines[1]
        .replace(",6,,allegation_letter,", ",six,,allegation_letter,")
        .replace(",true,China,", ",maybe,China,")
    )
    with pytest.raises(RecordsError) as caught:
        csvfile.loads(lines[0] + "\n" + bad + "\n")
    assert "column 'mandates': 'six' is not a whole number" in str(caught.value)


def test_missing_and_unknown_columns():
    with pytest.raises(RecordsError) as caught:
        csvfile.loads("id,date,colour\nx,2020-01-01,red\n")
    message = str(caught.value)
    assert message.startswith("line 1: missing column(s): date_text, published_date")
    assert "unknown column(s): colour" in message


def test_an_xlsx_that_is_not_a_workbook():
    with pytest.raises(RecordsError, match="not an Excel workbook"):
        xlsxfile.loads(b"PK\x03\x04 broken zip")


def test_blank_rows_are_skipped(seed_records):
    text = csvfile.dumps(seed_records[:2]) + ",,,,,,,,,,,,,,,,,,,,\n"
    assert len(csvfile.loads(text)) == 2


@pytest.mark.parametrize(
    "name, start, format",
    [
        ("actions.csv", b"", "csv"),
        ("ACTIONS.XLSX", b"", "xlsx"),
        ("export.json", b"", "json"),
        ("page.txt", b"", "page"),
        ("upload", b"PK\x03\x04", "xlsx"),
        ("upload", b"\n  [{", "json"),
        ("upload", b"id,date,date_text,published_date", "csv"),
        ("upload", b"updated January 2021\nDate: |", "page"),
    ],
)
def test_the_format_is_told_by_name_or_content(name, start, format):
    assert detect_format(name, start) == format


def test_every_format_reads_the_same_records(seed_text, seed_records):
    from unactions.formats import jsonfile

    assert parse_records(seed_text.encode(), "page.txt") == seed_records
    assert parse_records(jsonfile.dumps(seed_records).encode(), "x.json") == seed_records
    assert parse_records(csvfile.dumps(seed_records).encode("utf-8-sig"), "x.csv") == seed_records
    assert parse_records(xlsxfile.dumps(seed_records), "x.xlsx") == seed_records


def test_a_file_is_read_as_its_bytes_are(seed_text, seed_records, tmp_path):
    # The command line reads a text file as text alone (read.parse_file), an upload
    # from its bytes: the same records either way, whatever the name says or not.
    from unactions.formats import jsonfile

    files = {
        "page.txt": seed_text.encode(),
        "x.json": jsonfile.dumps(seed_records).encode(),
        "x.csv": csvfile.dumps(seed_records).replace("\n", "\r\n").encode("utf-8-sig"),
        "x.xlsx": xlsxfile.dumps(seed_records),
        "upload": b"\xef\xbb\xbf\n  " + jsonfile.dumps(seed_records).encode(),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert parse_file(path) == parse_records(data, name) == seed_records, name


@pytest.mark.parametrize(
    "name, data",
    [
        ("bad.json", b'[\n{"id": "a"},\n"\xff"\n]'),
        # Read a row at a time: the bad byte comes up after the header and a row.
        ("bad.csv", b"id,date\nx,y\n\xff,z\n"),
    ],
)
def test_a_file_that_is_not_utf8_says_where(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RecordsError) as caught:
        parse_file(path)
    byte = data.index(b"\xff") + 1
    assert str(caught.value) == f"line 3: {path}: not UTF-8 text (byte {byte})"
    with pytest.raises(RecordsError, match="is a folder, not a file"):
        parse_file(tmp_path)


@pytest.mark.parametrize("name", ["x.json", "x.csv"])
def test_a_file_is_read_as_its_records_are_taken(seed_records, tmp_path, name):
    """`open_records` reads JSON and CSV as their records are taken (an import stores
    a chunk before reading on), and says how much of the file it has read."""
    from dataclasses import replace

    from unactions.formats import jsonfile
    from unactions.formats.read import open_records

    many = [replace(r, id=f"{r.id}-{i}") for i in range(150) for r in seed_records]
    path = tmp_path / name
    path.write_text(jsonfile.dumps(many) if name == "x.json" else csvfile.dumps(many))
    with open_records(path) as (records, read):
        assert read() == 0
        assert next(records) == many[0]
        assert 0 < read() < 0.25
        assert list(records) == many[1:]
        assert read() == 1


def test_a_problem_is_raised_once_the_file_is_read(seed_records, tmp_path):
    from unactions.formats import jsonfile
    from unactions.formats.read import open_records

    seed_records[20].date_text = 7
    path = tmp_path / "x.json"
    path.write_text(jsonfile.dumps(seed_records))
    taken = []
    with pytest.raises(RecordsError, match="record 21 .*date_text"):
        with open_records(path) as (records, _):
            taken.extend(records)
    assert taken == seed_records[:20] + seed_records[21:]
