"""How many actions, of either state, hold given column values: the count of the
editors' filtered list, from the tallies and the few actions they leave out rather
than from every action (SQLite counted the 700,000 published ones of a million in
0.7 s, those of one body in 2.8 s)."""

from __future__ import annotations

from django.db.models import Sum

from . import models

# The action's columns counted, with the tallies' name of each.
COLUMNS = {
    "body": "body",
    "action_type": "action_type",
    "year": "year",
    "mechanism_term_id": "mechanism_id",
}


def count(status: str | None = None, **columns) -> int:
    """How many actions have `status` (either, when None) and these values of COLUMNS.

    The tallies (records/tallies.py) count the published actions with no embargo date;
    the published ones with an embargo date and the drafts, which are few where many
    actions are kept (a collection is published), are counted one by one from their
    own indexes."""
    if unknown := set(columns) - set(COLUMNS):
        raise ValueError(f"not counted by the tallies: {', '.join(sorted(unknown))}")
    total = 0
    if status in (None, models.Status.PUBLISHED):
        tallied = models.ActionTally.objects.filter(
            **{COLUMNS[column]: value for column, value in columns.items()}
        )
        total += tallied.aggregate(n=Sum("n"))["n"] or 0
        embargoed = models.Action.objects.filter(status=models.Status.PUBLISHED)
        total += embargoed.embargo_dated().checked_per_row(**columns).count()
    if status in (None, models.Status.DRAFT):
        drafts = models.Action.objects.filter(status=models.Status.DRAFT)
        total += drafts.checked_per_row(**columns).count()
    return total
