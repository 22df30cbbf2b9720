"""Reply deadlines and the follow-up of communications."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from tests.factories import create_action
from unactions.editors import views
from unactions.records import followup
from unactions.records.models import Action


@pytest.mark.parametrize(
    "sent, days, deadline",
    [
        (dt.date(2020, 1, 1), 60, dt.date(2020, 3, 1)),  # across February of a leap year
        (dt.date(2021, 1, 1), 60, dt.date(2021, 3, 2)),  # and of a common year
        (dt.date(2020, 12, 31), 60, dt.date(2021, 3, 1)),  # across the year's end
        (dt.date(2024, 2, 29), 365, dt.date(2025, 2, 28)),
        (dt.date(2020, 1, 31), 30, dt.date(2020, 3, 1)),  # across a month end
    ],
)
def test_reply_deadline(sent, days, deadline):
    assert followup.reply_deadline(sent, days) == deadline


def test_the_deadline_follows_the_setting(settings):
    settings.UNACTIONS_REPLY_DAYS = 30
    assert followup.reply_deadline(dt.date(2020, 2, 1)) == dt.date(2020, 3, 2)


def test_the_seed_follow_up(seeded):
    state = followup.follow_up(today=dt.date(2021, 1, 15))
    assert [(c.action.record_id, c.days_overdue) for c in state.overdue] == [
        ("2020-05-12-special-procedures-urgent-appeal", 188),
        ("2020-06-19-special-procedures-other-letter", 150),
    ]
    assert list(state.awaiting) == []
    assert (state.overdue.count(), state.awaiting.count(), state.answered.count()) == (2, 0, 9)
    answered = {c.action.record_id: c.days_to_reply for c in state.answered}
    assert len(answered) == 9
    assert answered["2020-12-04-chn-20-2020"] == 24
    assert answered["2020-09-01-special-procedures-other-letter"] is None  # date not recorded
    assert answered["2020-03-12-chn-5-2020"] == 21


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a query plan of SQLite's")
def test_each_list_reads_the_dates_in_order(seeded):
    # Read through the index of the types, each list sorted half of a million actions
    # (0.23-0.26 s); through an index of dates, it stops at the end of its page.
    state = followup.follow_up(today=dt.date(2021, 1, 15))
    for section in (state.overdue, state.awaiting, state.answered):
        sql, params = section.actions.values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
        assert "records_action_type_newest" not in plan and "TEMP B-TREE" not in plan, plan


def test_a_recent_letter_is_awaiting_not_overdue(db):
    create_action(action_type="urgent_appeal", date=dt.date(2021, 1, 1), governments=["China"])
    state = followup.follow_up(today=dt.date(2021, 2, 1))
    assert [c.days_left for c in state.awaiting] == [29]
    state = followup.follow_up(today=dt.date(2021, 3, 5))
    assert [c.days_overdue for c in state.overdue] == [3]


def test_replies_by_government(seeded):
    rows = {r.government: r for r in followup.replies_by_government()}
    assert (rows["China"].communications, rows["China"].answered, rows["China"].median_days) == (
        11,
        9,
        64,
    )
    assert (
        rows["Hong Kong"].communications,
        rows["Hong Kong"].answered,
        rows["Hong Kong"].median_days,
    ) == (3, 2, 68)
    assert rows["Papua New Guinea"].median_days == 112
    assert round(rows["China"].share, 3) == 0.818


def test_the_editors_follow_up_page(client, seeded, carol):
    client.force_login(carol)
    html = client.get("/admin/records/action/follow-up/").content.decode()
    assert "Overdue (2)" in html
    assert "Replies received (9)" in html
    assert client.get("/admin/records/action/follow-up/").status_code == 200
    client.logout()
    assert client.get("/admin/records/action/follow-up/").status_code == 302


def test_the_follow_up_page_lists_each_kind_in_pages(client, seeded, carol, monkeypatch):
    monkeypatch.setattr(views, "FOLLOW_UP_PAGE", 2)
    client.force_login(carol)
    html = client.get("/admin/records/action/follow-up/").content.decode()
    assert "Overdue (2)" in html and "Replies received (9)" in html
    answered = followup.follow_up().answered
    newest = [c.action.record_id for c in answered]
    assert len(newest) == 9
    sent = [c.action.date for c in answered]
    assert sent == sorted(sent, reverse=True)  # the latest first

    def listed(html: str) -> list[str]:
        table = html[html.index('<table id="answered">') :]
        ids = re.findall(r'href="/admin/records/action/(\d+)/change/"', table)
        return [Action.objects.get(pk=pk).record_id for pk in ids]

    assert listed(html) == newest[:2]
    assert 'href="?answered=2#answered"' in html and "Page 1 of 5" in html
    last = client.get("/admin/records/action/follow-up/?answered=5").content.decode()
    assert listed(last) == newest[8:]
    assert "Overdue (2)" in last  # the other lists stay on their first page
    # A page out of range, or not a number, shows the nearest one.
    assert (
        listed(client.get("/admin/records/action/follow-up/?answered=99").content.decode())
        == (newest[8:])
    )
    assert client.get("/admin/records/action/follow-up/?answered=x").status_code == 200


def test_drafts_stay_out_of_public_reply_figures(client, seeded):
    Action.objects.filter(record_id="2020-05-12-special-procedures-urgent-appeal").update(
        status="draft"
    )
    html = client.get("/statistics/").content.decode()
    assert '<th scope="row">China</th><td>10</td><td>9</td><td>90%</td><td>64</td>' in html


def _communications_in_every_state():
    """Letters around month ends, answered or not, published, drafts and embargoed."""
    from tests.factories import record
    from unactions.records.loader import load_records
    from unactions.records.models import Status

    records = []
    for month in (1, 2, 3, 4):
        for day in (1, 14, 15, 16, 28):
            records.append(
                record(
                    action_type=("urgent_appeal", "allegation_letter", "other_letter")[day % 3],
                    date=dt.date(2021, month, day),
                    governments=["China"],
                    response="Reply received." if day == 14 else None,
                )
            )
    records.append(record(action_type="press_release", date=dt.date(2021, 2, 1)))
    load_records(records)
    actions = list(Action.objects.order_by("pk"))
    for action in actions[::3]:
        action.status = Status.DRAFT
        action.save()
    for action in actions[1::7]:
        action.embargo_until = dt.date(2021, 3, 1)  # past by the dates below, or not
        action.save()


@pytest.mark.parametrize(
    "today",
    [dt.date(2021, 3, 16), dt.date(2021, 4, 1), dt.date(2021, 5, 15), dt.date(2021, 6, 30)],
)
def test_the_counts_are_those_of_the_lists(db, today):
    _communications_in_every_state()
    state = followup.follow_up(today=today)
    everything = followup.follow_up(Action.objects.all(), today=today)  # counted one by one
    for name in ("overdue", "awaiting", "answered"):
        section = getattr(state, name)
        assert section.count() == len(list(section)) == getattr(everything, name).count(), name
    assert state.overdue.count() and state.answered.count()
    assert state.awaiting.count() or today == dt.date(2021, 6, 30)  # all overdue by then


def test_the_public_communications_are_counted_from_the_tallies(db):
    from django.test.utils import CaptureQueriesContext

    _communications_in_every_state()
    with CaptureQueriesContext(connection) as queries:
        followup.follow_up(today=dt.date(2021, 4, 1))
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] or "SUM(" in q["sql"]]
    assert any("records_actiontally" in sql for sql in counts), counts
    # The actions themselves: the drafts, the embargoed, and the public ones of a month.
    for sql in counts:
        if "records_actiontally" not in sql:
            assert "'draft'" in sql or '"embargo_until" >=' in sql or '"date" >=' in sql, sql
    if connection.vendor == "sqlite":
        # The public ones of a month through the index of dates: the embargoes' index,
        # null for nearly every action, read them all (0.8 s at a million).
        (month,) = [sql for sql in counts if '"__count"' in sql]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + month)
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
        assert "embargo" not in plan and "date" in plan, plan
