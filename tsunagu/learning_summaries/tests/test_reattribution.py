"""The board's decisions on quarantined actors move their statements between pupils, and the summaries
follow inside the same transaction (``statements_reattributed``, decision 0017): through the board's
quarantine page and the real ``/xapi/statements`` API, the summaries equal a rebuild after every
decision, and rejecting takes back exactly what the rejected actor had brought."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.accounts.models import User
from tsunagu.learning.models import AgentStatus, Statement, XapiAgent
from tsunagu.learning.services import agent_match
from tsunagu.learning.signals import statements_reattributed
from tsunagu.learning.tests.conftest import Lrs
from tsunagu.learning_summaries.summaries import summaries_rebuild
from tsunagu.learning_summaries.tests.helpers import JST, answered, class_pupils, finished, snapshot, voiding

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 20)
GUEST = {"objectType": "Agent", "account": {"homePage": "https://x.example.jp", "name": "k-7"}}
GUEST_IFI = "account:https://x.example.jp|k-7"


def at(hour: int) -> dt.datetime:
    return dt.datetime(2026, 6, 20, hour, tzinfo=JST)


def post(lrs: Lrs, batch: Any) -> list[str]:
    response = lrs.post(batch)
    assert response.status_code == 200, response.content
    return list(response.json())


def from_guest(statement: dict[str, Any]) -> dict[str, Any]:
    """``statement`` sent under an account the LRS cannot match (a login of another system)."""
    return statement | {"actor": GUEST}


def guest_statements(lrs: Lrs, pupil: Any) -> list[str]:
    """Three statements of the unknown actor (two answers, a finished test) and a voided fourth."""
    ids = post(
        lrs,
        [
            from_guest(answered(pupil, at(9), correct=True, seconds=300)),
            from_guest(answered(pupil, at(10), correct=False, seconds=120)),
            from_guest(finished(pupil, at(11), raw=7, top=10, seconds=600, subject="算数")),
            from_guest(answered(pupil, at(12), correct=True, seconds=999)),
        ],
    )
    post(lrs, [voiding(ids[3])])
    return ids


def rebuilt(ids: list[int]) -> dict[Any, Any]:
    summaries_rebuild(student_ids=ids)
    return snapshot(ids)


def test_an_unknown_actor_matched_by_the_board_appears_in_the_pupils_summary(
    ward: Any, lrs: Lrs, client_as: Any
) -> None:
    pupil = class_pupils(ward)[1]
    post(lrs, [answered(pupil, at(8), correct=True, seconds=60)])  # the pupil's own account, same day
    guest_statements(lrs, pupil)
    assert snapshot([pupil.pk])[(pupil.pk, "MA", DAY)] == (0, 1, 1, 0, 0, 60)
    agent = XapiAgent.objects.get(ifi=GUEST_IFI)
    response = client_as("board").post(
        f"/learning/quarantine/{agent.uuid}/match/", {"pupil_uuid": str(pupil.uuid)}
    )
    assert response.status_code == 302
    # No commit callback needed: the summaries moved inside the decision's transaction.
    after = snapshot([pupil.pk])
    # Own answer + two answers and a finished test of the guest (the voided answer adds nothing).
    assert after[(pupil.pk, "MA", DAY)] == (1, 3, 2, 7000, 10000, 60 + 300 + 120 + 600)
    assert rebuilt([pupil.pk]) == after


def test_rejecting_a_matched_actor_takes_back_only_what_it_brought(
    ward: Any, lrs: Lrs, client_as: Any
) -> None:
    pupil = class_pupils(ward)[2]
    post(lrs, [answered(pupil, at(8), seconds=60), finished(pupil, at(13), raw=5, top=10, subject="国語")])
    own = snapshot([pupil.pk])
    guest_statements(lrs, pupil)
    agent = XapiAgent.objects.get(ifi=GUEST_IFI)
    board = client_as("board")
    board.post(f"/learning/quarantine/{agent.uuid}/match/", {"pupil_uuid": str(pupil.uuid)})
    assert snapshot([pupil.pk]) != own
    assert board.post(f"/learning/quarantine/{agent.uuid}/reject/").status_code == 302
    agent.refresh_from_db()
    assert agent.status == AgentStatus.REJECTED
    assert snapshot([pupil.pk]) == own
    assert rebuilt([pupil.pk]) == own
    assert not Statement.objects.filter(actor=agent, pupil__isnull=False).exists()


def test_rejecting_an_unmatched_actor_moves_nothing(ward: Any, lrs: Lrs, client_as: Any) -> None:
    pupil = class_pupils(ward)[3]
    post(lrs, [answered(pupil, at(8), seconds=60)])
    guest_statements(lrs, pupil)
    before = snapshot([pupil.pk])
    sent: list[dict[str, Any]] = []

    def record(sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    statements_reattributed.connect(record, dispatch_uid="test.record")
    try:
        agent = XapiAgent.objects.get(ifi=GUEST_IFI)
        client_as("board").post(f"/learning/quarantine/{agent.uuid}/reject/")
    finally:
        statements_reattributed.disconnect(dispatch_uid="test.record")
    assert sent == []
    assert snapshot([pupil.pk]) == before == rebuilt([pupil.pk])


def test_matching_again_moves_the_statements_from_one_pupil_to_the_other(ward: Any, lrs: Lrs) -> None:
    first, second = class_pupils(ward)[4:6]
    post(lrs, [answered(first, at(8), seconds=60), answered(second, at(8), seconds=45)])
    ids = guest_statements(lrs, first)
    board = User.objects.get(username="board")
    agent = XapiAgent.objects.get(ifi=GUEST_IFI)
    sent: list[dict[str, Any]] = []

    def record(sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    statements_reattributed.connect(record, dispatch_uid="test.record")
    try:
        agent_match(actor=board, agent=agent, pupil_uuid=str(first.uuid))
        agent_match(actor=board, agent=XapiAgent.objects.get(pk=agent.pk), pupil_uuid=str(second.uuid))
    finally:
        statements_reattributed.disconnect(dispatch_uid="test.record")
    assert [(s["old_pupil_id"], s["new_pupil_id"]) for s in sent] == [(None, first.pk), (first.pk, second.pk)]
    assert set(sent[1]["statement_ids"]) == set(ids)  # the voided one moves too; receivers filter it
    after = snapshot([first.pk, second.pk])
    assert after[(first.pk, "MA", DAY)] == (0, 1, 1, 0, 0, 60)
    assert after[(second.pk, "MA", DAY)] == (1, 3, 2, 7000, 10000, 45 + 1020)
    assert rebuilt([first.pk, second.pk]) == after


def test_a_failing_receiver_leaves_the_decision_undone(ward: Any, lrs: Lrs) -> None:
    pupil = class_pupils(ward)[6]
    guest_statements(lrs, pupil)
    agent = XapiAgent.objects.get(ifi=GUEST_IFI)
    before = snapshot([pupil.pk])

    def fail(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("receiver failed")

    statements_reattributed.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError):
            agent_match(actor=User.objects.get(username="board"), agent=agent, pupil_uuid=str(pupil.uuid))
    finally:
        statements_reattributed.disconnect(dispatch_uid="test.fail")
    agent.refresh_from_db()
    assert agent.status == AgentStatus.UNMATCHED
    assert not Statement.objects.filter(actor=agent, pupil__isnull=False).exists()
    assert snapshot([pupil.pk]) == before
