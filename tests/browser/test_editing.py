"""An editor logs in, imports a file through the preview, and edits an action."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD, SEED_TEXT


def log_in(page, base_url: str, username: str = "bob") -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_import_with_preview_then_confirm(page, live_server, editor, tmp_path, screenshot):
    seed = tmp_path / "china-2020.txt"
    seed.write_text(SEED_TEXT, encoding="utf-8")
    log_in(page, live_server.url)
    page.get_by_role("link", name="Actions", exact=True).first.click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(seed))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".import-summary")).to_have_text("22 to create, 0 to update, 0 unchanged.")
    screenshot(page, "import-preview")
    # Nothing is stored before confirming.
    public = page.context.new_page()
    public.goto(live_server.url + "/")
    expect(public.locator(".result-count")).to_have_text("0 actions")
    public.close()
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported china-2020.txt: 22 created, 0 updated, 0 unchanged."
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(22)
    page.goto(live_server.url + "/")
    expect(page.locator(".result-count")).to_have_text("22 actions")


def test_the_actions_tools_leave_the_title_readable(page, live_server, editor, django_user_model):
    from django.contrib.auth.models import Group

    from unactions.records.roles import ADMIN

    # An administrator has every tool of the list (seven), the deleted actions' too
    # (the `editor` fixture made the roles).
    admin = django_user_model.objects.create_user("ana", "ana@example.org", PASSWORD, is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMIN))
    log_in(page, live_server.url, "ana")
    page.goto(live_server.url + "/admin/records/action/")
    # The box of the title's words (the heading's own box spans the whole width).
    title = page.get_by_role("heading", name="Select action to change").evaluate(
        """heading => {
            const range = document.createRange();
            range.selectNodeContents(heading);
            const box = range.getBoundingClientRect();
            return {x: box.x, y: box.y, width: box.width, height: box.height};
        }"""
    )
    tools = page.locator(".object-tools a")
    expect(tools.first).to_be_visible()
    for box in (tools.nth(i).bounding_box() for i in range(tools.count())):
        overlap = not (
            box["x"] >= title["x"] + title["width"]
            or box["x"] + box["width"] <= title["x"]
            or box["y"] >= title["y"] + title["height"]
            or box["y"] + box["height"] <= title["y"]
        )
        assert not overlap, (box, title)


def test_the_actions_list_and_form_fit_a_laptops_screen(page, live_server, editor, seed_records):
    from unactions.records.loader import load_records

    load_records(seed_records)
    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/records/action/")
    results = page.locator("#changelist .results")
    expect(results.get_by_role("link", name="24 November 2020")).to_be_visible()
    # Every column in view at 1280 px: the table does not run past its box (beside
    # Django's sidebar of every model, the mechanism on one line, it did).
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    # Its form shows long identifiers and names whole (the admin's 20 em cut them).
    results.get_by_role("link", name="24 November 2020").click()
    expect(page.get_by_role("heading", name="Change action")).to_be_visible()
    for name in ("record_id", "mechanism", "action"):
        field = page.locator(f"#id_{name}")
        assert field.evaluate("box => box.scrollWidth <= box.clientWidth"), name
    chosen = page.locator(".field-mechanism_term .select2-selection__rendered")
    expect(chosen).to_have_text(re.compile("Committee on the Elimination of Racial"))
    assert chosen.evaluate("box => box.scrollWidth <= box.clientWidth")


def test_an_import_with_errors_stores_nothing(page, live_server, editor, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_TEXT.replace("Date: | 9 March 2020 |", "Date: | 9 Marhc 2020 |"))
    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/records/action/import/")
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_role("button", name="Preview").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported from broken.txt")
    expect(alert).to_contain_text("entry 22 (9 Marhc 2020): cannot read the date")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    page.goto(live_server.url + "/admin/records/action/")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)


def test_editing_an_action_and_meeting_a_conflict(
    browser, page, live_server, editor, outside_requests
):
    from tests.browser.conftest import _context
    from unactions.formats.page import parse_page
    from unactions.records.loader import load_records
    from unactions.records.models import Action

    load_records(parse_page(SEED_TEXT).records)
    pk = Action.objects.get(record_id="2020-12-04-chn-20-2020").pk
    url = f"{live_server.url}/admin/records/action/{pk}/change/"

    other = _context(browser, outside_requests).new_page()
    log_in(other, live_server.url)
    other.goto(url)

    log_in(page, live_server.url)
    page.goto(url)
    page.get_by_label("Summary:", exact=True).fill("The UN experts wrote about Qin Yongpei.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    other.get_by_label("Mandates:").fill("7")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.locator(".errornote, .errorlist").first).to_be_visible()
    expect(other.locator("#content-main")).to_contain_text("your changes were NOT saved")
    expect(other.locator("#content-main")).to_contain_text(
        "The UN experts wrote about Qin Yongpei."
    )
    other.context.close()

    page.goto(live_server.url + "/actions/2020-12-04-chn-20-2020/")
    expect(page.locator(".summary")).to_have_text("The UN experts wrote about Qin Yongpei.")
    page.goto(url.replace("/change/", "/history/"))
    expect(page.locator(".version").first).to_contain_text(re.compile(r"Revision 2: updated"))
    expect(page.locator(".version").first).to_contain_text("by bob")


def test_an_editor_names_a_defender_in_chinese_and_chinese_readers_find_them(
    page, live_server, editor
):
    from unactions.formats.page import parse_page
    from unactions.records.loader import load_records

    load_records(parse_page(SEED_TEXT).records)
    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/records/defender/")
    row = page.locator("#result_list tbody tr", has_text="Yu Wensheng")
    row.locator("input[name$='-name_zh']").fill("余文生")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = page.context.new_page()
    reader.goto(live_server.url + "/zh-hans/defenders/yu-wensheng/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("余文生 Yu Wensheng")
    reader.goto(live_server.url + "/zh-hans/")
    reader.locator("#q").fill("余文生")
    reader.get_by_role("button", name="搜索", exact=True).click()
    expect(reader.locator(".result-count")).to_have_attribute("data-count", "1")
    expect(reader.locator("article.action").first).to_contain_text("余文生")
    # The English interface keeps the name.
    reader.goto(live_server.url + "/defenders/yu-wensheng/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Yu Wensheng")
