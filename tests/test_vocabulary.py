"""Editable vocabularies: renaming and merging terms update every action; retiring."""

from __future__ import annotations

import json

import pytest

from unactions.records import history, search, vocabulary
from unactions.records.history import snapshot
from unactions.records.models import Action, ActionVersion, Defender, Issue, Mechanism
from unactions.records.serialize import record_of


def issue_names(record_id: str) -> list[str]:
    return Action.objects.with_record().get(record_id=record_id).issue_names()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_renaming_an_issue_updates_its_actions(client, seeded, alice, language):
    # The history's comment is in English whatever the editor's language.
    issue = Issue.objects.get(name="human rights lawyer")
    client.force_login(alice)
    response = client.post(
        f"/admin/records/issue/{issue.pk}/change/",
        {"name": "human rights lawyers (profession)", "slug": issue.slug},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    assert issue_names("2020-12-16-special-procedures-press-release") == [
        "human rights lawyers (profession)",
        "arbitrary detention",
    ]
    version = ActionVersion.objects.filter(
        record_id="2020-12-16-special-procedures-press-release"
    ).first()
    assert (version.author, version.comment) == (
        "alice",
        "issue renamed to human rights lawyers (profession)",
    )
    # The import's first version still reads as the action was before the rename.
    first = ActionVersion.objects.filter(
        record_id="2020-12-16-special-procedures-press-release"
    ).last()
    assert first.data["issues"] == ["human rights lawyer", "arbitrary detention"]
    assert "profession" in client.get("/?q=profession").content.decode()


def test_merging_two_issue_tags(client, seeded, alice):
    keep = Issue.objects.get(name="human rights lawyers")
    other = Issue.objects.get(name="human rights lawyer")
    client.force_login(alice)
    response = client.post(
        "/admin/records/issue/",
        {"action": "merge_terms", "_selected_action": [keep.pk, other.pk], "into": str(keep.pk)},
    )
    assert response.status_code == 302
    assert not Issue.objects.filter(pk=other.pk).exists()
    assert issue_names("2020-12-16-special-procedures-press-release") == [
        "human rights lawyers",
        "arbitrary detention",
    ]
    first = ActionVersion.objects.filter(
        record_id="2020-12-16-special-procedures-press-release"
    ).last()
    assert first.data["issues"] == ["human rights lawyer", "arbitrary detention"]
    data = json.loads(client.get("/actions.json?issue=human-rights-lawyers").getvalue())
    assert [r["id"] for r in data] == [
        "2020-12-16-special-procedures-press-release",
        "2020-12-04-chn-20-2020",
    ]


def test_merging_when_an_action_has_both_terms(seeded):
    keep = Issue.objects.get(name="arbitrary detention")
    other = Issue.objects.get(name="enforced disappearance")
    vocabulary.merge(keep, [keep, other])
    assert issue_names("2020-12-04-chn-20-2020") == ["arbitrary detention", "human rights lawyers"]


def test_the_merge_asks_which_term_to_keep(client, seeded, alice):
    a, b = Issue.objects.filter(name__in=["detention", "arbitrary detention"])
    client.force_login(alice)
    response = client.post(
        "/admin/records/issue/", {"action": "merge_terms", "_selected_action": [a.pk, b.pk]}
    )
    assert response.status_code == 200
    assert (
        "Every action that uses one of these terms will use the one you keep"
        in response.content.decode()
    )
    assert Issue.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_a_retired_term_stays_on_old_records_but_is_not_offered(client, seeded, alice, bob):
    issue = Issue.objects.get(name="covid-19")
    client.force_login(alice)
    client.post("/admin/records/issue/", {"action": "retire_terms", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.retired
    assert "covid-19" in issue_names("2020-05-07-special-procedures-allegation-letter")
    client.force_login(bob)
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "covid",
            "app_label": "records",
            "model_name": "actionissue",
            "field_name": "issue",
        },
    ).json()
    assert found["results"] == []
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "arbitrary",
            "app_label": "records",
            "model_name": "actionissue",
            "field_name": "issue",
        },
    ).json()
    assert {r["text"] for r in found["results"]} == {
        "arbitrary detention",
        "arbitrary arrest",
        "arbitrary detention and sentencing",
    }


def test_reindexing_in_chunks_writes_what_each_action_alone_would(seeded, monkeypatch):
    # Chinese names of each kind, as the search text holds them.
    Issue.objects.filter(name="arbitrary detention").update(name_zh="任意拘留")
    Defender.objects.filter(name="Yu Wensheng").update(name_zh="余文生")
    Mechanism.objects.filter(body="upr").update(name_zh="普遍定期审议")
    Action.objects.update(search_document="")
    monkeypatch.setattr(search, "CHUNK", 5)  # 22 actions: five chunks
    search.refresh(Action.objects.values_list("pk", flat=True))
    for action in Action.objects.with_record():
        expected = search.document(
            record_of(action),
            action.mechanism_term.name,
            action.summary_zh,
            search.chinese_names(action),
        )
        assert action.search_document == expected, action.record_id
    assert search.search(Action.objects.all(), "余文生").count() == 1


def test_a_term_in_many_actions_changes_them_a_chunk_at_a_time(seeded, monkeypatch):
    monkeypatch.setattr(vocabulary, "CHUNK", 4)
    issue = Issue.objects.get(name="arbitrary detention")
    using = vocabulary.actions_using([issue])
    before = dict(Action.objects.filter(pk__in=using).values_list("pk", "revision"))
    history.keep(using)  # as the admin does before a rename
    issue.name = "detention without trial"
    issue.save()
    vocabulary.actions_changed(using, comment="issue renamed to detention without trial")
    assert len(using) > 4
    for action_id in using:
        first = ActionVersion.objects.filter(action_id=action_id).order_by("pk")[0]
        assert "arbitrary detention" in first.data["issues"]
    for action in Action.objects.with_record().filter(pk__in=using):
        assert action.revision == before[action.pk] + 1
        assert "detention without trial" in action.issue_names()
        latest = ActionVersion.objects.filter(record_id=action.record_id).order_by("-pk")[0]
        assert (latest.number, latest.kind) == (action.revision, "updated")
        assert latest.data == snapshot(action)
        assert "detention without trial" in action.search_document


def test_merging_two_terms_an_action_has_both_of_into_a_third(seeded):
    keep = Issue.objects.create(name="detention (all kinds)", slug="detention-all-kinds")
    merged = Issue.objects.filter(name__in=["arbitrary detention", "enforced disappearance"])
    vocabulary.merge(keep, list(merged))
    # The first of the two keeps its place; the second goes.
    assert issue_names("2020-12-04-chn-20-2020") == [
        "detention (all kinds)",
        "human rights lawyers",
    ]
    assert not Issue.objects.filter(name="enforced disappearance").exists()
    assert issue_names("2020-12-16-special-procedures-press-release") == [
        "human rights lawyer",
        "detention (all kinds)",
    ]
