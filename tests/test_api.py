"""The open read API and writing through it with a personal token."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from unactions.api.models import ApiToken
from unactions.records.models import Action, ActionVersion

from .paging import walk


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


class TestReading:
    def test_the_index_links_everything(self, client, seeded):
        data = get(client, "/api/v1/")
        assert data["openapi"] == "http://testserver/api/v1/openapi.json"

    def test_actions_with_the_sites_filters_and_search(self, client, seeded):
        data = get(client, "/api/v1/actions?type=allegation_letter&region=hong-kong")
        assert data["count"] == 1
        assert data["next"] is None
        assert [a["id"] for a in data["actions"]] == [
            "2020-05-03-special-procedures-allegation-letter"
        ]
        data = get(client, "/api/v1/actions?q=Qin+Yongpei")
        assert data["actions"][0]["defenders"] == ["Qin Yongpei", "Chang Weiping"]

    def test_records_are_the_schema(self, client, seeded):
        from unactions.formats.record import SCHEMA_KEYS

        record = get(client, "/api/v1/actions/2020-12-04-chn-20-2020")
        assert tuple(record) == SCHEMA_KEYS
        assert record["response"]["date"] == "2020-12-28"

    def test_cursor_pagination_walks_every_action_once(self, client, seeded, seed_records):
        seen, _ = walk(client, "/api/v1/actions?limit=5", len(seed_records))
        assert seen == [r.id for r in seed_records]

    def test_cursor_pagination_oldest_first_and_by_relevance(self, client, seeded, seed_records):
        seen, _ = walk(client, "/api/v1/actions?limit=7&sort=oldest", len(seed_records))
        assert sorted(seen) == sorted(r.id for r in seed_records) and len(seen) == 22
        assert seen[0] == "2020-03-09-chn-6-2020"
        first = get(client, "/api/v1/actions?q=detention&limit=3")
        second = get(client, first["next"])
        assert not {a["id"] for a in first["actions"]} & {a["id"] for a in second["actions"]}

    def test_facets(self, client, seeded):
        data = get(client, "/api/v1/facets?type=urgent_appeal")
        assert {v["value"]: v["count"] for v in data["facets"]["region"]} == {
            "mainland-china": 2,
            "tibet": 1,
        }

    def test_defenders_and_mechanisms(self, client, seeded):
        names = {d["name"]: d["actions"] for d in get(client, "/api/v1/defenders")["defenders"]}
        assert names["A-Nya Sengdra"] == 2
        timeline = get(client, "/api/v1/defenders/a-nya-sengdra")
        assert [a["date"] for a in timeline["actions"]] == ["2020-05-12", "2020-05-19"]
        mechanisms = get(client, "/api/v1/mechanisms")["mechanisms"]
        assert {m["slug"]: m["actions"] for m in mechanisms}[
            "working-group-on-arbitrary-detention"
        ] == 2

    @pytest.mark.parametrize("key", ["defenders", "mechanisms"])
    def test_defenders_and_mechanisms_are_paged(self, client, seeded, key):
        whole = get(client, f"/api/v1/{key}?limit=500")
        slugs = [item["slug"] for item in whole[key]]
        assert whole["count"] == len(slugs) > 4
        assert whole["next"] is None
        names = [item["name"] for item in whole[key]]
        assert names == sorted(names, key=str.casefold)
        seen, counts = walk(client, f"/api/v1/{key}?limit=4", len(slugs), key, "slug")
        assert seen == slugs
        assert counts == [len(slugs)] * -(-len(slugs) // 4)
        assert len(get(client, f"/api/v1/{key}")[key]) == min(len(slugs), 50)

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("limit=501", "limit: '501' must be a number from 1 to 500"),
            ("cursor=garbage!", "cursor: not a cursor this API gave"),
            ("cursor=eyJvZmZzZXQiOiAtMX0", "cursor: not a cursor this API gave"),  # -1
        ],
    )
    def test_a_bad_page_of_defenders(self, client, seeded, query, message):
        data = get(client, f"/api/v1/defenders?{query}", status=400)
        assert data["error"]["message"] == message

    def test_drafts_and_embargoes_stay_out(self, client, seeded):
        Action.objects.filter(record_id="2020-12-04-chn-20-2020").update(status="draft")
        Action.objects.filter(record_id="2020-03-09-chn-6-2020").update(
            embargo_until=dt.date.today() + dt.timedelta(days=1)
        )
        assert get(client, "/api/v1/actions")["count"] == 20
        get(client, "/api/v1/actions/2020-12-04-chn-20-2020", status=404)
        assert "Qin Yongpei" not in str(get(client, "/api/v1/defenders"))

    def test_the_openapi_description(self, client, seeded):
        data = get(client, "/api/v1/openapi.json")
        assert data["openapi"] == "3.1.0"
        assert set(data["paths"]) >= {"/actions", "/actions/{id}", "/facets", "/defenders"}
        assert (
            data["components"]["schemas"]["Record"]["properties"]["action_type"]["enum"][0]
            == "press_release"
        )
        for path, key in [("/actions", "actions"), ("/defenders", "defenders")]:
            described = data["paths"][path]["get"]
            assert {"limit", "cursor"} <= {p["name"] for p in described["parameters"]}
            answer = described["responses"]["200"]["content"]["application/json"]["schema"]
            assert set(answer["properties"]) == {"count", "next", key}


class TestErrors:
    @pytest.mark.parametrize(
        "url, status, message",
        [
            (
                "/api/v1/actions?from=yesterday",
                400,
                "from: 'yesterday' is not a date written YYYY-MM-DD",
            ),
            (
                "/api/v1/actions?from=2020-12-01&to=2020-01-31",
                400,
                "from: 2020-12-01 is after to: 2020-01-31",
            ),
            ("/api/v1/actions?limit=0", 400, "limit: '0' must be a number from 1 to 500"),
            ("/api/v1/actions?cursor=garbage!", 400, "cursor: not a cursor this API gave"),
            (
                "/api/v1/actions?sort=random",
                400,
                "sort: 'random' is not one of relevance, newest, oldest",
            ),
            ("/api/v1/actions/nope", 404, "no published action 'nope'"),
            ("/api/v1/nowhere", 404, "no such API address: /api/v1/nowhere"),
        ],
    )
    def test_errors_are_json(self, client, seeded, url, status, message):
        data = get(client, url, status=status)
        assert data == {"error": {"status": status, "message": message}}

    @pytest.mark.parametrize(
        "url, unknown",
        [
            ("/api/v1/actions?date_from=2020-06-01", "'date_from'"),
            ("/api/v1/actions?issues=detention&page=2", "'issues', 'page'"),
            ("/api/v1/facets?limit=5", "'limit'"),
            ("/api/v1/defenders?q=wang", "'q'"),
        ],
    )
    def test_a_misspelt_parameter_is_named_not_ignored(self, client, seeded, url, unknown):
        # Ignored, it returned every action as if they were the filtered ones.
        message = get(client, url, status=400)["error"]["message"]
        assert message.startswith(f"unknown parameter {unknown}: this list takes ")
        path = url.split("?")[0].removeprefix("/api/v1")
        described = get(client, "/api/v1/openapi.json")["paths"][path]["get"]["parameters"]
        assert message.endswith(", ".join(p["name"] for p in described))

    def test_the_parameters_described_are_taken(self, client, seeded):
        names = [
            p["name"]
            for p in get(client, "/api/v1/openapi.json")["paths"]["/actions"]["get"]["parameters"]
        ]
        assert {"q", "from", "to", "sort", "issue", "limit", "cursor"} <= set(names)
        data = get(client, "/api/v1/actions?issue=arbitrary-detention&from=2020-06-01&limit=2")
        assert data["count"] >= 1
        assert all(a["date"] >= "2020-06-01" for a in data["actions"])

    @pytest.mark.parametrize(
        "position", [{"offset": -5}, {"offset": "x"}, {"date": "someday", "pk": 1}, {"pk": 1}, [1]]
    )
    def test_a_forged_cursor(self, client, seeded, position):
        import base64
        import json

        cursor = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        query = "q=detention&" if "offset" in str(position) else ""
        data = get(client, f"/api/v1/actions?{query}cursor={cursor}", status=400)
        assert data["error"]["message"] == "cursor: not a cursor this API gave"

    def test_a_wrong_method(self, client, seeded):
        response = client.patch("/api/v1/actions")
        assert response.status_code == 405
        assert response["Allow"] == "GET, POST"


class TestWriting:
    @pytest.fixture
    def token(self, bob):
        return ApiToken.issue(bob, "tests")[1]

    def put(self, client, record, key=None, record_id=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        return client.put(
            f"/api/v1/actions/{record_id or record['id']}",
            record,
            content_type="application/json",
            **headers,
        )

    def test_an_editor_updates_a_record(self, client, seeded, token, bob):
        record = seeded[1].to_dict()
        record["summary"] = "Updated through the API."
        response = self.put(client, record, token)
        assert response.status_code == 200
        assert response.json() == {
            "created": [],
            "updated": ["2020-12-04-chn-20-2020"],
            "unchanged": [],
        }
        assert (
            Action.objects.get(record_id="2020-12-04-chn-20-2020").summary
            == "Updated through the API."
        )
        version = ActionVersion.objects.filter(record_id="2020-12-04-chn-20-2020").first()
        assert (version.user, version.comment) == (bob, "written through the API")

    def test_an_editor_creates_records(self, client, db, token, seed_records):
        response = client.post(
            "/api/v1/actions",
            [r.to_dict() for r in seed_records[:3]],
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 201
        assert len(response.json()["created"]) == 3

    def test_without_a_token(self, client, seeded):
        response = self.put(client, seeded[1].to_dict())
        assert response.status_code == 401
        assert response.json()["error"]["message"].startswith("writing needs a personal token")
        assert self.put(client, seeded[1].to_dict(), "ua_wrong").status_code == 401

    def test_a_reviewer_may_not_write(self, client, seeded, carol):
        key = ApiToken.issue(carol, "tests")[1]
        response = self.put(client, seeded[1].to_dict(), key)
        assert response.status_code == 403
        assert "carol may not do this" in response.json()["error"]["message"]

    def test_bad_records_store_nothing(self, client, seeded, token):
        records = [copy.deepcopy(r).to_dict() for r in seeded[:2]]
        records[0]["summary"] = "Changed."
        records[1]["date"] = "someday"
        response = client.post(
            "/api/v1/actions",
            records,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["message"] == "nothing was stored: the records have problems"
        assert error["problems"] == ["record 2: 'date' must be a date written YYYY-MM-DD"]
        assert not Action.objects.filter(summary="Changed.").exists()

    def test_the_address_and_the_record_must_agree(self, client, seeded, token):
        response = self.put(client, seeded[1].to_dict(), token, record_id="other-id")
        assert response.status_code == 400

    def test_not_json(self, client, seeded, token):
        response = client.post(
            "/api/v1/actions",
            "{oops",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith("the body is not JSON")

    def test_delete_needs_the_permission_and_can_be_recovered(self, client, seeded, token, alice):
        response = client.delete(
            "/api/v1/actions/2020-12-04-chn-20-2020", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 204  # bob, an editor, may delete
        assert ActionVersion.objects.filter(
            record_id="2020-12-04-chn-20-2020", kind="deleted"
        ).exists()
        key = ApiToken.issue(alice, "x")[1]
        assert (
            client.delete("/api/v1/actions/nope", HTTP_AUTHORIZATION=f"Bearer {key}").status_code
            == 404
        )
