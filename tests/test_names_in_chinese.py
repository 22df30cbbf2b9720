"""Terms and defenders named in Chinese: given by the sample data or an editor, shown on
the Chinese interface (the name where there is none), never on the English one."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from unactions.formats import searchtext
from unactions.records import models, vocabulary


def _texts(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(pattern, html, re.S)]


def test_the_sample_data_names_its_vocabulary_in_chinese_and_not_its_defenders(db):
    call_command("seed", stdout=io.StringIO())
    assert models.Issue.objects.get(name="arbitrary detention").name_zh == "任意拘留"
    assert models.Region.objects.get(name="Xinjiang").name_zh == "新疆"
    assert models.Government.objects.get(name="China").name_zh == "中国"
    wgad = models.Mechanism.objects.get(name="Working Group on Arbitrary Detention")
    assert wgad.name_zh == "任意拘留问题工作组"
    for model in (models.Issue, models.Region, models.Government, models.Mechanism):
        assert not model.objects.filter(name_zh="").exists(), model
    # A real person's name is for an editor to write, not for a guess.
    assert not models.Defender.objects.exclude(name_zh="").exists()


def test_an_editors_chinese_name_is_kept_and_unknown_names_are_left_aside(seeded):
    models.Issue.objects.filter(name="detention").update(name_zh="羁押")
    naming = vocabulary.name_in_chinese(
        {"issue": {"detention": "拘留", "torture": "酷刑", "xinjiang": "新疆"}}
    )
    assert (naming.named, naming.kept, naming.missing) == (1, 1, ["issue 'torture'"])
    assert models.Issue.objects.get(name="detention").name_zh == "羁押"
    assert models.Issue.objects.get(name="xinjiang").name_zh == "新疆"
    assert not models.Issue.objects.filter(name="torture").exists()


@pytest.fixture
def named(seeded):
    vocabulary.name_in_chinese(
        {
            "issue": {"arbitrary detention": "任意拘留"},
            "government": {"China": "中国"},
            "mechanism": {"Working Group on Arbitrary Detention": "任意拘留问题工作组"},
            "defender": {"Yu Wensheng": "余文生"},
        }
    )


def test_the_chinese_list_names_terms_in_chinese_and_the_english_list_in_english(client, named):
    chinese = client.get("/zh-hans/").content.decode()
    facets = _texts(chinese, r'<label for="f-[^"]*">(.*?)<span')
    assert "任意拘留" in facets and "中国" in facets and "余文生" in facets
    assert "任意拘留问题工作组" in facets
    # Without a Chinese name, the name itself.
    assert "enforced disappearance" in facets and "Ding Jiaxi" in facets
    assert "arbitrary detention" not in facets
    issues = _texts(chinese, r"<dt>议题</dt>\s*<dd>(.*?)</dd>")
    assert any("任意拘留" in line for line in issues)
    assert any("余文生" in line for line in _texts(chinese, r"<dd>(.*?)</dd>"))
    assert "中国" in _texts(chinese, r"<dd>(.*?)</dd>")  # sent to

    english = client.get("/").content.decode()
    assert "任意拘留" not in english and "余文生" not in english and "中国" not in english
    assert "arbitrary detention" in _texts(english, r'<label for="f-[^"]*">(.*?)<span')


def test_a_selected_terms_chip_and_its_mechanism_page_are_in_chinese(client, named):
    page = client.get("/zh-hans/", {"issue": "arbitrary-detention"}).content.decode()
    assert _texts(page, r'<a class="chip"[^>]*>(.*?)</a>') == ["任意拘留 ×"]
    page = client.get("/zh-hans/mechanisms/working-group-on-arbitrary-detention/")
    heading = _texts(page.content.decode(), r"<h1>(.*?)</h1>")[0]
    # The English name beside it, as UN documents in English give it.
    assert heading.startswith("任意拘留问题工作组") and "Working Group on Arbitrary" in heading
    page = client.get("/mechanisms/working-group-on-arbitrary-detention/").content.decode()
    assert "任意拘留问题工作组" not in page


def test_a_defenders_page_names_them_in_chinese_with_their_name_beside(client, named):
    page = client.get("/zh-hans/defenders/yu-wensheng/").content.decode()
    assert _texts(page, r"<h1>(.*?)</h1>") == ["余文生 Yu Wensheng"]
    assert _texts(page, r"<title>(.*?)</title>")[0].startswith("余文生")
    listed = _texts(client.get("/zh-hans/defenders/").content.decode(), r"<li>(.*?)</li>")
    assert any(line.startswith("余文生") for line in listed)
    english = client.get("/defenders/yu-wensheng/").content.decode()
    assert _texts(english, r"<h1>(.*?)</h1>") == ["Yu Wensheng"]


def test_the_chinese_statistics_name_terms_and_governments_in_chinese(client, named):
    page = client.get("/zh-hans/statistics/").content.decode()
    bars = _texts(page, r'<span class="bar-label">(.*?)</span>')
    assert "任意拘留" in bars and "任意拘留问题工作组" in bars and "arbitrary detention" not in bars
    governments = _texts(page, r'id="reply-by-government".*?<tbody>(.*?)</tbody>')[0]
    assert governments.startswith("中国")
    # Of a search too, counted by the facet index or without it.
    page = client.get("/zh-hans/statistics/", {"q": "lawyer"}).content.decode()
    assert "任意拘留" in _texts(page, r'<span class="bar-label">(.*?)</span>')


def test_a_merge_keeps_the_merged_terms_chinese_name(named):
    keep = models.Issue.objects.get(name="detention")
    other = models.Issue.objects.get(name="arbitrary detention")
    vocabulary.merge(keep, [other])
    keep.refresh_from_db()
    assert keep.name_zh == "任意拘留"
    # Its own, when it has one.
    models.Issue.objects.filter(name="tibet").update(name_zh="西藏")
    vocabulary.merge(keep, [models.Issue.objects.get(name="tibet")])
    keep.refresh_from_db()
    assert keep.name_zh == "任意拘留"


def test_admins_write_chinese_names_in_the_vocabularys_list_and_reviewers_cannot(
    client, named, alice, carol
):
    client.force_login(alice)
    page = client.get("/admin/records/issue/").content.decode()
    assert 'name="form-0-name_zh"' in page
    client.force_login(carol)
    page = client.get("/admin/records/issue/").content.decode()
    assert 'name="form-0-name_zh"' not in page and "任意拘留" in page


def _found(client, words: str) -> int:
    page = client.get("/zh-hans/", {"q": words}).content.decode()
    return int(re.search(r'data-count="(\d+)"', page).group(1))


def test_a_search_in_chinese_finds_the_actions_of_a_term_by_its_chinese_name(db, client):
    call_command("seed", stdout=io.StringIO())
    tagged = models.ActionIssue.objects.filter(issue__name="arbitrary detention").count()
    # No summary of the sample is in Chinese: the terms' names alone are found.
    assert tagged > 1 and _found(client, "任意拘留") >= tagged
    assert (
        _found(client, "任意拘留问题工作组")
        == models.Action.objects.filter(
            mechanism_term__name="Working Group on Arbitrary Detention"
        ).count()
    )
    # The region and the issue of that name both are 新疆.
    xinjiang = models.Action.objects.filter(region_links__region__name="Xinjiang")
    assert _found(client, "新疆") >= xinjiang.count() > 0


def test_a_chinese_name_typed_in_the_list_is_searched_at_once_without_a_new_version(
    client, seeded, alice
):
    yu = models.Defender.objects.get(name="Yu Wensheng")
    assert _found(client, "余文生") == 0
    versions = models.ActionVersion.objects.count()
    client.force_login(alice)
    response = client.post(
        "/admin/records/defender/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(yu.pk),
            "form-0-name_zh": "余文生",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert _found(client, "余文生") == yu.actions.count() > 0
    # A name in Chinese is not part of any record: the history is unchanged.
    assert models.ActionVersion.objects.count() == versions


def test_an_imported_action_is_found_by_its_terms_chinese_names(client, named, seed_records):
    from dataclasses import replace

    from unactions.records.loader import load_records

    record = replace(seed_records[0], id="new-one", issues=["arbitrary detention"])
    load_records([record])
    page = client.get("/zh-hans/", {"q": "任意拘留"}).content.decode()
    assert 'id="new-one"' in page


@pytest.mark.parametrize("large", [False, True], ids=["small load", "large load"])
def test_a_loaded_actions_search_text_holds_its_terms_chinese_names_as_reindexing_would(
    named, seed_records, monkeypatch, large
):
    """The loader writes each new action's text with the Chinese names of the terms at
    hand (all kinds, in `search.chinese_names`'s order), as `search.refresh` would."""
    from dataclasses import replace

    from unactions.records import loader, search
    from unactions.records.serialize import record_of

    if large:  # the large loads' path: the loader indexes new actions itself
        monkeypatch.setattr(loader, "BULK", 2)
    models.Region.objects.filter(name="Xinjiang").update(name_zh="新疆")
    yu = next(r for r in seed_records if "Yu Wensheng" in r.defenders)
    records = [
        replace(yu, id="new-one", issues=["arbitrary detention"], regions=["Xinjiang"]),
        replace(yu, id="new-two", defenders=[], issues=[], regions=[]),
    ]
    loader.load_records(records)
    loaded = models.Action.objects.with_record().filter(record_id__startswith="new-")
    for action in loaded:
        names = search.chinese_names(action)
        expected = search.document(record_of(action), action.mechanism_term.name, "", names)
        assert action.search_document == expected
    one = loaded.get(record_id="new-one")
    for name in ("中国", "任意拘留", "新疆", "余文生"):
        folded = searchtext.index_text(name).strip()  # each character apart
        assert name in search.chinese_names(one) and folded in one.search_document


def test_the_static_searchs_index_holds_the_chinese_names(client, named):
    entries = client.get("/search-index.json").json()
    yu = next(e for e in entries if searchtext.fold("Yu Wensheng") in e["x"])
    assert "余文生" in yu["x"]
