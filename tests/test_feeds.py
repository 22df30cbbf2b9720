"""Atom feeds, read by a real feed parser."""

from __future__ import annotations

import datetime as dt

import feedparser

from unactions.records.models import Action


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_the_feed_of_all_actions(client, seeded):
    feed = parse(client, "/feeds/actions.atom")
    assert feed.version == "atom10"
    assert feed.feed.title == "UN Actions Tracker"
    assert len(feed.entries) == 22
    first = feed.entries[0]
    assert (
        first.title
        == "16 December 2020: Press Release (Special Rapporteur on the situation of human rights defenders)"
    )
    assert first.link == "http://testserver/actions/2020-12-16-special-procedures-press-release/"
    assert "Chang Weiping" in first.summary
    assert [t.term for t in first.tags] == ["human rights lawyer", "arbitrary detention"]


def test_a_feed_for_a_defender(client, seeded):
    feed = parse(client, "/feeds/actions.atom?defender=a-nya-sengdra")
    assert feed.feed.title == "UN Actions Tracker: A-Nya Sengdra"
    assert [e.link.rsplit("/", 2)[1] for e in feed.entries] == [
        "2020-05-19-special-procedures-press-release",
        "2020-05-12-special-procedures-urgent-appeal",
    ]


def test_a_feed_for_an_issue_and_a_mechanism(client, seeded):
    assert (
        len(parse(client, "/feeds/actions.atom?issue=national-security-legislation").entries) == 3
    )
    assert (
        len(
            parse(
                client, "/feeds/actions.atom?mechanism=working-group-on-arbitrary-detention"
            ).entries
        )
        == 2
    )


def test_feeds_leave_out_drafts_and_embargoes(client, seeded):
    Action.objects.filter(record_id="2020-12-16-special-procedures-press-release").update(
        status="draft"
    )
    Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(
        embargo_until=dt.date.today() + dt.timedelta(days=3)
    )
    links = [e.link for e in parse(client, "/feeds/actions.atom").entries]
    assert len(links) == 20
    assert not any("2020-12-16" in link or "chn-20-2020" in link for link in links)


def test_pages_announce_their_feed(client, seeded):
    html = client.get("/defenders/a-nya-sengdra/").content.decode()
    assert (
        'type="application/atom+xml" title="A-Nya Sengdra" href="/feeds/actions.atom?defender=a-nya-sengdra"'
        in html
    )
