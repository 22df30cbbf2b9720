"""The statistics page: figures against hand-counted seed numbers, following the filters."""

from __future__ import annotations

from unactions.public import charts
from unactions.records import statistics
from unactions.records.query import ActionQuery


def test_actions_by_year_and_body(seeded):
    series = statistics.by_period_and_body(ActionQuery())
    assert series.categories == ["2020"]
    assert series.values["2020"] == {
        "special_procedures": 18,
        "treaty_body": 1,
        "ohchr": 2,
        "unga_third_committee": 1,
    }
    # The table's row: a cell for each body, in the order of the columns, and the total.
    assert [key for key, _ in series.groups] == [
        "special_procedures",
        "treaty_body",
        "ohchr",
        "unga_third_committee",
    ]
    assert series.rows() == [("2020", [18, 1, 2, 1], 22)]


def test_actions_by_month(seeded):
    series = statistics.by_period_and_body(ActionQuery(), monthly=True)
    assert {month: total for month, _, total in series.rows()} == {
        "2020-03": 3,
        "2020-04": 1,
        "2020-05": 6,
        "2020-06": 4,
        "2020-07": 2,
        "2020-08": 1,
        "2020-09": 1,
        "2020-10": 1,
        "2020-11": 1,
        "2020-12": 2,
    }


def test_top_lists(seeded):
    actions = ActionQuery()
    assert statistics.top(actions, "type", 3) == [
        ("press_release", "Press release", 6),
        ("allegation_letter", "Allegation letter", 5),
        ("other_letter", "Other letter", 3),
    ]
    assert statistics.top(actions, "defender", 2) == [
        ("a-nya-sengdra", "A-Nya Sengdra", 2),
        ("chang-weiping", "Chang Weiping", 2),
    ]


def test_reply_rate_by_year(seeded):
    [row] = statistics.reply_rate_by_year(ActionQuery())
    assert (row.year, row.communications, row.answered) == (2020, 11, 9)


def test_the_page_has_charts_with_tables(client, seeded):
    html = client.get("/statistics/").content.decode()
    # Per year and per month, drawn; the rest as bars.
    assert html.count('<figure class="chart stacked-columns"><svg') == 2
    assert html.count('<figure class="chart bars">') == 5
    assert "<title>Actions per year, by body</title>" in html
    assert '<figcaption class="visually-hidden">Top issues</figcaption>' in html
    # A bar's name and value are text, its length a share of the longest (6 press releases).
    assert (
        '<li><span class="bar-label">Allegation letter</span><span class="bar">'
        '<svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="83.3" height="1" fill="#0b5394"/></svg></span>'
        '<span class="bar-value">5</span></li>'
    ) in html
    assert '<rect width="1" height="1" fill="#c77700"/></svg>Treaty bodies</li>' in html
    assert (
        '<th scope="row"><a href="/?year=2020">2020</a></th><td>18</td><td>1</td><td>2</td><td>1</td><td>22</td>'
        in html
    )
    assert '<td><a href="/?type=press_release">Press release</a></td><td>6</td>' in html
    assert '<th scope="row">China</th><td>11</td><td>9</td><td>82%</td><td>64</td>' in html


def test_a_bar_is_its_share_of_the_largest_and_seen_however_small():
    html = charts.bars([("Many", 50_000), ("One", 1), ("None", 0), ("<b>", 25_000)], "Title")
    widths = [part.split('"')[0] for part in html.split('<rect width="')[1:]]
    assert widths == ["100.0", "0.5", "0.0", "50.0"]
    assert '<span class="bar-label">&lt;b&gt;</span>' in html  # names are escaped
    assert charts.bars([], "Title") == ""


def test_the_page_follows_the_filters(client, seeded):
    html = client.get("/statistics/?region=tibet").content.decode()
    assert "Figures for 5 published actions" in html
    assert (
        '<td><a href="/?type=press_release&amp;region=tibet">Press release</a></td><td>2</td>'
        in html
    )
    assert '<th scope="row">China</th><td>1</td><td>0</td><td>0%</td><td>—</td>' in html


def test_bad_filters_are_explained(client, seeded):
    assert client.get("/statistics/?to=soon").status_code == 400


def test_statistics_of_a_search(client, seeded):
    html = client.get("/statistics/?q=detention").content.decode()
    assert "Figures for 12 published actions" in html  # every record that says "detention"
    assert '<th scope="row">2020</th><td>' in html


def test_reply_figures_from_the_tallies_match_a_count(seeded):
    from collections import Counter

    from unactions.records import followup
    from unactions.records.query import filter_actions

    for params in (
        {},
        {"body": "special_procedures"},
        {"type": ["urgent_appeal", "press_release"]},
    ):
        query = ActionQuery.from_params(params)
        assert statistics.replies_by_government(query) == followup.replies_by_government(
            filter_actions(query)
        )
    assert followup._median(Counter({3: 1, 10: 2, 40: 1})) == 10
    assert followup._median(Counter({3: 1, 10: 1, 40: 1, 50: 1})) == 25
