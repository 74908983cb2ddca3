"""The board's pages: registering an app (secret shown once, stored hashed), rotating and revoking,
the quarantine (actors matched to pupils automatically or by the board) and the monitoring page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tsunagu.core.scope import system_scope
from tsunagu.learning.credentials import hash_secret
from tsunagu.learning.models import AgentStatus, LearningClient, RejectedRequest, Statement, XapiAgent
from tsunagu.learning.tests.conftest import Lrs, statement
from tsunagu.learning.xapi.store import issuer
from tsunagu.students.models import Student

pytestmark = pytest.mark.django_db


def secret_in(html: str) -> str:
    match = re.search(r'data-testid="secret">([^<]+)<', html)
    assert match, "the page shows no secret"
    return match.group(1)


def test_board_registers_an_app_and_sees_the_secret_once(client_as: Any, ward: Any) -> None:
    board = client_as("board")
    response = board.post(
        "/learning/apps/new/",
        {"name": "さんすうドリル", "kind": "app", "all_schools": "on", "permissions": ["statements/write"]},
    )
    assert response.status_code == 200
    secret = secret_in(response.content.decode())
    client = LearningClient.objects.get(name="さんすうドリル")
    assert client.secret_hash == hash_secret(secret) and secret not in client.secret_hash
    assert client.permissions == ["statements/write"]
    assert "no-store" in response["Cache-Control"]
    listing = board.get("/learning/apps/").content.decode()
    assert "さんすうドリル" in listing and secret not in listing


def test_registering_needs_schools_or_every_school(client_as: Any, ward: Any) -> None:
    response = client_as("board").post(
        "/learning/apps/new/", {"name": "x", "kind": "app", "permissions": ["statements/write"]}
    )
    assert response.status_code == 200
    assert not LearningClient.objects.filter(name="x").exists()


def test_registering_for_some_schools(client_as: Any, ward: Any) -> None:
    sakura = ward.schools["sakura"]
    client_as("board").post(
        "/learning/apps/new/",
        {"name": "y", "kind": "portal", "schools": [sakura.pk], "permissions": ["statements/read"]},
    )
    client = LearningClient.objects.get(name="y")
    assert not client.all_schools and list(client.schools.all()) == [sakura]


def test_rotate_from_the_page_issues_a_working_secret(client_as: Any, lrs: Lrs) -> None:
    response = client_as("board").post(f"/learning/apps/{lrs.app.uuid}/rotate/")
    old, lrs.secret = lrs.secret, secret_in(response.content.decode())
    assert lrs.post(statement()).status_code == 200
    lrs.secret = old
    assert lrs.post(statement()).status_code == 401


def test_revoke_from_the_page_refuses_the_next_request(client_as: Any, lrs: Lrs) -> None:
    assert client_as("board").post(f"/learning/apps/{lrs.app.uuid}/revoke/").status_code == 302
    assert lrs.post(statement()).status_code == 401


def test_edit_changes_permissions(client_as: Any, lrs: Lrs) -> None:
    client_as("board").post(
        f"/learning/apps/{lrs.app.uuid}/",
        {"name": "改名", "kind": "app", "all_schools": "on", "permissions": ["statements/read"]},
    )
    assert lrs.post(statement()).status_code == 403


def _pupil() -> Student:
    with system_scope(reason="test picks a pupil"):
        return Student.objects.order_by("pk").first()


def test_actor_with_our_issuer_and_pupil_uuid_is_matched(lrs: Lrs) -> None:
    pupil = _pupil()
    actor = {"account": {"homePage": issuer(), "name": str(pupil.uuid)}}
    statement_id = lrs.post(statement(actor=actor)).json()[0]
    stored = Statement.objects.get(statement_id=statement_id)
    assert stored.pupil_id == pupil.pk
    assert stored.actor.status == AgentStatus.MATCHED


def test_unknown_actor_is_stored_and_quarantined(client_as: Any, lrs: Lrs) -> None:
    actor = {"account": {"homePage": issuer(), "name": "00000000-0000-4000-8000-000000000000"}}
    lrs.post(statement(actor=actor))
    lrs.post(statement())  # an mbox actor: not ours either
    page = client_as("board").get("/learning/quarantine/").content.decode()
    assert "mbox:taro@example.jp" in page and "00000000-0000-4000-8000-000000000000" in page


def test_board_matches_a_quarantined_actor_to_a_pupil(client_as: Any, lrs: Lrs) -> None:
    statement_id = lrs.post(statement()).json()[0]
    agent = XapiAgent.objects.get(ifi="mbox:taro@example.jp")
    pupil = _pupil()
    response = client_as("board").post(
        f"/learning/quarantine/{agent.uuid}/match/", {"pupil_uuid": str(pupil.uuid)}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.status == AgentStatus.MATCHED and agent.student_id == pupil.pk
    assert Statement.objects.get(statement_id=statement_id).pupil_id == pupil.pk
    # Later statements of the same actor go to the pupil at once.
    later = lrs.post(statement()).json()[0]
    assert Statement.objects.get(statement_id=later).pupil_id == pupil.pk


def test_match_to_unknown_pupil_changes_nothing(client_as: Any, lrs: Lrs) -> None:
    lrs.post(statement())
    agent = XapiAgent.objects.get(ifi="mbox:taro@example.jp")
    client_as("board").post(
        f"/learning/quarantine/{agent.uuid}/match/", {"pupil_uuid": "00000000-0000-4000-8000-000000000000"}
    )
    agent.refresh_from_db()
    assert agent.status == AgentStatus.UNMATCHED


def test_board_rejects_a_quarantined_actor(client_as: Any, lrs: Lrs) -> None:
    lrs.post(statement())
    agent = XapiAgent.objects.get(ifi="mbox:taro@example.jp")
    client_as("board").post(f"/learning/quarantine/{agent.uuid}/reject/")
    agent.refresh_from_db()
    assert agent.status == AgentStatus.REJECTED
    assert "mbox:taro@example.jp" not in client_as("board").get("/learning/quarantine/").content.decode()


def test_monitoring_shows_counts_and_refusals(client_as: Any, lrs: Lrs) -> None:
    lrs.post([statement(), statement()])
    lrs.post({"actor": {"name": "no ifi"}})
    page = client_as("board").get("/learning/monitoring/").content.decode()
    assert lrs.app.name in page
    assert RejectedRequest.objects.filter(client=lrs.app, status=400).exists()
    assert "statement.verb" in page or "statement.actor" in page


def test_demo_apps_posted_statements_through_the_lrs(ward: Any) -> None:
    from tsunagu.learning.demo import DRILL_KEY

    drill = LearningClient.objects.get(key=DRILL_KEY)
    assert drill.statements.count() > 100
    assert drill.statements.filter(pupil__isnull=False).count() == drill.statements.count()
    assert XapiAgent.objects.filter(status=AgentStatus.UNMATCHED).exists()
    assert RejectedRequest.objects.filter(status=400).exists()


def test_monitoring_shows_our_refusal_reasons_in_japanese(client_as: Any, lrs: Lrs) -> None:
    lrs.post(statement(verb={"id": "not an iri"}))
    lrs.http.post("/xapi/statements", "[]", content_type="application/json")  # no credentials
    page = client_as("board").get("/learning/monitoring/").content.decode()
    assert "statement.verb.id: 絶対IRIでなければなりません" in page
    assert "登録済みで有効な学習アプリの認証情報" in page
    # The reason as the app was told it stays at hand (the title), for its vendor.
    assert 'title="statement.verb.id: must be an absolute IRI"' in page


def test_reasons_not_ours_are_shown_as_they_are() -> None:
    from tsunagu.learning.reasons import reason_display

    assert reason_display("something a parser said") == "something a parser said"
    assert (
        reason_display("statement.x.y: a message we never wrote") == "statement.x.y: a message we never wrote"
    )


def test_monitoring_counts_closed_days_once_and_today_live(
    client_as: Any, lrs: Lrs, django_assert_max_num_queries: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tsunagu.learning.models import StatementDay
    from tsunagu.learning.selectors import statements_per_day

    lrs.post([statement(), statement()])
    five_days_ago = timezone.now() - dt.timedelta(days=5)
    old = Statement.objects.filter(client=lrs.app).order_by("pk").first()
    assert old is not None
    Statement.objects.filter(pk=old.pk).update(stored=five_days_ago)
    board = client_as("board")
    assert board.get("/learning/monitoring/").status_code == 200
    day = timezone.localdate(five_days_ago)
    assert StatementDay.objects.get(day=day, client=lrs.app).count == 1
    assert StatementDay.objects.filter(day=day, client__isnull=True).exists()
    # Counted days are not counted again: a second view reads the kept rows.
    Statement.objects.filter(pk=old.pk).update(stored=five_days_ago + dt.timedelta(seconds=1))
    board.get("/learning/monitoring/")
    assert StatementDay.objects.filter(day=day, client=lrs.app).count() == 1
    from tsunagu.accounts.models import User

    actor = User.objects.get(username="board")
    with django_assert_max_num_queries(6):
        daily = statements_per_day(actor=actor)
    row = dict(daily.rows)[lrs.app.name]
    assert row[0] == 1 and row[5] == 1


def test_the_issuer_comes_from_the_setting(lrs: Lrs, settings: Any) -> None:
    settings.TSUNAGU_XAPI_ISSUER = "https://lrs.example-ward.jp/"
    with system_scope(reason="test picks a pupil"):
        pupil = Student.objects.order_by("pk").first()
    assert pupil is not None
    ours = {"account": {"homePage": "https://lrs.example-ward.jp", "name": str(pupil.uuid)}}
    assert lrs.post(statement(actor=ours)).status_code == 200
    matched = XapiAgent.objects.get(ifi=f"account:https://lrs.example-ward.jp|{pupil.uuid}")
    assert matched.status == AgentStatus.MATCHED and matched.student == pupil


@pytest.mark.parametrize(
    ("reason", "japanese"),
    [
        ("the agent is a pupil of a school this learning app does not serve", "利用校ではない学校の児童生徒"),
        ("another learning app keeps a document under this key", "別の学習アプリが保存"),
        ("statements must be sent as application/json or multipart/mixed", "multipart/mixed で送る"),
    ],
)
def test_refusals_of_schools_served_and_content_types_are_shown_in_japanese(
    reason: str, japanese: str
) -> None:
    from django.utils import translation

    from tsunagu.learning.reasons import reason_display

    with translation.override("ja"):
        assert japanese in reason_display(reason)
