"""Facets: AND across facets, OR within one, counts against hand-counted seed figures."""

from __future__ import annotations

from unactions.records import models
from unactions.records.query import ActionQuery, facet_counts, find_actions


def counts(params: dict | None = None) -> dict[str, dict[str, int]]:
    query = ActionQuery.from_params(params or {})
    return {f.key: {v.value: v.count for v in f.values} for f in facet_counts(query)}


def found(params: dict) -> list[str]:
    return [a.record_id for a in find_actions(ActionQuery.from_params(params))]


def test_body_counts(seeded):
    assert counts()["body"] == {
        "special_procedures": 18,
        "ohchr": 2,
        "treaty_body": 1,
        "unga_third_committee": 1,
    }


def test_action_type_counts(seeded):
    assert counts()["type"] == {
        "press_release": 6,
        "allegation_letter": 5,
        "urgent_appeal": 3,
        "other_letter": 3,
        "opinion": 2,
        "joint_statement": 1,
        "follow_up_review": 1,
        "press_briefing": 1,
    }


def test_mechanism_counts(seeded):
    assert counts()["mechanism"] == {
        "special-rapporteur-on-the-situation-of-human-rights-defenders": 15,
        "working-group-on-arbitrary-detention": 2,
        "office-of-the-high-commissioner-for-human-rights-ohchr": 2,
        "special-procedures": 1,
        "committee-on-the-elimination-of-racial-discrimination-cerd": 1,
        "third-committee-of-the-un-general-assembly": 1,
    }


def test_region_government_response_and_year_counts(seeded):
    all_counts = counts()
    assert all_counts["region"] == {
        "mainland-china": 10,
        "hong-kong": 8,
        "tibet": 5,
        "xinjiang": 3,
        "overseas": 1,
    }
    assert all_counts["government"] == {"china": 11, "hong-kong": 3, "papua-new-guinea": 1}
    assert all_counts["response"] == {"received": 14, "none": 2, "not_applicable": 6}
    assert all_counts["year"] == {"2020": 22}


def test_issue_and_defender_counts(seeded):
    all_counts = counts()
    assert all_counts["issue"]["arbitrary-detention"] == 5
    assert all_counts["issue"]["enforced-disappearance"] == 5
    assert all_counts["issue"]["national-security-legislation"] == 3
    assert all_counts["defender"]["a-nya-sengdra"] == 2
    assert all_counts["defender"]["chang-weiping"] == 2
    assert all_counts["defender"]["qin-yongpei"] == 1
    assert sum(all_counts["defender"].values()) == 20


def test_values_within_a_facet_combine_with_or(seeded):
    assert len(found({"type": ["allegation_letter", "urgent_appeal"]})) == 8


def test_facets_combine_with_and(seeded):
    assert found({"type": ["allegation_letter"], "region": ["hong-kong"]}) == [
        "2020-05-03-special-procedures-allegation-letter"
    ]
    assert found({"region": ["tibet"], "type": ["press_release"]}) == [
        "2020-06-26-special-procedures-press-release",
        "2020-05-19-special-procedures-press-release",
    ]


def test_each_facet_counts_with_the_other_filters_but_not_its_own(seeded):
    selected = counts({"type": ["urgent_appeal"]})
    assert selected["type"]["press_release"] == 6  # its own facet ignores it
    assert selected["region"] == {"mainland-china": 2, "tibet": 1}
    assert selected["response"] == {"received": 2, "none": 1}


def test_a_selected_value_with_no_match_stays_listed(seeded):
    query = ActionQuery.from_params({"type": ["opinion"], "government": ["china"]})
    government = next(f for f in facet_counts(query) if f.key == "government")
    assert [(v.value, v.label, v.count, v.selected) for v in government.values] == [
        ("china", "China", 0, True)
    ]


def test_response_facet(seeded):
    assert found({"response": ["none"]}) == [
        "2020-06-19-special-procedures-other-letter",
        "2020-05-12-special-procedures-urgent-appeal",
    ]


def test_year_and_date_range(seeded):
    assert len(found({"year": ["2020"]})) == 22
    assert found({"year": ["2019"]}) == []
    assert len(found({"from": "2020-06-01", "to": "2020-06-30"})) == 4


def test_drafts_are_never_counted(seeded):
    models.Action.objects.filter(record_id="2020-05-12-special-procedures-urgent-appeal").update(
        status="draft"
    )
    all_counts = counts()
    assert all_counts["type"]["urgent_appeal"] == 2
    assert all_counts["defender"]["a-nya-sengdra"] == 1
    assert all_counts["response"]["none"] == 1


def test_a_query_round_trips_through_its_url(seeded):
    query = ActionQuery.from_params(
        {"q": "lawyer", "issue": ["arbitrary-detention"], "from": "2020-01-01", "sort": "oldest"}
    )
    assert query.querystring() == "?q=lawyer&issue=arbitrary-detention&from=2020-01-01&sort=oldest"
    again = ActionQuery.from_params(
        {
            "q": ["lawyer"],
            "issue": ["arbitrary-detention"],
            "from": ["2020-01-01"],
            "sort": ["oldest"],
        }
    )
    assert again == query


def test_the_year_follows_an_edited_date(seeded):
    import datetime as dt

    action = models.Action.objects.get(record_id="2020-12-04-chn-20-2020")
    action.date = dt.date(2021, 1, 4)
    action.save()
    assert counts()["year"] == {"2020": 21, "2021": 1}
    assert found({"year": ["2021"]}) == ["2020-12-04-chn-20-2020"]


def test_counts_in_one_pass_agree_with_counting_each_facet(seeded):
    """Column facets of a search or a term filter come from one grouped pass: the same
    figures as counting each facet over the actions its other filters leave."""
    from unactions.records.query import FACETS, filter_actions, matching

    for params in (
        {"q": "detention"},
        {"q": "detention", "body": "special_procedures", "type": "urgent_appeal"},
        {"region": "hong-kong", "response": "received"},
        {"issue": "arbitrary-detention", "year": "2020", "type": ["opinion", "press_release"]},
        {"from": "2020-06-01", "mechanism": "working-group-on-arbitrary-detention"},
    ):
        query = ActionQuery.from_params(params)
        facets = facet_counts(query)
        assert matching(query, facets) == filter_actions(query).count() > 0
        for facet in facets:
            expected = {
                value: n
                for value, _, n in FACETS[[f.key for f in FACETS].index(facet.key)].counts(
                    filter_actions(query, except_facet=facet.key)
                )
            }
            assert {v.value: v.count for v in facet.values if v.count} == expected, (
                params,
                facet.key,
            )


def test_the_top_values_of_long_facets_come_with_how_many_more(seeded, monkeypatch):
    """Issues and defenders show their most frequent values (20; ties by name); the
    tallies give those without reading every value."""
    from unactions.records.query import FACETS_BY_KEY, filter_actions

    monkeypatch.setattr(FACETS_BY_KEY["issue"], "limit", 4)
    monkeypatch.setattr(FACETS_BY_KEY["defender"], "limit", 4)
    for params in ({}, {"body": "special_procedures"}, {"defender": "chang-weiping"}):
        query = ActionQuery.from_params(params)
        for facet in facet_counts(query):
            if facet.key not in ("issue", "defender"):
                continue
            live = FACETS_BY_KEY[facet.key].counts(filter_actions(query, except_facet=facet.key))
            live.sort(key=lambda r: (-r[2], r[1].casefold()))
            assert len(live) > 4 or params
            assert [(v.value, v.count) for v in facet.values[:4]] == [
                (value, n) for value, _, n in live[:4]
            ]
            assert facet.more == len(live) - len(facet.values)
