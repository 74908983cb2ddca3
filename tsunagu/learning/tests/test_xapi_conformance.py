"""Requirements of xAPI 1.0.3 and 2.0.0 (9274.1.1) that the other LRS tests did not check, found by
going through STANDARDS.md §2 section by section (and the requirement list of ADL's LRS conformance
suite); each test is named after its requirement and runs in both versions where both have it."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from tsunagu.learning.models import Statement, XapiDocument
from tsunagu.learning.tests.conftest import Lrs, new_id, statement
from tsunagu.learning.tests.test_xapi_attachments import attachment, multipart, post_multipart

pytestmark = pytest.mark.django_db

ACTIVITY = "https://drill.example.jp/q/1"
AGENT = json.dumps({"mbox": "mailto:taro@example.jp"})
GROUP = {"objectType": "Group", "mbox": "mailto:han-1@example.jp", "name": "1班"}


@pytest.fixture(params=["1.0.3", "2.0.0"])
def v(request: Any, lrs: Lrs) -> Lrs:
    """The learning app speaking each version in turn."""
    lrs.version = str(request.param)
    return lrs


def state_url(**extra: str) -> str:
    return "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def profile_url(**extra: str) -> str:
    return "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def agent_profile_url(agent: Any = AGENT, **extra: str) -> str:
    value = agent if isinstance(agent, str) else json.dumps(agent)
    return "/xapi/agents/profile?" + urlencode({"agent": value, **extra})


# --- Communication §1: HEAD, headers, content types, sizes --------------------------------------------


def test_head_answers_the_headers_of_a_get_without_a_body(v: Lrs) -> None:
    """An LRS accepts HEAD on every resource that accepts GET, answering GET's headers, no body."""
    v.post(statement(id=new_id()))
    response = v.http.head("/xapi/statements", **v.headers())
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Experience-API-Version"] == v.version
    assert "X-Experience-API-Consistent-Through" in response
    v.put({"page": 1}, state_url(stateId="s"))
    head = v.http.head(state_url(stateId="s"), **v.headers())
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == v.get(state_url(stateId="s"))["ETag"]


def test_version_header_names_the_version_the_lrs_answers_in(v: Lrs) -> None:
    """A request of any 1.0.x (or 2.0.x) is answered as 1.0.3 (2.0.0); a missing patch is accepted."""
    short = v.version[:3]
    response = v.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION=short)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == v.version
    assert v.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.1.0").status_code == 400
    assert v.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="0.95").status_code == 400


def test_statements_in_another_content_type_than_json_or_multipart_mixed_are_400(v: Lrs) -> None:
    """XAPI-00127: a statement PUT or POST whose Content-Type is neither application/json nor
    multipart/mixed is refused with 400 (multipart/form-data too), and nothing is written."""
    body = statement(id=new_id())
    form = v.http.post(
        "/xapi/statements",
        json.dumps(body),
        content_type="multipart/form-data; boundary=xyzzy",
        **v.headers(),
    )
    assert form.status_code == 400
    text = v.http.post("/xapi/statements", json.dumps(body), content_type="text/plain", **v.headers())
    assert text.status_code == 400
    assert not Statement.objects.filter(statement_id=body["id"]).exists()
    with_charset = v.http.post(
        "/xapi/statements", json.dumps(body), content_type="application/json; charset=utf-8", **v.headers()
    )
    assert with_charset.status_code == 200


def test_multipart_mixed_without_attachment_parts_is_accepted(v: Lrs) -> None:
    """XAPI-00127: multipart/mixed with only the statement part, or attachments given by fileUrl."""
    data, ctype = multipart(statement(id=new_id()), [])
    assert post_multipart(v, data, ctype).status_code == 200
    by_url = statement(
        id=new_id(), attachments=[attachment(b"x") | {"fileUrl": "https://drill.example.jp/f"}]
    )
    data, ctype = multipart(by_url, [])
    assert post_multipart(v, data, ctype).status_code == 200


def test_multipart_mixed_without_a_boundary_is_400(v: Lrs) -> None:
    """XAPI-00131: a multipart/mixed request without a boundary parameter is refused with 400."""
    data, _ctype = multipart(statement(id=new_id()), [])
    assert post_multipart(v, data, "multipart/mixed").status_code == 400


def test_a_body_larger_than_the_lrs_accepts_is_413(v: Lrs) -> None:
    """Communication §3.2: 413 Request Entity Too Large, before the body is read."""
    response = v.post(statement(id=new_id()), CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["error"]["message"]


# --- Communication §2.1: statements --------------------------------------------------------------------


def test_statement_results_are_json_with_a_consistent_through_timestamp(v: Lrs) -> None:
    """The Statement Resource's GET answers application/json and X-Experience-API-Consistent-Through
    (an ISO 8601 instant) on single and filtered requests alike."""
    statement_id = v.post(statement(id=new_id())).json()[0]
    for params in ({"statementId": statement_id}, {"verb": "http://adlnet.gov/expapi/verbs/answered"}):
        response = v.get("/xapi/statements", params)
        assert response["Content-Type"].startswith("application/json")
        assert re.match(
            r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$",
            response["X-Experience-API-Consistent-Through"],
        )


def test_limit_zero_means_the_server_maximum(v: Lrs) -> None:
    """limit=0 asks for as many statements as the LRS allows."""
    v.post([statement(id=new_id()) for _ in range(3)])
    assert len(v.get("/xapi/statements", {"limit": "0"}).json()["statements"]) >= 3


def test_agent_filter_matches_an_identified_group(v: Lrs) -> None:
    """The agent parameter may be an identified Group: statements whose actor is that group."""
    body = statement(id=new_id(), actor=GROUP)
    v.post(body)
    v.post(statement(id=new_id()))
    got = v.get("/xapi/statements", {"agent": json.dumps({"objectType": "Group", "mbox": GROUP["mbox"]})})
    assert [s["id"] for s in got.json()["statements"]] == [body["id"]]


def test_since_and_until_must_be_timestamps(v: Lrs) -> None:
    assert v.get("/xapi/statements", {"since": "yesterday"}).status_code == 400
    assert v.get("/xapi/statements", {"until": "2026-13-01T00:00:00Z"}).status_code == 400


def test_a_timestamp_more_precise_than_milliseconds_is_accepted(v: Lrs) -> None:
    """Data §2.4.7: the LRS must not reject a timestamp for a precision beyond milliseconds."""
    body = statement(id=new_id(), timestamp="2026-11-30T09:00:00.123456789+09:00")
    assert v.post(body).status_code == 200


def test_the_same_statement_with_its_timestamp_in_another_zone_is_not_a_conflict(v: Lrs) -> None:
    """Statement comparison: a timestamp naming the same instant in another zone is the same value."""
    body = statement(id=new_id(), timestamp="2026-11-30T09:00:00+09:00")
    assert v.post(body).status_code == 200
    again = dict(body, timestamp="2026-11-30T00:00:00Z")
    assert v.post(again).status_code == 200
    assert v.post(dict(body, timestamp="2026-11-30T00:00:01Z")).status_code == 409


def test_durations_are_compared_to_a_hundredth_of_a_second(v: Lrs) -> None:
    """9274.1.1 §4.2.7: precision of a duration beyond 0.01 s is not part of a statement comparison
    (and a duration with more precision is accepted)."""
    body = statement(id=new_id(), result={"duration": "PT1.2345S"})
    assert v.post(body).status_code == 200
    assert v.post(dict(body, result={"duration": "PT1.2349S"})).status_code == 200
    assert v.post(dict(body, result={"duration": "PT1.25S"})).status_code == 409


def test_a_statement_without_version_is_returned_with_the_request_version(v: Lrs) -> None:
    """The LRS sets ``version`` when the statement has none: 1.0.0 in 1.0.3, 2.0.0 in 2.0."""
    statement_id = v.post(statement(id=new_id())).json()[0]
    got = v.get("/xapi/statements", {"statementId": statement_id}).json()
    assert got["version"] == ("1.0.0" if v.version == "1.0.3" else "2.0.0")


# --- Communication §2.2–§2.6 and §3.1: documents ---------------------------------------------------------


def test_document_etag_is_a_quoted_sha1(v: Lrs) -> None:
    """Communication §3.1: an ETag header on every document GET, quoted (the SHA-1 of the content)."""
    content = json.dumps({"page": 3}).encode()
    v.put(content, state_url(stateId="s"))
    etag = v.get(state_url(stateId="s"))["ETag"]
    assert etag == '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


def test_document_post_with_a_stale_if_match_is_412_and_changes_nothing(v: Lrs) -> None:
    """If-Match on POST (merge) is honoured like on PUT: 412 with another ETag, 204 with the current one."""
    for url in (state_url(stateId="s"), profile_url(profileId="p"), agent_profile_url(profileId="p")):
        v.post({"a": 1}, url)
        etag = v.get(url)["ETag"]
        assert v.post({"b": 2}, url, HTTP_IF_MATCH='"0000"').status_code == 412
        assert v.get(url).json() == {"a": 1}
        assert v.post({"b": 2}, url, HTTP_IF_MATCH=etag).status_code == 204
        assert v.get(url).json() == {"a": 1, "b": 2}


def test_document_put_with_if_none_match_star_creates_an_absent_document(v: Lrs) -> None:
    assert v.put({"v": 1}, profile_url(profileId="new"), HTTP_IF_NONE_MATCH="*").status_code == 204
    assert v.get(profile_url(profileId="new")).json() == {"v": 1}


def test_document_delete_with_the_current_if_match_deletes(v: Lrs) -> None:
    v.put({"v": 1}, agent_profile_url(profileId="p"))
    etag = v.get(agent_profile_url(profileId="p"))["ETag"]
    assert v.delete(agent_profile_url(profileId="p"), HTTP_IF_MATCH=etag).status_code == 204
    assert v.get(agent_profile_url(profileId="p")).status_code == 404


def test_document_if_match_on_an_absent_document_is_412(v: Lrs) -> None:
    assert v.put({"v": 1}, profile_url(profileId="absent"), HTTP_IF_MATCH='"abc"').status_code == 412
    assert not XapiDocument.objects.filter(document_id="absent").exists()


def test_document_post_to_an_absent_document_creates_it(v: Lrs) -> None:
    for url in (state_url(stateId="n"), profile_url(profileId="n"), agent_profile_url(profileId="n")):
        assert v.post({"a": 1}, url).status_code == 204
        assert v.get(url).json() == {"a": 1}


def test_document_post_of_json_that_is_not_an_object_is_400(v: Lrs) -> None:
    assert v.post([1, 2], state_url(stateId="arr")).status_code == 400
    v.put({"a": 1}, state_url(stateId="obj"))
    assert v.post("[1]", state_url(stateId="obj")).status_code == 400
    assert v.get(state_url(stateId="obj")).json() == {"a": 1}


def test_document_get_carries_last_modified(v: Lrs) -> None:
    v.put({"v": 1}, profile_url(profileId="p"))
    assert re.match(
        r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$", v.get(profile_url(profileId="p"))["Last-Modified"]
    )


@pytest.mark.parametrize("bad", ["not JSON", "true", '{"name": "no ifi"}'])
def test_state_agent_parameter_must_be_a_json_agent(v: Lrs, bad: str) -> None:
    """XAPI-00196–00199: the agent parameter, not a JSON Agent, is 400 for every method."""
    url = "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": bad, "stateId": "s"})
    assert v.get(url).status_code == 400
    assert v.put({"a": 1}, url).status_code == 400
    assert v.post({"a": 1}, url).status_code == 400
    assert v.delete(url).status_code == 400


def test_state_registration_must_be_a_uuid(v: Lrs) -> None:
    """XAPI-00203: a registration that is not a UUID is 400."""
    assert v.put({"a": 1}, state_url(stateId="s", registration="r-1")).status_code == 400
    assert v.get(state_url(stateId="s", registration="r-1")).status_code == 400


def test_document_id_lists_take_since_and_refuse_a_bad_one(v: Lrs) -> None:
    """The id lists of the three document resources filter on since; a bad since is 400."""
    for url, key in ((state_url, "stateId"), (profile_url, "profileId"), (agent_profile_url, "profileId")):
        v.put({"a": 1}, url(**{key: "x"}))
        assert v.get(url(since="2000-01-01T00:00:00Z")).json() == ["x"]
        assert v.get(url(since="2999-01-01T00:00:00Z")).json() == []
        assert v.get(url(since="soon")).status_code == 400


def test_agent_profile_of_an_identified_group(v: Lrs) -> None:
    """The Agent Profile's agent may be an identified Group."""
    group = {"objectType": "Group", "mbox": GROUP["mbox"]}
    assert v.put({"v": 1}, agent_profile_url(group, profileId="p")).status_code == 204
    assert v.get(agent_profile_url(group, profileId="p")).json() == {"v": 1}


def test_activities_definition_is_the_latest_received(v: Lrs) -> None:
    """The Activities resource answers the LRS's canonical definition: the latest one received."""
    first = {"name": {"ja": "問1"}}
    v.post(statement(id=new_id(), object={"id": ACTIVITY, "definition": first}))
    second = {"name": {"ja": "問1（改）"}, "description": {"ja": "分数"}}
    v.post(statement(id=new_id(), object={"id": ACTIVITY, "definition": second}))
    assert v.get("/xapi/activities", {"activityId": ACTIVITY}).json()["definition"] == second


def test_about_lists_both_versions_in_either_version(v: Lrs) -> None:
    response = v.get("/xapi/about")
    assert response.status_code == 200
    assert set(response.json()["version"]) == {"1.0.3", "2.0.0"}


def test_a_single_statement_carries_last_modified_matching_stored(v: Lrs) -> None:
    """9274.1.1 §4.1.6.1: a single statement's GET has a Last-Modified header equal to its ``stored``
    (to the second)."""
    import email.utils

    statement_id = v.post(statement(id=new_id())).json()[0]
    response = v.get("/xapi/statements", {"statementId": statement_id})
    stored = response.json()["stored"]
    modified = email.utils.parsedate_to_datetime(response["Last-Modified"])
    assert modified.strftime("%Y-%m-%dT%H:%M:%S") == stored[:19]


def test_related_agents_and_activities_reach_into_a_substatement(v: Lrs) -> None:
    """related_agents and related_activities match agents and activities anywhere in the statement,
    a SubStatement's context included."""
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:sub-actor@example.jp"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://drill.example.jp/q/sub"},
        "context": {
            "instructor": {"mbox": "mailto:sub-sensei@example.jp"},
            "contextActivities": {"category": [{"id": "https://drill.example.jp/cat/sub"}]},
        },
    }
    body = statement(id=new_id(), object=sub)
    assert v.post(body).status_code == 200
    for params in (
        {"agent": json.dumps({"mbox": "mailto:sub-sensei@example.jp"}), "related_agents": "true"},
        {"agent": json.dumps({"mbox": "mailto:sub-actor@example.jp"}), "related_agents": "true"},
        {"activity": "https://drill.example.jp/cat/sub", "related_activities": "true"},
        {"activity": "https://drill.example.jp/q/sub", "related_activities": "true"},
    ):
        ids = [s["id"] for s in v.get("/xapi/statements", params).json()["statements"]]
        assert ids == [body["id"]], params
    plain = v.get("/xapi/statements", {"agent": json.dumps({"mbox": "mailto:sub-actor@example.jp"})})
    assert plain.json()["statements"] == []


# --- Communication §1.3 (1.0.3): the alternate request syntax on the other resources -------------------


def _alternate(lrs: Lrs, path: str, method: str, form: dict[str, str]) -> Any:
    fields = {
        "Authorization": lrs.headers()["HTTP_AUTHORIZATION"],
        "X-Experience-API-Version": "1.0.3",
        **form,
    }
    return lrs.http.generic(
        "POST", f"{path}?method={method}", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )


def test_alternate_syntax_reaches_the_document_resources(lrs: Lrs) -> None:
    """XAPI-00148 / Communication §1.3: every resource takes the alternate syntax in 1.0.3; the
    document's parameters and its content travel in the form."""
    key = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "alt"}
    put = _alternate(lrs, "/xapi/activities/state", "PUT", {**key, "content": '{"page": 7}'})
    assert put.status_code == 204, put.content
    got = _alternate(lrs, "/xapi/activities/state", "GET", key)
    assert got.status_code == 200 and got.json() == {"page": 7}
    assert _alternate(lrs, "/xapi/activities/state", "DELETE", key).status_code == 204
    assert lrs.get(state_url(stateId="alt")).status_code == 404


def test_a_statement_without_a_content_type_in_the_alternate_form_is_read_as_json(lrs: Lrs) -> None:
    statement_id = new_id()
    response = _alternate(
        lrs, "/xapi/statements", "PUT", {"statementId": statement_id, "content": json.dumps(statement())}
    )
    assert response.status_code == 204, response.content


def test_attachments_true_answers_multipart_mixed_even_without_attachments(v: Lrs) -> None:
    """With attachments=true the answer is multipart/mixed, its first part the statement result."""
    statement_id = v.post(statement(id=new_id())).json()[0]
    response = v.get("/xapi/statements", {"statementId": statement_id, "attachments": "true"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("multipart/mixed; boundary=")
    assert statement_id.encode() in response.content


def test_the_person_carries_the_name_the_lrs_knows_for_the_agent(v: Lrs) -> None:
    """XAPI-00238/00247: the Person joins what the LRS knows of the agent — its name too, when the
    request's agent has none — with every property an array."""
    v.post(statement(id=new_id(), actor={"mbox": "mailto:hanako@example.jp", "name": "花子"}))
    person = v.get("/xapi/agents", {"agent": json.dumps({"mbox": "mailto:hanako@example.jp"})}).json()
    assert person == {"objectType": "Person", "name": ["花子"], "mbox": ["mailto:hanako@example.jp"]}
    sha1 = {"mbox_sha1sum": hashlib.sha1(b"mailto:jiro@example.jp", usedforsecurity=False).hexdigest()}
    v.post(statement(id=new_id(), actor=sha1))
    assert v.get("/xapi/agents", {"agent": json.dumps(sha1)}).json()["mbox_sha1sum"] == [sha1["mbox_sha1sum"]]


def test_format_ids_keeps_an_activitys_id_and_a_verbs_id_only(v: Lrs) -> None:
    """XAPI-00171: ``ids`` — only identifiers of Agents, Groups, Activities (the id alone) and Verbs."""
    sub = {
        "objectType": "SubStatement",
        "actor": {"objectType": "Group", "mbox": "mailto:han@example.jp", "name": "班"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"ja": "回答した"}},
        "object": {"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"ja": "問1"}}},
    }
    statement_id = v.post(statement(id=new_id(), object=sub)).json()[0]
    got = v.get("/xapi/statements", {"statementId": statement_id, "format": "ids"}).json()
    assert got["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered"}
    assert got["object"]["object"] == {"id": ACTIVITY}
    assert got["object"]["actor"] == {"objectType": "Group", "mbox": "mailto:han@example.jp"}
    assert got["object"]["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered"}


def test_format_canonical_gives_the_lrs_canonical_definition_in_one_language(v: Lrs) -> None:
    """XAPI-00169/00172: ``canonical`` — the Activity with the LRS's canonical definition (the latest
    received), also in context activities and a SubStatement, each language map in the best language
    of Accept-Language."""
    category = "https://drill.example.jp/cat/fractions"
    first = statement(
        id=new_id(),
        object={"id": ACTIVITY, "definition": {"name": {"ja": "問1", "en-US": "Q1"}}},
        context={"contextActivities": {"category": [{"id": category, "definition": {"name": {"ja": "旧"}}}]}},
    )
    v.post(first)
    newer = {"name": {"ja": "問1（改）", "en-US": "Q1 (revised)"}, "description": {"ja": "分数", "en": "x"}}
    v.post(statement(id=new_id(), object={"id": ACTIVITY, "definition": newer}))
    v.post(statement(id=new_id(), object={"id": category, "definition": {"name": {"ja": "分数", "en": "F"}}}))
    got = v.get(
        "/xapi/statements", {"statementId": first["id"], "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="ja"
    ).json()
    assert got["object"]["definition"] == {"name": {"ja": "問1（改）"}, "description": {"ja": "分数"}}
    assert got["context"]["contextActivities"]["category"][0]["definition"] == {"name": {"ja": "分数"}}
    assert got["verb"]["display"] == {"ja": "回答した"}
    exact = v.get("/xapi/statements", {"statementId": first["id"]}).json()
    assert exact["object"]["definition"]["name"] == {"ja": "問1", "en-US": "Q1"}


def test_format_ids_reduces_the_agents_of_context_agents_and_groups(lrs: Lrs) -> None:
    """2.0's contextAgents and contextGroups carry their agent or group as identifiers only in ``ids``."""
    lrs.version = "2.0.0"
    context = {
        "contextAgents": [
            {"objectType": "contextAgent", "agent": {"mbox": "mailto:tutor@example.jp", "name": "先生"}}
        ],
        "contextGroups": [
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "mbox": "mailto:g@example.jp", "name": "班"},
            }
        ],
    }
    statement_id = lrs.post(statement(id=new_id(), context=context)).json()[0]
    got = lrs.get("/xapi/statements", {"statementId": statement_id, "format": "ids"}).json()["context"]
    assert got["contextAgents"][0]["agent"] == {"objectType": "Agent", "mbox": "mailto:tutor@example.jp"}
    assert got["contextGroups"][0]["group"] == {"objectType": "Group", "mbox": "mailto:g@example.jp"}


def test_document_merge_replaces_nested_objects_whole(v: Lrs) -> None:
    """XAPI-00183/00184: a merge overwrites at the top level only — a nested object is replaced whole."""
    v.post({"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale"}, state_url(stateId="m"))
    v.post({"car": {"make": "Dodge"}, "series": {"a": 1}}, state_url(stateId="m"))
    assert v.get(state_url(stateId="m")).json() == {
        "car": {"make": "Dodge"},
        "driver": "Dale",
        "series": {"a": 1},
    }


def test_state_put_without_concurrency_headers_replaces_an_existing_document(lrs: Lrs) -> None:
    """1.0.3 Communication §3.1: the State Resource permits PUT, POST and DELETE without concurrency
    headers (the 409 for a PUT onto an existing document is for the two profile resources only)."""
    assert lrs.put({"v": 1}, state_url(stateId="s")).status_code == 204
    assert lrs.put({"v": 2}, state_url(stateId="s")).status_code == 204
    assert lrs.get(state_url(stateId="s")).json() == {"v": 2}
    assert lrs.put({"v": 1}, agent_profile_url(profileId="p")).status_code == 204
    assert lrs.put({"v": 2}, agent_profile_url(profileId="p")).status_code == 409
