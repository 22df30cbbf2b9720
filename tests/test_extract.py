"""Reading the normalized fields out of the words the source used."""

from __future__ import annotations

import pytest

from unactions.formats import extract


@pytest.mark.parametrize(
    "mechanism, body",
    [
        ("UN Special Rapporteur on the situation of HRDs", "special_procedures"),
        ("Special Procedures – Working Group on Arbitrary Detention", "special_procedures"),
        ("Committee on the Elimination of Racial Discrimination (CERD)", "treaty_body"),
        ("Third Committee of the UN General Assembly", "unga_third_committee"),
        ("Office of the High Commissioner for Human Rights (OHCHR)", "ohchr"),
        ("Human Rights Council, 44th session", "hrc"),
        ("Universal Periodic Review of China (third cycle)", "upr"),
        ("World Health Organization", "other"),
    ],
)
def test_body_of(mechanism, body):
    assert extract.body_of(mechanism) == body


@pytest.mark.parametrize(
    "action, body, action_type",
    [
        ("Press Release", "special_procedures", "press_release"),
        ("Press Briefing", "ohchr", "press_briefing"),
        (
            "Joint allegation letter sent to the Chinese government",
            "special_procedures",
            "allegation_letter",
        ),
        (
            "Joint urgent appeal sent to the Chinese government",
            "special_procedures",
            "urgent_appeal",
        ),
        (
            "Joint letter to the Chinese and Hong Kong governments",
            "special_procedures",
            "other_letter",
        ),
        ("Opinion", "special_procedures", "opinion"),
        ("Joint statement by governments", "unga_third_committee", "joint_statement"),
        (
            "Evaluation of China’s follow-up report on the Committee’s concluding observations",
            "treaty_body",
            "follow_up_review",
        ),
        (
            "Concluding observations on the third periodic report",
            "treaty_body",
            "concluding_observations",
        ),
        ("Something else entirely", "other", "other"),
    ],
)
def test_action_type_of(action, body, action_type):
    assert extract.action_type_of(action, body) == action_type


@pytest.mark.parametrize(
    "action, governments",
    [
        ("Joint allegation letter sent to the Chinese government", ["China"]),
        ("Joint letter sent to the Chinese and Hong Kong governments", ["China", "Hong Kong"]),
        (
            "Joint allegation letter sent to the Chinese and Papua New Guinea governments",
            ["China", "Papua New Guinea"],
        ),
        ("Joint statement by governments", []),
        ("Press Release", []),
    ],
)
def test_governments_addressed(action, governments):
    assert extract.governments_addressed(action) == governments


def test_issues_are_split_trimmed_and_lower_cased():
    assert extract.issues_of(" Arbitrary detention,COVID-19 , ,covid-19") == [
        "arbitrary detention",
        "covid-19",
    ]


@pytest.mark.parametrize(
    "mechanism, named",
    [
        (
            "UN Special Rapporteur on the situation of HRDs",
            "Special Rapporteur on the situation of human rights defenders",
        ),
        (
            "Special Procedures (six mandates, including the Special Rapporteur on human rights "
            "defenders)",
            "Special Rapporteur on the situation of human rights defenders",
        ),
        ("Special Procedures (30 mandates representing 50 experts)", "Special Procedures"),
        (
            "Special Procedures – Working Group on Arbitrary Detention",
            "Working Group on Arbitrary Detention",
        ),
        (
            "Committee on the Elimination of Racial Discrimination (CERD)",
            "Committee on the Elimination of Racial Discrimination (CERD)",
        ),
    ],
)
def test_named_mechanism(mechanism, named):
    assert extract.named_mechanism(mechanism) == named


@pytest.mark.parametrize(
    "texts, regions",
    [
        (["Hong Kong, Tibet, Xinjiang"], ["Hong Kong", "Tibet", "Xinjiang"]),
        (["Tibetan minority human rights defender"], ["Tibet"]),
        (["Overseas Chinese investment"], ["overseas"]),
        (["arbitrary detention of a lawyer"], ["mainland China"]),
    ],
)
def test_regions_of(texts, regions):
    assert extract.regions_of(texts) == regions


@pytest.mark.parametrize(
    "summary, defenders",
    [
        (
            "detention of human rights defender Guo Quan and the enforced disappearance another "
            "defender Xu Zhiyong, as a reprisal",
            ["Guo Quan", "Xu Zhiyong"],
        ),
        ("detention of Mr. A-Nya Sengdra, a minority human rights defender", ["A-Nya Sengdra"]),
        (
            "his association with Gao Zhisheng, a human rights lawyer whose fate is unknown",
            ["Gao Zhisheng"],
        ),
        (
            "human rights defenders Ding Jiaxi, Zhang Zhongshun and Dai Zhenya, who were arrested",
            ["Ding Jiaxi", "Zhang Zhongshun", "Dai Zhenya"],
        ),
        ("UN Human Rights chief Michelle Bachelet indicated", []),
        ("the criminal prosecution of 15 pro-democracy activists who participated", []),
        ("persecution of human rights defenders. The experts", []),
    ],
)
def test_defenders_in(summary, defenders):
    assert extract.defenders_in(summary) == defenders


def test_op_ed_title_and_outlet():
    [source] = extract.related_sources_of(
        "Front Line Defenders, Op-Ed: “What the new Chinese security law means for Hong "
        "Kong”, Al Jazeera (3 June 2020)"
    )
    assert (source.publisher, source.kind, source.title, source.outlet) == (
        "Front Line Defenders",
        "Op-Ed",
        "What the new Chinese security law means for Hong Kong",
        "Al Jazeera",
    )


def test_source_without_kind():
    [source] = extract.related_sources_of(
        "Front Line Defenders, Five years on, impunity for “709” crackdown continues (9 July 2020)"
    )
    assert (source.publisher, source.kind, source.title) == (
        "Front Line Defenders",
        None,
        "Five years on, impunity for “709” crackdown continues",
    )
