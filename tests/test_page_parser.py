"""The page format: every layout the seed page uses, and every kind of malformed input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from unactions.formats.page import PageError, parse_page

EXPECTED = json.loads((Path(__file__).parent / "fixtures" / "seed-records.json").read_text())


def entry(**fields: str) -> str:
    """A minimal valid entry with some fields replaced, written one field per line."""
    lines = {
        "Date": "Date: | 4 December 2020 |",
        "Mechanism": "Mechanism: | Special Procedures (six mandates) |",
        "Action": "Action: | Press Release |",
        "Summary": "Summary: | The UN experts raised concerns. |",
    }
    lines.update(fields)
    return "\n".join(line for line in lines.values() if line) + "\n"


def one(text: str):
    records = parse_page(text).records
    assert len(records) == 1
    return records[0]


class TestSeedPage:
    def test_it_reads_22_records(self, seed_records):
        assert len(seed_records) == 22

    def test_every_record_matches_the_page_field_by_field(self, seed_records):
        for record, expected in zip(seed_records, EXPECTED, strict=True):
            actual = record.to_dict()
            for key in expected:
                assert actual[key] == expected[key], (expected["id"], key)

    def test_records_keep_the_page_order(self, seed_records):
        assert [r.date_text for r in seed_records[:3]] == [
            "16 December 2020",
            "4 December 2020",
            "24 November 2020",
        ]
        assert seed_records[-1].date == dt.date(2020, 3, 9)

    def test_ids_are_unique_and_stable(self, seed_text):
        first = [r.id for r in parse_page(seed_text).records]
        assert len(set(first)) == 22
        assert first == [r.id for r in parse_page(seed_text).records]
        assert "2020-12-04-chn-20-2020" in first

    def test_it_reads_the_preamble(self, seed_text):
        page = parse_page(seed_text)
        assert page.updated == "January 2021"
        assert page.introduction.startswith("This page provides summaries")
        assert page.introduction.endswith("Third Committee of the UN General Assembly.")


class TestLayouts:
    def test_field_and_value_on_one_line(self):
        assert one(entry(Action="Action: | Press Briefing |")).action == "Press Briefing"

    def test_value_on_the_line_after_the_field(self):
        record = one(entry(Mechanism="Mechanism: |\nThird Committee of the UN General Assembly |"))
        assert record.mechanism == "Third Committee of the UN General Assembly"
        assert record.body == "unga_third_committee"

    def test_value_over_several_lines(self):
        record = one(entry(Summary="Summary: |\nFirst line\nsecond line. |"))
        assert record.summary == "First line second line."

    def test_empty_text_between_bars(self):
        record = one(entry(Text="Text | |"))
        assert record.documents == [] and record.languages == []

    def test_text_with_nothing_after_it(self):
        text = entry(Text="Text |") + entry(Date="Date: | 3 May 2020 |")
        records = parse_page(text).records
        assert [r.documents for r in records] == [[], []]
        assert records[1].date == dt.date(2020, 5, 3)

    def test_text_in_several_languages(self):
        record = one(entry(Text="Text | English, Chinese, Spanish |"))
        assert record.languages == ["English", "Chinese", "Spanish"]
        assert [d.label for d in record.documents] == ["English", "Chinese", "Spanish"]
        assert record.documents[1].languages == ["Chinese"]

    def test_communication_reference(self):
        record = one(entry(Text="Text | CHN 20/2020 (English only) |"))
        assert record.communication_refs == ["CHN 20/2020"]
        assert record.languages == ["English"]
        assert record.documents[0].to_dict() == {
            "label": "CHN 20/2020",
            "languages": ["English"],
            "url": None,
        }
        assert record.id == "2020-12-04-chn-20-2020"

    def test_adopted_and_published_dates(self):
        record = one(entry(Date="Date: |\nAdopted on 1 May 2020, published on 2 September 2020 |"))
        assert record.date == dt.date(2020, 5, 1)
        assert record.published_date == dt.date(2020, 9, 2)
        assert record.date_text == "Adopted on 1 May 2020, published on 2 September 2020"

    @pytest.mark.parametrize(
        "mechanism, mandates, experts",
        [
            ("Special Procedures (six mandates, including the Special Rapporteur)", 6, None),
            ("Special Procedures (11 mandates including the Special Rapporteur)", 11, None),
            ("Special Procedures (30 mandates representing 50 experts)", 30, 50),
            ("UN Special Rapporteur on the situation of HRDs", None, None),
        ],
    )
    def test_mandate_counts_in_words_and_digits(self, mechanism, mandates, experts):
        record = one(entry(Mechanism=f"Mechanism: |\n{mechanism} |"))
        assert (record.mandates, record.experts) == (mandates, experts)

    def test_several_governments_in_one_action(self):
        record = one(
            entry(Action="Action: |\nJoint letter sent to the Chinese and Hong Kong governments |")
        )
        assert record.governments == ["China", "Hong Kong"]
        assert record.action_type == "other_letter"
        assert record.joint is True

    def test_entry_without_response(self):
        assert one(entry()).response is None

    def test_response_date_inside_a_sentence(self):
        record = one(
            entry(
                Response="Response by government: |\n28-page response received on 23 July "
                "2020 along with Annexes A, B, C, and D. |"
            )
        )
        assert record.response.date == dt.date(2020, 7, 23)
        assert record.response.text.startswith("28-page response")

    def test_response_languages(self):
        record = one(
            entry(
                Response="Response by government: |\n"
                "Response received on 28 December 2020 (Chinese and English) |"
            )
        )
        assert record.response.to_dict() == {
            "text": "Response received on 28 December 2020 (Chinese and English)",
            "date": "2020-12-28",
            "languages": ["Chinese", "English"],
        }

    def test_several_related_sources_on_one_line(self):
        record = one(
            entry(
                Sources="Related Sources: |\n"
                "Front Line Defenders, Urgent Appeal: Woman human rights defender He Fangmei "
                "disappeared for three months (8 January 2021) Joint Statement: Hold China "
                "Accountable at HRC42 for Persecuting Economic, Social and Cultural Rights "
                "Defenders (9 September 2019) |"
            )
        )
        assert [s.to_dict() for s in record.related_sources] == [
            {
                "publisher": "Front Line Defenders",
                "kind": "Urgent Appeal",
                "title": "Woman human rights defender He Fangmei disappeared for three months",
                "outlet": None,
                "date": "2021-01-08",
                "url": None,
            },
            {
                "publisher": None,
                "kind": "Joint Statement",
                "title": "Hold China Accountable at HRC42 for Persecuting Economic, Social and "
                "Cultural Rights Defenders",
                "outlet": None,
                "date": "2019-09-09",
                "url": None,
            },
        ]

    def test_defenders_named_in_the_summary(self):
        record = one(
            entry(
                Summary="Summary: |\nThe Working Group found the detention of health rights "
                "defenders and NGO workers Cheng Yuan, Liu Dazhi, and Wu Gejianxiong to be "
                "arbitrary. |"
            )
        )
        assert record.defenders == ["Cheng Yuan", "Liu Dazhi", "Wu Gejianxiong"]

    def test_officials_are_not_defenders(self):
        record = one(
            entry(
                Summary="Summary: |\nUN Human Rights chief Michelle Bachelet urged the "
                "release of 15 pro-democracy activists who were arrested. |"
            )
        )
        assert record.defenders == []

    def test_two_actions_on_one_day_get_different_ids(self):
        text = entry() + entry()
        assert [r.id for r in parse_page(text).records] == [
            "2020-12-04-special-procedures-press-release",
            "2020-12-04-special-procedures-press-release-2",
        ]

    def test_it_ignores_a_byte_order_mark_and_windows_line_ends(self):
        record = one("\ufeff" + entry().replace("\n", "\r\n"))
        assert record.summary == "The UN experts raised concerns."


class TestMalformedInput:
    def error(self, text: str) -> str:
        with pytest.raises(PageError) as caught:
            parse_page(text)
        return str(caught.value)

    def test_missing_date_between_entries(self):
        text = entry() + entry(Date="")
        message = self.error(text)
        assert "line 5, entry 1 (4 December 2020)" in message
        assert "'Mechanism' appears twice" in message
        assert "'Date:' line missing" in message

    def test_entry_without_a_date_at_the_start(self):
        message = self.error(entry(Date=""))
        assert message.startswith("line 1: field 'Mechanism' is outside an entry")

    def test_unreadable_date(self):
        message = self.error(entry() + entry(Date="Date: | 31 Febtember 2020 |"))
        assert "line 5, entry 2 (31 Febtember 2020): cannot read the date" in message

    def test_impossible_date(self):
        message = self.error(entry(Date="Date: | 31 February 2020 |"))
        assert (
            "line 1, entry 1 (31 February 2020): '31 February 2020' is not a real date" in message
        )

    def test_unknown_field(self):
        message = self.error(entry(Action="Action: | Press Release |\nOutcome: | Released |"))
        assert "line 4, entry 1 (4 December 2020): unknown field 'Outcome'" in message

    def test_text_outside_any_field(self):
        message = self.error(entry() + "a stray sentence\n")
        assert "line 5, entry 1 (4 December 2020): text outside any field" in message

    def test_missing_required_field(self):
        message = self.error(entry(Summary=""))
        assert "line 1, entry 1 (4 December 2020): missing 'Summary'" in message

    def test_every_problem_is_listed(self):
        text = entry(Date="Date: | someday |") + entry(Summary="", Date="Date: | 1 May 2020 |")
        with pytest.raises(PageError) as caught:
            parse_page(text)
        assert [p.line for p in caught.value.problems] == [1, 5]

    def test_no_entries(self):
        assert "no entries found" in self.error("just an introduction\n")
