"""Storing statements: POST/PUT, LRS-assigned properties, immutability, voiding, all-or-nothing batches
(1.0.3 Data §2.2–§2.4 and Communication §2.1; 9274.1.1 §4.1.6.1). Test names say the requirement."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tsunagu.learning.models import AgentUsage, Statement, StatementAgent
from tsunagu.learning.tests.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def stored(statement_id: str) -> dict[str, Any]:
    return json.loads(Statement.objects.get(statement_id=statement_id).data)


def test_post_single_statement_returns_200_and_generated_id(lrs: Lrs) -> None:
    response = lrs.post(statement())
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 1 and len(ids[0]) == 36
    assert Statement.objects.filter(statement_id=ids[0]).exists()


def test_post_batch_returns_ids_in_order(lrs: Lrs) -> None:
    given = new_id()
    response = lrs.post([statement(), statement(id=given), statement()])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 3 and ids[1] == given


def test_lrs_sets_stored_authority_version_and_missing_timestamp(lrs: Lrs) -> None:
    statement_id = lrs.post(statement()).json()[0]
    data = stored(statement_id)
    assert data["stored"].endswith("Z")
    assert data["timestamp"] == data["stored"]
    assert data["version"] == "1.0.0"
    assert data["authority"]["account"]["name"] == lrs.key
    assert data["authority"]["objectType"] == "Agent"


def test_authority_given_by_the_client_is_replaced(lrs: Lrs) -> None:
    forged = {"objectType": "Agent", "mbox": "mailto:forger@example.jp"}
    statement_id = lrs.post(statement(authority=forged)).json()[0]
    assert stored(statement_id)["authority"]["account"]["name"] == lrs.key


def test_version_2_statement_gets_version_2_0_0(lrs: Lrs) -> None:
    lrs.version = "2.0.0"
    statement_id = lrs.post(statement()).json()[0]
    assert stored(statement_id)["version"] == "2.0.0"


def test_timestamp_given_is_kept(lrs: Lrs) -> None:
    statement_id = lrs.post(statement(timestamp="2026-11-30T09:15:00+09:00")).json()[0]
    assert stored(statement_id)["timestamp"] == "2026-11-30T09:15:00+09:00"
    assert Statement.objects.get(statement_id=statement_id).timestamp.hour == 0


def test_put_with_statement_id_returns_204(lrs: Lrs) -> None:
    statement_id = new_id()
    response = lrs.put(statement(), f"/xapi/statements?statementId={statement_id}")
    assert response.status_code == 204
    assert stored(statement_id)["id"] == statement_id


def test_put_without_statement_id_is_400(lrs: Lrs) -> None:
    assert lrs.put(statement(), "/xapi/statements").status_code == 400


def test_put_with_id_differing_from_parameter_is_400(lrs: Lrs) -> None:
    response = lrs.put(statement(id=new_id()), f"/xapi/statements?statementId={new_id()}")
    assert response.status_code == 400


def test_same_id_with_different_content_is_409_conflict(lrs: Lrs) -> None:
    statement_id = new_id()
    assert lrs.post(statement(id=statement_id)).status_code == 200
    other = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    assert lrs.post(other).status_code == 409
    assert lrs.put(other, f"/xapi/statements?statementId={statement_id}").status_code == 409


def test_same_statement_again_is_a_no_op(lrs: Lrs) -> None:
    statement_id = new_id()
    body = statement(id=statement_id, timestamp="2026-11-30T00:00:00Z")
    assert lrs.post(body).status_code == 200
    # Re-serialised, with a UUID in capitals and the timestamp in another zone: the same statement.
    again = json.loads(json.dumps(body, indent=2))
    again["id"] = statement_id.upper()
    again["timestamp"] = "2026-11-30T09:00:00+09:00"
    assert lrs.put(again, f"/xapi/statements?statementId={statement_id}").status_code == 204
    assert lrs.post(again).json() == [statement_id]
    assert Statement.objects.filter(statement_id=statement_id).count() == 1


def test_batch_with_one_bad_statement_writes_nothing(lrs: Lrs) -> None:
    bad = statement(verb={"id": "not an iri"})
    response = lrs.post([statement(), statement(), bad])
    assert response.status_code == 400
    assert "statement.verb.id" in response.json()["error"]["message"]
    assert Statement.objects.filter(client=lrs.app).count() == 0


def test_batch_with_a_conflict_writes_nothing(lrs: Lrs) -> None:
    statement_id = new_id()
    lrs.post(statement(id=statement_id))
    other = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    assert lrs.post([statement(), other]).status_code == 409
    assert Statement.objects.filter(client=lrs.app).count() == 1


def test_batch_with_duplicate_ids_is_400(lrs: Lrs) -> None:
    statement_id = new_id()
    assert lrs.post([statement(id=statement_id), statement(id=statement_id)]).status_code == 400


def test_empty_batch_and_invalid_json_are_400(lrs: Lrs) -> None:
    assert lrs.post([]).status_code == 400
    assert lrs.post("{not json").status_code == 400


def test_voiding_statement_voids_its_target(lrs: Lrs) -> None:
    target = lrs.post(statement()).json()[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    assert lrs.post(voiding).status_code == 200
    assert Statement.objects.get(statement_id=target).voided


def test_voiding_a_voiding_statement_is_rejected(lrs: Lrs) -> None:
    target = lrs.post(statement()).json()[0]
    first = lrs.post(
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    ).json()[0]
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": first})
    assert lrs.post(again).status_code == 400
    assert not Statement.objects.get(statement_id=first).voided


def test_voiding_statement_object_must_be_a_statement_ref(lrs: Lrs) -> None:
    assert lrs.post(statement(verb={"id": VOIDED})).status_code == 400


def test_statement_voided_before_it_arrives_is_stored_voided(lrs: Lrs) -> None:
    target = new_id()
    lrs.post(statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}))
    lrs.post(statement(id=target))
    assert Statement.objects.get(statement_id=target).voided


def test_agents_are_linked_with_their_usage(lrs: Lrs) -> None:
    body = statement(
        context={
            "instructor": {"mbox": "mailto:sensei@example.jp"},
            "team": {"objectType": "Group", "mbox": "mailto:team@example.jp"},
        }
    )
    statement_id = lrs.post(body).json()[0]
    usages = set(
        StatementAgent.objects.filter(statement__statement_id=statement_id).values_list("usage", flat=True)
    )
    assert usages == {AgentUsage.ACTOR, AgentUsage.AUTHORITY, AgentUsage.INSTRUCTOR, AgentUsage.TEAM}


def test_attachment_without_file_url_needs_multipart(lrs: Lrs) -> None:
    attachment = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"ja": "署名"},
        "contentType": "application/octet-stream",
        "length": 4,
        "sha2": "a" * 64,
    }
    assert lrs.post(statement(attachments=[attachment])).status_code == 400
    attachment["fileUrl"] = "https://files.example.jp/a"
    assert lrs.post(statement(attachments=[attachment])).status_code == 200


def test_single_context_activity_is_returned_as_an_array(lrs: Lrs) -> None:
    parent = {"id": "https://drill.example.jp/set/1"}
    statement_id = lrs.post(statement(context={"contextActivities": {"parent": parent}})).json()[0]
    got = lrs.get("/xapi/statements", {"statementId": statement_id}).json()
    assert got["context"]["contextActivities"]["parent"] == [parent]
    # The same statement sent again is still the same statement (no 409).
    again = statement(id=statement_id, context={"contextActivities": {"parent": parent}})
    assert lrs.post(again).status_code == 200
