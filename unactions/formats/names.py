"""Files of names in Chinese: for each kind of term (and defenders), names and their
Chinese names, as `unactions chinese-names` takes them and the sample data ships them
(sample_data/names-in-chinese.json):

    {"issue": {"arbitrary detention": "任意拘留"}, "defender": {"Yu Wensheng": "余文生"}}
"""

from __future__ import annotations

import json

from .errors import Problem, RecordsError

KINDS = ("mechanism", "government", "issue", "region", "defender")
MAX_LENGTH = 200  # as the names themselves


def parse_names(text: str) -> dict[str, dict[str, str]]:
    """The names of `text` by kind, or RecordsError listing every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordsError([Problem(f"not JSON: {error.msg}", line=error.lineno)]) from None
    if not isinstance(data, dict):
        raise RecordsError([Problem("expected an object of kinds: " + ", ".join(KINDS))])
    problems: list[Problem] = []
    names: dict[str, dict[str, str]] = {}
    for kind, given in data.items():
        if kind not in KINDS:
            problems.append(Problem(f"unknown kind {kind!r} (one of {', '.join(KINDS)})"))
        elif not isinstance(given, dict):
            problems.append(Problem("expected an object of names and Chinese names", entry=kind))
        else:
            names[kind] = {}
            for name, chinese in given.items():
                where = f"{kind} {name!r}"
                if not isinstance(chinese, str) or not chinese.strip():
                    problems.append(Problem("the Chinese name is not text, or empty", entry=where))
                elif len(chinese.strip()) > MAX_LENGTH:
                    problems.append(
                        Problem(f"the Chinese name is over {MAX_LENGTH} characters", entry=where)
                    )
                else:
                    names[kind][name] = chinese.strip()
    if problems:
        raise RecordsError(problems)
    return names
