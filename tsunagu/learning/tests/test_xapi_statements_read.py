"""Reading statements: single GETs, filters, formats, ordering, ``more`` paging, voided statements and
StatementRef inclusion (1.0.3 Communication §2.1.3 and Data §2.5; 9274.1.1 §4.1.6.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tsunagu.learning.tests.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
HANAKO = {"objectType": "Agent", "mbox": "mailto:hanako@example.jp"}


def listed(lrs: Lrs, **params: Any) -> list[dict[str, Any]]:
    response = lrs.get("/xapi/statements", params)
    assert response.status_code == 200, response.content
    return response.json()["statements"]


def test_get_by_statement_id(lrs: Lrs) -> None:
    statement_id = lrs.post(statement()).json()[0]
    response = lrs.get("/xapi/statements", {"statementId": statement_id})
    assert response.status_code == 200
    assert response.json()["id"] == statement_id
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response["Last-Modified"]


def test_get_unknown_statement_id_is_404(lrs: Lrs) -> None:
    assert lrs.get("/xapi/statements", {"statementId": new_id()}).status_code == 404


def test_statement_id_with_other_filters_is_400(lrs: Lrs) -> None:
    statement_id = lrs.post(statement()).json()[0]
    response = lrs.get("/xapi/statements", {"statementId": statement_id, "verb": PASSED})
    assert response.status_code == 400
    ok = lrs.get("/xapi/statements", {"statementId": statement_id, "format": "ids", "attachments": "false"})
    assert ok.status_code == 200


def test_statement_id_and_voided_statement_id_together_is_400(lrs: Lrs) -> None:
    response = lrs.get("/xapi/statements", {"statementId": new_id(), "voidedStatementId": new_id()})
    assert response.status_code == 400


def test_voided_statement_only_by_voided_statement_id(lrs: Lrs) -> None:
    target = lrs.post(statement()).json()[0]
    voiding = lrs.post(
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    ).json()[0]
    assert lrs.get("/xapi/statements", {"statementId": target}).status_code == 404
    response = lrs.get("/xapi/statements", {"voidedStatementId": target})
    assert response.status_code == 200 and response.json()["id"] == target
    ids = [s["id"] for s in listed(lrs)]
    assert target not in ids and voiding in ids
    assert lrs.get("/xapi/statements", {"voidedStatementId": voiding}).status_code == 404


def test_list_is_newest_first_and_ascending_reverses(lrs: Lrs) -> None:
    ids = [lrs.post(statement()).json()[0] for _ in range(3)]
    assert [s["id"] for s in listed(lrs)] == ids[::-1]
    assert [s["id"] for s in listed(lrs, ascending="true")] == ids


def test_filter_agent_matches_actor_and_object_only(lrs: Lrs) -> None:
    as_actor = lrs.post(statement(actor=HANAKO)).json()[0]
    as_object = lrs.post(statement(object=HANAKO)).json()[0]
    as_instructor = lrs.post(statement(context={"instructor": HANAKO})).json()[0]
    lrs.post(statement())
    found = {s["id"] for s in listed(lrs, agent=json.dumps(HANAKO))}
    assert found == {as_actor, as_object}
    related = {s["id"] for s in listed(lrs, agent=json.dumps(HANAKO), related_agents="true")}
    assert related == {as_actor, as_object, as_instructor}


def test_filter_agent_unknown_gives_empty_list(lrs: Lrs) -> None:
    lrs.post(statement())
    assert listed(lrs, agent=json.dumps({"mbox": "mailto:nobody@example.jp"})) == []


def test_filter_agent_must_be_an_agent(lrs: Lrs) -> None:
    assert lrs.get("/xapi/statements", {"agent": '{"name": "x"}'}).status_code == 400
    assert lrs.get("/xapi/statements", {"agent": "not json"}).status_code == 400


def test_filter_verb(lrs: Lrs) -> None:
    passed = lrs.post(statement(verb={"id": PASSED})).json()[0]
    lrs.post(statement())
    assert [s["id"] for s in listed(lrs, verb=PASSED)] == [passed]


def test_filter_activity_and_related_activities(lrs: Lrs) -> None:
    unit = "https://drill.example.jp/unit/1"
    direct = lrs.post(statement(object={"id": unit})).json()[0]
    parent = lrs.post(statement(context={"contextActivities": {"parent": [{"id": unit}]}})).json()[0]
    assert [s["id"] for s in listed(lrs, activity=unit)] == [direct]
    assert {s["id"] for s in listed(lrs, activity=unit, related_activities="true")} == {direct, parent}


def test_filter_registration(lrs: Lrs) -> None:
    registration = new_id()
    mine = lrs.post(statement(context={"registration": registration})).json()[0]
    lrs.post(statement())
    assert [s["id"] for s in listed(lrs, registration=registration)] == [mine]


def test_filter_since_and_until_on_stored(lrs: Lrs) -> None:
    first = lrs.post(statement()).json()[0]
    stored = lrs.get("/xapi/statements", {"statementId": first}).json()["stored"]
    lrs.post(statement())
    assert first not in [s["id"] for s in listed(lrs, since=stored)]
    assert first in [s["id"] for s in listed(lrs, until=stored)]
    assert listed(lrs, until="2000-01-01T00:00:00Z") == []
    assert len(listed(lrs, since="2000-01-01T00:00:00Z")) == 2


def test_unknown_parameter_is_400(lrs: Lrs) -> None:
    assert lrs.get("/xapi/statements", {"colour": "red"}).status_code == 400


def test_bad_limit_and_format_are_400(lrs: Lrs) -> None:
    assert lrs.get("/xapi/statements", {"limit": "-1"}).status_code == 400
    assert lrs.get("/xapi/statements", {"limit": "ten"}).status_code == 400
    assert lrs.get("/xapi/statements", {"format": "full"}).status_code == 400


def test_limit_and_more_keyset_paging(lrs: Lrs) -> None:
    ids = [lrs.post(statement()).json()[0] for _ in range(5)]
    response = lrs.get("/xapi/statements", {"limit": "2"})
    page = response.json()
    assert [s["id"] for s in page["statements"]] == ids[:-3:-1]
    seen = [s["id"] for s in page["statements"]]
    more = page["more"]
    lrs.post(statement())  # a statement arriving meanwhile does not shift the pages
    while more:
        assert more.startswith("/xapi/statements?more=")
        page = lrs.get(more).json()
        seen += [s["id"] for s in page["statements"]]
        more = page["more"]
    assert seen == ids[::-1]


def test_more_token_is_tamper_proof(lrs: Lrs) -> None:
    assert lrs.get("/xapi/statements", {"more": "forged"}).status_code == 400


def test_format_ids_keeps_only_identifiers(lrs: Lrs) -> None:
    lrs.post(statement())
    got = listed(lrs, format="ids")[0]
    assert got["actor"] == {"objectType": "Agent", "mbox": "mailto:taro@example.jp"}
    assert got["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered"}
    assert got["object"] == {"id": "https://drill.example.jp/q/1"}  # the id alone (XAPI-00171)


def test_format_canonical_picks_accept_language(lrs: Lrs) -> None:
    lrs.post(statement(verb={"id": PASSED, "display": {"en-US": "passed", "ja": "合格した"}}))
    response = lrs.get("/xapi/statements", {"format": "canonical"}, HTTP_ACCEPT_LANGUAGE="ja, en;q=0.5")
    assert response.json()["statements"][0]["verb"]["display"] == {"ja": "合格した"}


def test_format_exact_returns_what_was_stored(lrs: Lrs) -> None:
    body = statement(verb={"id": PASSED, "display": {"en-US": "passed", "ja": "合格した"}})
    lrs.post(body)
    got = listed(lrs)[0]
    assert got["verb"] == body["verb"] and got["object"] == body["object"]


def test_statement_referring_to_a_matching_statement_is_included(lrs: Lrs) -> None:
    target = lrs.post(statement(actor=HANAKO)).json()[0]
    referring = lrs.post(
        statement(
            verb={"id": "https://example.jp/verbs/commented"},
            object={"objectType": "StatementRef", "id": target},
        )
    ).json()[0]
    lrs.post(statement())
    assert {s["id"] for s in listed(lrs, agent=json.dumps(HANAKO))} == {target, referring}


def test_more_link_is_empty_when_everything_fits(lrs: Lrs) -> None:
    lrs.post(statement())
    assert lrs.get("/xapi/statements").json()["more"] == ""
