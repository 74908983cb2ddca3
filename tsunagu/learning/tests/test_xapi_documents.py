"""State, Activity Profile, Agent Profile, Activities and Agents resources (1.0.3 Communication §2.3–§2.6
and §3.1 concurrency; 9274.1.1 §4.1.6.2–§4.1.6.6)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tsunagu.learning.tests.conftest import Lrs, make_lrs, statement

pytestmark = pytest.mark.django_db

ACTIVITY = "https://drill.example.jp/q/1"
AGENT = json.dumps({"mbox": "mailto:taro@example.jp"})


def state_url(**extra: str) -> str:
    return "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def test_state_put_get_delete(lrs: Lrs) -> None:
    assert lrs.put({"page": 3}, state_url(stateId="bookmark")).status_code == 204
    response = lrs.get(state_url(stateId="bookmark"))
    assert response.status_code == 200
    assert response.json() == {"page": 3}
    assert response["ETag"].startswith('"')
    assert lrs.delete(state_url(stateId="bookmark")).status_code == 204
    assert lrs.get(state_url(stateId="bookmark")).status_code == 404


def test_state_post_merges_json_objects(lrs: Lrs) -> None:
    lrs.put({"page": 3, "font": "large"}, state_url(stateId="s"))
    assert lrs.post({"page": 4}, state_url(stateId="s")).status_code == 204
    assert lrs.get(state_url(stateId="s")).json() == {"page": 4, "font": "large"}


def test_state_post_merge_of_non_json_is_400(lrs: Lrs) -> None:
    lrs.put("plain text", state_url(stateId="t"), content_type="text/plain")
    assert lrs.post({"a": 1}, state_url(stateId="t")).status_code == 400


def test_state_ids_list_with_since(lrs: Lrs) -> None:
    lrs.put({"a": 1}, state_url(stateId="one"))
    lrs.put({"a": 2}, state_url(stateId="two"))
    assert lrs.get(state_url()).json() == ["one", "two"]
    assert lrs.get(state_url(since="2999-01-01T00:00:00Z")).json() == []


def test_state_registration_separates_documents(lrs: Lrs) -> None:
    registration = "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
    lrs.put({"a": 1}, state_url(stateId="s", registration=registration))
    assert lrs.get(state_url(stateId="s")).status_code == 404
    assert lrs.get(state_url(stateId="s", registration=registration)).json() == {"a": 1}


def test_state_delete_without_id_deletes_all(lrs: Lrs) -> None:
    lrs.put({"a": 1}, state_url(stateId="one"))
    lrs.put({"a": 2}, state_url(stateId="two"))
    assert lrs.delete(state_url()).status_code == 204
    assert lrs.get(state_url()).json() == []


def test_state_needs_activity_and_agent(lrs: Lrs) -> None:
    assert lrs.get("/xapi/activities/state?" + urlencode({"agent": AGENT})).status_code == 400
    assert lrs.get("/xapi/activities/state?" + urlencode({"activityId": ACTIVITY})).status_code == 400
    bad_agent = "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": '{"name":"x"}'})
    assert lrs.get(bad_agent).status_code == 400


def profile_url(**extra: str) -> str:
    return "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def test_profile_put_to_existing_without_precondition_is_409(lrs: Lrs) -> None:
    assert lrs.put({"v": 1}, profile_url(profileId="p")).status_code == 204
    assert lrs.put({"v": 2}, profile_url(profileId="p")).status_code == 409


def test_profile_if_match_with_current_etag_succeeds_and_stale_is_412(lrs: Lrs) -> None:
    lrs.put({"v": 1}, profile_url(profileId="p"))
    etag = lrs.get(profile_url(profileId="p"))["ETag"]
    assert lrs.put({"v": 2}, profile_url(profileId="p"), HTTP_IF_MATCH=etag).status_code == 204
    assert lrs.put({"v": 3}, profile_url(profileId="p"), HTTP_IF_MATCH=etag).status_code == 412
    assert lrs.get(profile_url(profileId="p")).json() == {"v": 2}


def test_profile_if_none_match_star_on_existing_is_412(lrs: Lrs) -> None:
    assert lrs.put({"v": 1}, profile_url(profileId="p"), HTTP_IF_NONE_MATCH="*").status_code == 204
    assert lrs.put({"v": 2}, profile_url(profileId="p"), HTTP_IF_NONE_MATCH="*").status_code == 412


def test_profile_delete_with_stale_if_match_is_412(lrs: Lrs) -> None:
    lrs.put({"v": 1}, profile_url(profileId="p"))
    assert lrs.delete(profile_url(profileId="p"), HTTP_IF_MATCH='"stale"').status_code == 412
    assert lrs.delete(profile_url(profileId="p")).status_code == 204


def test_agent_profile_round_trip(lrs: Lrs) -> None:
    url = "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    assert lrs.put({"furigana": True}, url).status_code == 204
    assert lrs.get(url).json() == {"furigana": True}
    listing = lrs.get("/xapi/agents/profile?" + urlencode({"agent": AGENT}))
    assert listing.json() == ["prefs"]


def test_non_json_document_is_returned_with_its_content_type(lrs: Lrs) -> None:
    lrs.put(b"\x00\x01binary", state_url(stateId="bin"), content_type="application/octet-stream")
    response = lrs.get(state_url(stateId="bin"))
    assert response.content == b"\x00\x01binary"
    assert response["Content-Type"] == "application/octet-stream"


def test_documents_need_their_permission(ward: object) -> None:
    writer = make_lrs(ward, permissions=["statements/write"])
    assert writer.get(state_url()).status_code == 403
    assert writer.get(profile_url()).status_code == 403


def test_activities_returns_canonical_definition(lrs: Lrs) -> None:
    lrs.post(statement())
    response = lrs.get("/xapi/activities", {"activityId": ACTIVITY})
    assert response.status_code == 200
    assert response.json()["definition"]["name"] == {"ja": "問1"}
    unknown = lrs.get("/xapi/activities", {"activityId": "https://example.jp/unknown"})
    assert unknown.json() == {"objectType": "Activity", "id": "https://example.jp/unknown"}
    assert lrs.get("/xapi/activities").status_code == 400


def test_agents_returns_a_person(lrs: Lrs) -> None:
    lrs.post(statement())
    response = lrs.get("/xapi/agents", {"agent": AGENT})
    assert response.status_code == 200
    person = response.json()
    assert person["objectType"] == "Person"
    assert person["mbox"] == ["mailto:taro@example.jp"]
    assert lrs.get("/xapi/agents", {"agent": '{"name": "x"}'}).status_code == 400
