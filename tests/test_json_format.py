"""Reading JSON records back, with errors that name the record and the key."""

from __future__ import annotations

import io
import json

import pytest

from unactions.formats import jsonfile
from unactions.formats.errors import RecordsError


def records_json(seed_records) -> list[dict]:
    return [r.to_dict() for r in seed_records]


def test_it_reads_what_it_writes(seed_records):
    assert jsonfile.loads(jsonfile.dumps(seed_records)) == seed_records


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: r.update(date="4 Dec"),
            "record 2 (2020-12-04-chn-20-2020): 'date' must be a date written YYYY-MM-DD",
        ),
        (lambda r: r.pop("summary"), "record 2 (2020-12-04-chn-20-2020): missing key 'summary'"),
        (lambda r: r.update(colour="red"), "unknown key 'colour'"),
        (lambda r: r.update(issues="torture"), "'issues' must be a list of strings"),
        (lambda r: r.update(joint="yes"), "'joint' must be true or false"),
        (
            lambda r: r["response"].update(date="2020-13-01"),
            "'response.date': '2020-13-01' is not a real date",
        ),
        (lambda r: r["related_sources"][1].pop("title"), "missing key 'related_sources[1].title'"),
        (
            lambda r: r.update(summary="a \ud83d alone"),
            "'summary' holds half of a character (\\ud83d, a surrogate without its pair)",
        ),
        (lambda r: r.update(issues=["torture", "\udc00"]), "'issues' holds half of a character"),
    ],
)
def test_bad_records_are_named(seed_records, change, message):
    data = records_json(seed_records)
    change(data[1])
    with pytest.raises(RecordsError) as caught:
        jsonfile.loads(json.dumps(data))
    assert message in str(caught.value)


def test_invalid_json_gives_the_line():
    with pytest.raises(RecordsError) as caught:
        jsonfile.loads('[\n{"id": 1,,}\n]')
    assert str(caught.value).startswith("line 2: not valid JSON")


@pytest.mark.parametrize("document", ['{"id": "x"}', "1", ' "text" ', "null"])
def test_an_object_instead_of_an_array(document):
    with pytest.raises(RecordsError, match="expected a JSON array"):
        jsonfile.loads(document)


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        " [ ]\r\n",
        "[[1, 2], [3]]",
        '["\\u4e2d", {"x": [1, {"y": null}]}]',
        "[1,\n2,\r\n 3 ]\n",
        "",
        "  ",
        "[",
        "[1,]",
        "[,1]",
        "[1 2]",
        "[1] x",
        "[1]]",
        '[{"id": 1}',
        '[\n{"id": 1,,}\n]',
        "[1,\n\n  ,2]",
        '[12345, 6.25e3, true, null, "a\\\\\\"b"]',
        '[\n  {"id": "a", "x": [1, 2]},\n  {"id": "b"}\n]\n',
        '[\n  {"id": "a"},\n  {"id": "b" "c"}\n]',
        "\n\n   {1: 2}",
        "[1]\n\n  ]",
        "[6.]",
        "[1e, 2]",
        "[-]",
        "[01]",
        "[truee]",
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 1 << 20])
def test_an_array_is_read_as_json_reads_it(document, size):
    # The array is read a piece of `size` characters at a time and decoded an element
    # at a time (jsonfile._elements): the same values as json.loads gives, or the same
    # error at the same line and column, wherever the pieces end.
    def elements():
        return list(jsonfile._elements(io.StringIO(document), size))

    try:
        expected = json.loads(document)
    except json.JSONDecodeError as error:
        with pytest.raises(json.JSONDecodeError) as caught:
            elements()
        found = caught.value
        assert (found.msg, found.lineno, found.colno) == (error.msg, error.lineno, error.colno)
    else:
        if isinstance(expected, list):
            assert elements() == expected
        else:
            with pytest.raises(RecordsError, match="expected a JSON array"):
                elements()


@pytest.mark.parametrize("size", [1, 13, 4096])
def test_an_export_is_read_whatever_the_pieces(seed_records, size):
    text = jsonfile.dumps(seed_records)
    assert list(jsonfile._elements(io.StringIO(text), size)) == json.loads(text)
