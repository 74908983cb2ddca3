"""The schools a learning app serves bound what it may write and read about pupils (decision 0019):
a statement about a pupil of another school refuses the batch (403, nothing written, logged);
reads leave out statements about other schools' pupils."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.learning.models import AgentStatus, Permission, RejectedRequest, Statement, XapiAgent
from tsunagu.learning.services import client_register
from tsunagu.learning.tests.conftest import ALL, Lrs, make_lrs, new_id, statement
from tsunagu.learning.xapi.store import issuer
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on

pytestmark = pytest.mark.django_db


def pupil_of(school: Any) -> Any:
    """A pupil enrolled today at ``school``."""
    with system_scope(reason="test picks a pupil of a school"):
        enrolment = (
            Enrolment.objects.filter(enrolled_on(timezone.localdate()), school=school)
            .select_related("student")
            .order_by("pk")
            .first()
        )
    assert enrolment is not None
    return enrolment.student


def about(pupil: Any, **overrides: Any) -> dict[str, Any]:
    """A statement whose actor is ``pupil``'s account."""
    actor = {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil.uuid)}}
    return statement(id=new_id(), actor=actor, **overrides)


def serving(ward: Any, school: Any, permissions: list[str] | None = None) -> Lrs:
    """A learning app registered for ``school`` only."""
    app, secret = client_register(
        actor=None,
        board=ward.board,
        name="さくら小だけのドリル",
        kind="app",
        all_schools=False,
        schools=[school],
        permissions=ALL if permissions is None else permissions,
    )
    return Lrs(app=app, key=app.key, secret=secret, http=Client())


@pytest.fixture
def schools(ward: Any) -> tuple[Any, Any]:
    sakura = ward.schools["sakura"]
    other = next(s for s in ward.schools.values() if s.pk != sakura.pk)
    return sakura, other


def test_an_app_serving_a_school_writes_statements_about_its_pupils(ward: Any, schools: Any) -> None:
    sakura, _other = schools
    lrs = serving(ward, sakura)
    pupil = pupil_of(sakura)
    body = about(pupil)
    response = lrs.post(body)
    assert response.status_code == 200
    assert Statement.objects.get(statement_id=body["id"]).pupil_id == pupil.pk


def test_a_statement_about_another_schools_pupil_refuses_the_batch_and_writes_nothing(
    ward: Any, schools: Any
) -> None:
    sakura, other = schools
    lrs = serving(ward, sakura)
    before = Statement.objects.count()
    outsider = pupil_of(other)
    response = lrs.post([about(pupil_of(sakura)), about(outsider)])
    assert response.status_code == 403
    assert "does not serve" in response.json()["error"]["message"]
    assert Statement.objects.count() == before
    rejection = RejectedRequest.objects.get(client=lrs.app)
    assert rejection.status == 403


def test_another_schools_pupil_anywhere_in_the_statement_is_refused(ward: Any, schools: Any) -> None:
    sakura, other = schools
    lrs = serving(ward, sakura)
    outsider = pupil_of(other)
    account = {"homePage": issuer(), "name": str(outsider.uuid)}
    # Known to the store as a pupil first (another app serving every school wrote about them).
    assert make_lrs(ward, name="全校アプリ").post(about(outsider)).status_code == 200
    body = about(pupil_of(sakura), context={"instructor": {"objectType": "Agent", "account": account}})
    assert lrs.post(body).status_code == 403
    assert not Statement.objects.filter(statement_id=body["id"]).exists()


def test_unknown_actors_are_still_stored_and_quarantined(ward: Any, schools: Any) -> None:
    sakura, _other = schools
    lrs = serving(ward, sakura)
    body = statement(id=new_id(), actor={"account": {"homePage": "https://other.example.jp", "name": "x1"}})
    assert lrs.post(body).status_code == 200
    agent = XapiAgent.objects.get(ifi="account:https://other.example.jp|x1")
    assert agent.status == AgentStatus.UNMATCHED


def test_an_app_serving_a_school_reads_only_its_pupils_statements(ward: Any, schools: Any) -> None:
    sakura, other = schools
    writer = make_lrs(ward, name="全校アプリ")
    mine, theirs = about(pupil_of(sakura)), about(pupil_of(other))
    assert writer.post([mine, theirs]).status_code == 200
    reader = serving(ward, sakura, permissions=[Permission.STATEMENTS_READ])
    ids = {s["id"] for s in reader.get("/xapi/statements", {"limit": "500"}).json()["statements"]}
    assert mine["id"] in ids and theirs["id"] not in ids
    assert reader.get("/xapi/statements", {"statementId": mine["id"]}).status_code == 200
    assert reader.get("/xapi/statements", {"statementId": theirs["id"]}).status_code == 404
    agent = json.dumps(theirs["actor"])
    assert reader.get("/xapi/statements", {"agent": agent}).json()["statements"] == []


def test_an_app_serving_every_school_reads_every_schools_pupils(ward: Any, schools: Any) -> None:
    _sakura, other = schools
    writer = make_lrs(ward, name="全校アプリ")
    theirs = about(pupil_of(other))
    assert writer.post(theirs).status_code == 200
    reader = make_lrs(ward, name="全校ポータル", permissions=[Permission.STATEMENTS_READ])
    assert reader.get("/xapi/statements", {"statementId": theirs["id"]}).status_code == 200


def test_another_schools_pupil_never_seen_as_an_actor_is_refused_by_their_account(
    ward: Any, schools: Any
) -> None:
    sakura, other = schools
    lrs = serving(ward, sakura)
    outsider = {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil_of(other).uuid)}}
    body = about(pupil_of(sakura), object=outsider)
    assert lrs.post(body).status_code == 403
    assert not Statement.objects.filter(statement_id=body["id"]).exists()
