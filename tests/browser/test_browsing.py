"""A reader browses the public site in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def count(page):
    return page.locator(".result-count")


def test_filtering_by_two_facets_updates_in_place(page, site):
    page.goto(site + "/")
    expect(count(page)).to_have_text("22 actions")
    page.get_by_label(re.compile(r"^Urgent appeal")).check()
    expect(count(page)).to_have_text("3 actions found")
    expect(page).to_have_url(re.compile(r"\?type=urgent_appeal$"))
    page.locator("#facet-region").get_by_label(re.compile(r"^Tibet")).check()
    expect(count(page)).to_have_text("1 action found")
    expect(page.locator("article.action")).to_have_count(1)
    expect(page.locator("article.action")).to_contain_text("A-Nya Sengdra")
    # The state is a URL: reloading it shows the same view.
    page.reload()
    expect(count(page)).to_have_text("1 action found")
    expect(page.locator("#facet-region").get_by_label(re.compile(r"^Tibet"))).to_be_checked()
    # Back undoes the last filter.
    page.go_back()
    expect(count(page)).to_have_text("3 actions found")


def test_search_highlights_and_combines_with_a_facet(page, site):
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search").fill("Chang Weiping")
    page.keyboard.press("Enter")
    expect(count(page)).to_have_text("3 actions found")
    expect(page.locator("mark", has_text="Chang").first).to_be_visible()
    page.get_by_label(re.compile(r"^Press release")).check()
    expect(count(page)).to_have_text("1 action found")
    expect(page).to_have_url(re.compile(r"q=Chang\+Weiping.*type=press_release"))


def test_following_a_permalink(page, site):
    page.goto(site + "/")
    page.get_by_role(
        "link", name="Joint allegation letter sent to the Chinese government"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/actions/2020-12-04-chn-20-2020/$"))
    expect(page.locator("article.action")).to_contain_text("Qin Yongpei")
    expect(page.locator(".permalink")).to_contain_text("/actions/2020-12-04-chn-20-2020/")


def test_a_defenders_timeline(page, site, screenshot):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Defenders").click()
    page.get_by_role("link", name="A-Nya Sengdra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A-Nya Sengdra")
    items = page.locator(".timeline > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("12 May 2020")
    expect(items.nth(0)).to_contain_text("Urgent appeal")
    expect(items.nth(1)).to_contain_text("19 May 2020")
    expect(items.nth(1)).to_contain_text("Press release")


def test_switching_to_chinese_and_back(page, site):
    page.goto(site + "/?region=tibet")
    page.get_by_role("link", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("联合国关于人权捍卫者的行动")
    expect(count(page)).to_have_text("找到 5 项行动")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(count(page)).to_have_text("5 actions found")


def test_filtering_with_the_keyboard_alone(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")  # the skip link
    expect(page.locator(".skip")).to_be_focused()
    page.get_by_role("searchbox", name="Search").focus()
    page.keyboard.type("torture")
    page.keyboard.press("Enter")
    expect(count(page)).to_have_text("3 actions found")
    checkbox = page.get_by_label(re.compile(r"^Urgent appeal"))
    checkbox.focus()
    page.keyboard.press("Space")
    expect(count(page)).to_have_text("1 action found")
    expect(page.get_by_label(re.compile(r"^Urgent appeal"))).to_be_focused()


def test_filters_work_without_javascript(no_script_page, site):
    page = no_script_page
    page.goto(site + "/")
    page.get_by_label(re.compile(r"^Opinion")).check()
    page.get_by_role("button", name="Apply filters").first.click()
    expect(page).to_have_url(re.compile(r"[?&]type=opinion(&|$)"))
    expect(count(page)).to_have_text("2 actions found")


def test_a_phone_reads_without_scrolling_sideways(phone, site, screenshot):
    phone.goto(site + "/")
    expect(count(phone)).to_have_text("22 actions")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    for path in ("/statistics/", "/actions/2020-12-04-chn-20-2020/", "/defenders/"):
        phone.goto(site + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, path
    phone.goto(site + "/")
    phone.get_by_text("Filters", exact=True).click()
    phone.get_by_label(re.compile(r"^Opinion")).check()
    expect(count(phone)).to_have_text("2 actions found")


def test_a_phone_reads_the_names_in_the_charts(phone, site):
    phone.goto(site + "/statistics/")
    names = {
        "Top issues": "enforced disappearance",  # a bar's name
        "Defenders named most often": "Chang Weiping",
        "Actions per year, by body": "Treaty bodies",  # the legend's
        "Government replies to communications": "2020",
    }
    for heading, name in names.items():
        figure = phone.locator("section.figure", has=phone.get_by_role("heading", name=heading))
        # The chart's own, which comes before the table's.
        text = figure.locator(".chart-and-table > :first-child").get_by_text(name, exact=True)
        # As tall as the page's small print, not a drawing's text scaled down to the
        # phone's width (8 px high when it was).
        assert text.first.bounding_box()["height"] >= 12, heading
    # A column chart's axis labels are drawn, and shrink with their drawing (7 px high
    # when it fitted the phone's width): it keeps a width where they read, and scrolls.
    figure = phone.locator(
        "section.figure", has=phone.get_by_role("heading", name="Actions per year, by body")
    )
    label = figure.locator("svg text.label", has_text="2020")
    assert label.bounding_box()["height"] >= 10


def test_the_statistics_by_body_show_every_column_on_a_desktop(page, site):
    page.goto(site + "/statistics/")
    for heading in ("Actions per year, by body", "Actions per month, by body"):
        figure = page.locator("section.figure", has=page.get_by_role("heading", name=heading))
        if "month" in heading:
            figure.get_by_text("Table", exact=True).click()  # folded under the chart
        table = figure.locator(".table-scroll")
        expect(table.get_by_role("columnheader", name="Total")).to_be_visible()
        # Every column in view: the table does not run past its box.
        assert table.evaluate("box => box.scrollWidth <= box.clientWidth"), heading


def test_screenshots_at_desktop_and_phone_widths(page, phone, site, screenshot):
    pages = {
        "list": "/",
        "action": "/actions/2020-12-04-chn-20-2020/",
        "defender": "/defenders/a-nya-sengdra/",
    }
    for name, path in pages.items():
        for label, tab in (("desktop", page), ("phone", phone)):
            tab.goto(site + path)
            shot = screenshot(tab, f"{name}-{label}")
            assert shot.stat().st_size > 10_000
