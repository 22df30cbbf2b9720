"""Reading dates as people write them on the page ("4 December 2020")."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())})
MONTHS["sept"] = 9

MONTH_NAMES = r"(?:%s)\.?" % "|".join(sorted(MONTHS, key=len, reverse=True))
# "4 December 2020", "4 Dec. 2020"
DAY_MONTH_YEAR = rf"\d{{1,2}}\s+{MONTH_NAMES}\s+\d{{4}}"
_DMY = re.compile(rf"^(\d{{1,2}})\s+({MONTH_NAMES})\s+(\d{{4}})$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> dt.date:
    """A date written as "4 December 2020" or "2020-12-04".

    Raises ValueError with a message fit for a person when it cannot be read.
    """
    cleaned = " ".join(text.split())
    if match := _ISO.match(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(cleaned):
        day = int(match.group(1))
        month = MONTHS[match.group(2).lower().rstrip(".")]
        year = int(match.group(3))
    else:
        raise ValueError(f"cannot read the date {text!r} (expected e.g. '4 December 2020')")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def find_dates(text: str) -> list[dt.date]:
    """Every "4 December 2020"-style date in a sentence, in order."""
    return [parse_date(m.group(0)) for m in re.finditer(DAY_MONTH_YEAR, text, re.IGNORECASE)]
