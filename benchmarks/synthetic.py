"""Synthetic actions with realistic distributions, for benchmarks only.

Bodies and action types in the proportions of Special Procedures-heavy collections,
1-4 issues from a vocabulary of 60, 0-3 defenders from a pool that recurs (a defender
appears in several actions), summaries drawn from the seed page's own vocabulary, dates
over 20 years. Seeded, so a run is repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from importlib.resources import files

from unactions.formats.record import Record, Response

BODIES = [
    ("special_procedures", 70),
    ("treaty_body", 10),
    ("ohchr", 8),
    ("hrc", 5),
    ("upr", 4),
    ("unga_third_committee", 3),
]
TYPES = {
    "special_procedures": [
        ("allegation_letter", 45),
        ("urgent_appeal", 30),
        ("other_letter", 10),
        ("press_release", 12),
        ("opinion", 3),
    ],
    "treaty_body": [("concluding_observations", 60), ("follow_up_review", 40)],
    "ohchr": [("press_release", 60), ("press_briefing", 30), ("report", 10)],
    "hrc": [("resolution", 50), ("joint_statement", 50)],
    "upr": [("upr_recommendation", 100)],
    "unga_third_committee": [("joint_statement", 100)],
}
MECHANISMS = {
    "special_procedures": [
        "Special Procedures (five mandates, including the Special Rapporteur on human rights "
        "defenders)",
        "Special Procedures – Working Group on Arbitrary Detention",
        "UN Special Rapporteur on freedom of expression",
        "Special Procedures (three mandates, including the Working Group on Enforced or "
        "Involuntary Disappearances)",
    ],
    "treaty_body": [
        "Committee against Torture (CAT)",
        "Committee on the Elimination of Racial Discrimination (CERD)",
        "Committee on Economic, Social and Cultural Rights (CESCR)",
    ],
    "ohchr": ["Office of the High Commissioner for Human Rights (OHCHR)"],
    "hrc": ["Human Rights Council"],
    "upr": ["Universal Periodic Review"],
    "unga_third_committee": ["Third Committee of the UN General Assembly"],
}
ISSUES = [
    f"{a} {b}".strip()
    for a in (
        "",
        "arbitrary",
        "online",
        "women's",
        "minority",
        "labour",
        "religious",
        "environmental",
        "judicial",
        "digital",
    )
    for b in ("detention", "surveillance", "torture", "disappearance", "expression", "assembly")
]
SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao".split()
)
GIVEN = (
    "Wei Fang Min Jing Lei Qiang Yan Jun Hui Ping Tao Ming Xin Bo Yu Hong Dan Yun Hao Lan".split()
)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _words() -> list[str]:
    text = (files("unactions") / "sample_data" / "un-actions-china-2020.txt").read_text("utf-8")
    return re.findall(r"[a-z]{3,}", text.lower())


def _names(count: int) -> list[str]:
    """`count` different names: surname and two-syllable given name (8,000 of them),
    then the same again with a generation number."""
    names = []
    for i in range(count):
        surname, first = SURNAMES[i % 20], GIVEN[(i // 20) % 20]
        second = GIVEN[(i // 400) % 20].lower()
        names.append(f"{surname} {first}{second}" + (f" {i // 8000 + 1}" if i >= 8000 else ""))
    return names


def records(n: int, seed: int = 2020) -> list[Record]:
    rng = random.Random(seed)
    words = _words()
    defenders = _names(max(50, n // 20))
    start = dt.date(2006, 1, 1)
    out = []
    for i in range(n):
        body = _pick(rng, BODIES)
        action_type = _pick(rng, TYPES[body])
        date = start + dt.timedelta(days=rng.randrange(20 * 365))
        named = rng.sample(defenders, rng.choice([0, 0, 1, 1, 2, 3]))
        summary = " ".join(rng.choice(words) for _ in range(rng.randint(25, 60))).capitalize()
        if named:
            summary += " concerning human rights defender " + ", ".join(named) + "."
        communication = action_type in ("allegation_letter", "urgent_appeal", "other_letter")
        out.append(
            Record(
                id=f"synthetic-{i}",
                date=date,
                date_text=f"{date.day} {date:%B %Y}",
                body=body,
                mechanism=rng.choice(MECHANISMS[body]),
                action_type=action_type,
                action=action_type.replace("_", " ").capitalize(),
                summary=summary,
                governments=["China"] if communication else [],
                issues=rng.sample(ISSUES, rng.randint(1, 4)),
                regions=[rng.choice(["mainland China", "Hong Kong", "Tibet", "Xinjiang"])],
                defenders=named,
                response=Response(
                    text="Response received", date=date + dt.timedelta(days=rng.randint(20, 120))
                )
                if communication and rng.random() < 0.6
                else None,
            )
        )
    return out
