"""The Chinese catalogue: every message translated, the public pages' and the editors'."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path

import unactions

CATALOGUE = Path(unactions.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def entries() -> list[str]:
    """The catalogue's entries but its header."""
    return CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]


def test_every_message_has_its_chinese():
    untranslated = [
        entry
        for entry in entries()
        if not entry.startswith("#~")  # obsolete
        and re.search(r'^msgstr(\[0\])? ""$(?!\n")', entry, re.M)
    ]
    assert untranslated == []


def test_no_translation_is_a_guess():
    # Django leaves out a "fuzzy" translation (makemessages' guess from a similar
    # message): the page shows the English.
    assert [entry for entry in entries() if re.search(r"^#,.*\bfuzzy\b", entry, re.M)] == []


def test_the_compiled_catalogue_holds_the_translations_of_the_script():
    # scripts/translate_zh.py once replaced the first line of a long translation and
    # left the others: after each `makemessages`, the import form's help in Chinese
    # said the same thing once more (three times at the end).
    path = Path(unactions.__file__).parent.parent / "scripts/translate_zh.py"
    spec = importlib.util.spec_from_file_location("translate_zh", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    wrong = {
        message: found
        for message, chinese in script.ZH.items()
        if (found := catalogue.get(message, catalogue.get((message, 0), chinese))) != chinese
    }
    assert wrong == {}


def test_the_statistics_page_in_chinese(client, seeded):
    html = client.get("/zh-hans/statistics/").content.decode()
    assert "22 项已发布行动的统计" in html
    assert "Figures for" not in html


def test_a_search_that_cannot_be_understood_is_explained_in_the_pages_language(client, seeded):
    response = client.get("/zh-hans/?from=2020-12-01&to=2020-01-31")
    assert response.status_code == 400
    assert "from：2020-12-01 晚于 to：2020-01-31" in response.content.decode()
    response = client.get("/zh-hans/statistics/?year=abc")
    assert "year：&#x27;abc&#x27; 不是年份" in response.content.decode()
    # The API has no language in its addresses: English, whatever the reader's browser.
    response = client.get("/api/v1/actions?from=yesterday", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["error"]["message"] == (
        "from: 'yesterday' is not a date written YYYY-MM-DD"
    )
