"""Following up communications: which governments replied, when, and which are late.

A government addressed by an allegation letter, urgent appeal or other letter has
`settings.UNACTIONS_REPLY_DAYS` days (60, as OHCHR asks) from the date it was sent to
reply. A reply counts when a response is recorded; how long it took is known when the
response's date is.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from unactions.formats.record import COMMUNICATION_TYPES

from .models import Action, ActionGovernment, ActionTally, Status


def reply_days() -> int:
    return settings.UNACTIONS_REPLY_DAYS


def reply_deadline(sent: dt.date, days: int | None = None) -> dt.date:
    """The last day for a reply to a communication sent on `sent`."""
    return sent + dt.timedelta(days=reply_days() if days is None else days)


@dataclass(frozen=True)
class Communication:
    action: Action
    deadline: dt.date
    replied_on: dt.date | None
    answered: bool
    today: dt.date

    @property
    def days_overdue(self) -> int:
        """Days past the deadline without a reply (0 when not late)."""
        if self.answered:
            return 0
        return max((self.today - self.deadline).days, 0)

    @property
    def days_to_reply(self) -> int | None:
        if self.replied_on is None:
            return None
        return (self.replied_on - self.action.date).days

    @property
    def days_left(self) -> int:
        return max((self.deadline - self.today).days, 0)


def communication(action: Action, today: dt.date) -> Communication:
    """An action sent to governments (fetched with its response), with its deadline and
    reply."""
    response = action.response_or_none()
    return Communication(
        action=action,
        deadline=reply_deadline(action.date),
        replied_on=response.date if response else None,
        answered=response is not None,
        today=today,
    )


class Section:
    """Communications of one kind, `count` of them, in the order the follow-up lists
    them, read from the database as they are asked for, a page at a time: a million
    actions hold some 500,000 communications, which the page once read whole (and
    SQLite then refused: "too many SQL variables")."""

    def __init__(self, actions: QuerySet, count: int, today: dt.date):
        self.actions, self._count, self.today = actions, count, today

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        # Their ids first: ordering the whole rows of 500,000 actions took twice as long.
        ids = list(self.actions.values_list("pk", flat=True)[index])
        found = Action.objects.filter(pk__in=ids).select_related("response")
        found = found.prefetch_related("government_links__government").in_bulk()
        return [communication(found[pk], self.today) for pk in ids if pk in found]

    def __iter__(self) -> Iterator[Communication]:
        # A page at a time: every id in one query would be too many for SQLite.
        for start in range(0, self._count, 500):
            yield from self[start : start + 500]


@dataclass
class FollowUp:
    overdue: Section  # most overdue first
    awaiting: Section  # nearest deadline first
    answered: Section  # latest sent first


def follow_up(queryset: QuerySet | None = None, today: dt.date | None = None) -> FollowUp:
    """Communications awaiting a reply (overdue ones first, latest first) and replied ones."""
    today = today or timezone.localdate()
    actions = Action.objects.all() if queryset is None else queryset
    sent = actions.filter(action_type__in=COMMUNICATION_TYPES)
    # Overdue: sent before this day, the deadline (sent + days) is past.
    late = today - dt.timedelta(days=reply_days())
    kinds = {
        "overdue": (Q(response__isnull=True, date__lt=late), ("date", "pk")),
        "awaiting": (Q(response__isnull=True, date__gte=late), ("date", "pk")),
        "answered": (Q(response__isnull=False), ("-date", "-pk")),
    }
    if queryset is None:
        counts = _counted(late)
    else:  # in one pass over the communications
        counts = sent.aggregate(
            **{name: Count("pk", filter=where) for name, (where, _) in kinds.items()}
        )
    listed = _sent(actions)
    return FollowUp(
        **{
            name: Section(listed.filter(where).order_by(*order), counts[name], today)
            for name, (where, order) in kinds.items()
        }
    )


def _counted(late: dt.date) -> dict[str, int]:
    """How many communications are overdue (sent before `late`, not replied to),
    awaiting a reply (sent since) and answered, of every action. Counting them in one
    pass read the half million communications of a million actions (0.56 s): the public
    ones are counted from the tallies (`ActionTally`, by month: the days of `late`'s
    month before it are counted from the actions, through the index of dates), the
    drafts and the embargoed ones one by one from their own indexes."""
    tallied = ActionTally.objects.filter(action_type__in=COMMUNICATION_TYPES).aggregate(
        answered=Sum("n", filter=Q(responded=True), default=0),
        unanswered=Sum("n", filter=Q(responded=False), default=0),
        earlier=Sum(
            "n",
            filter=Q(responded=False)
            & (Q(year__lt=late.year) | Q(year=late.year, month__lt=late.month)),
            default=0,
        ),
    )
    public = Action.objects.filter(status=Status.PUBLISHED).without_embargo_date()
    this_month = _sent(public.filter(date__gte=late.replace(day=1), date__lt=late))
    overdue = tallied["earlier"] + this_month.filter(response__isnull=True).count()
    counts = {
        "overdue": overdue,
        "awaiting": tallied["unanswered"] - overdue,
        "answered": tallied["answered"],
    }
    others = (
        Action.objects.filter(status=Status.DRAFT),
        Action.objects.filter(status=Status.PUBLISHED).embargo_dated(),
    )
    for actions in others:
        found = _sent(actions).aggregate(
            overdue=Count("pk", filter=Q(response__isnull=True, date__lt=late)),
            awaiting=Count("pk", filter=Q(response__isnull=True, date__gte=late)),
            answered=Count("pk", filter=Q(response__isnull=False)),
        )
        for name, n in found.items():
            counts[name] += n
    return counts


def _sent(actions: QuerySet) -> QuerySet:
    """The communications among `actions`, each action's type checked: a list in date
    order then reads the index of dates in order and checks each action's type until
    the page is full (SQLite read the three types' parts of their index and sorted them
    all: 0.23-0.26 s a list at a million); the counts read the drafts', the embargoes'
    or a month's dates' index."""
    return actions.checked_per_row(action_type=COMMUNICATION_TYPES)


@dataclass(frozen=True)
class GovernmentReplies:
    government: str
    communications: int
    answered: int
    median_days: float | None

    @property
    def share(self) -> float:
        return self.answered / self.communications if self.communications else 0.0


def replies_by_government(queryset: QuerySet | None = None) -> list[GovernmentReplies]:
    """Per government addressed: communications, how many were answered, median days.

    Counted in the database, so that it stays fast on large collections.
    """
    return government_replies(reply_figures(queryset))


@dataclass
class ReplyFigures:
    """One government's communications, answers and days taken (days -> how many)."""

    communications: int = 0
    answered: int = 0
    days: Counter = field(default_factory=Counter)

    def add(self, other: ReplyFigures) -> None:
        self.communications += other.communications
        self.answered += other.answered
        self.days.update(other.days)


def reply_figures(queryset: QuerySet | None = None) -> dict[str, ReplyFigures]:
    """The reply figures of each government addressed by the communications of
    `queryset`, by government name."""
    sent = (Action.objects.all() if queryset is None else queryset).filter(
        action_type__in=COMMUNICATION_TYPES
    )
    links = ActionGovernment.objects.filter(action__in=sent.values("pk"))
    counts = links.values("government__name").annotate(
        total=Count("action_id"), answered=Count("action__response")
    )
    figures = {
        row["government__name"]: ReplyFigures(row["total"], row["answered"]) for row in counts
    }
    dated = links.filter(action__response__date__isnull=False).values_list(
        "government__name", "action__date", "action__response__date"
    )
    for government, sent_on, replied_on in dated:
        figures[government].days[(replied_on - sent_on).days] += 1
    return figures


def government_replies(figures: dict[str, ReplyFigures]) -> list[GovernmentReplies]:
    rows = [
        GovernmentReplies(
            government=name,
            communications=f.communications,
            answered=f.answered,
            median_days=_median(f.days) if f.days else None,
        )
        for name, f in figures.items()
        if f.communications
    ]
    return sorted(rows, key=lambda r: (-r.communications, r.government))


def _median(counts: Counter) -> float:
    """The median of values given with how often each occurs."""
    values = sorted(counts)
    total = sum(counts.values())
    middle = [(total - 1) // 2, total // 2]  # positions of the middle value(s)
    found, seen = [], 0
    for value in values:
        seen += counts[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return statistics.median(found)
