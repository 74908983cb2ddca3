"""提出 → 承認 (or 差し戻し) → 公開, through the pages; what guardians see at each step; a change after the
approval shows and needs approving again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.grades.models import RemarkKind
from tsunagu.grades.services import remark_save
from tsunagu.report_cards import selectors, services
from tsunagu.report_cards.models import CardState, ReportCard, ReportCardSet

pytestmark = pytest.mark.django_db


def _url(name: str, room: Any, term: Any) -> str:
    return reverse(f"report_cards:{name}", args=[room.uuid, term.number])


def _set(room: Any, term: Any) -> ReportCardSet:
    with system_scope(reason="test reads the workflow row"):
        return ReportCardSet.objects.get(homeroom=room, term=term)


def _guardian_cards(client: Any) -> list[str]:
    response = client.get(reverse("report_cards:mine"))
    assert response.status_code == 200
    return [str(card.uuid) for card in response.context["cards"]]


def test_the_whole_workflow_through_the_pages(
    client_as: Any, room: Any, term2: Any, child: Any, users: Any
) -> None:
    teacher, principal, guardian = client_as("teacher"), client_as("principal"), client_as("guardian")
    page = teacher.get(_url("class_cards", room, term2))
    assert page.status_code == 200 and page.context["may_submit"]
    assert principal.post(_url("approve", room, term2)).status_code == 404  # nothing submitted yet

    assert teacher.post(_url("submit", room, term2)).status_code == 302
    assert _set(room, term2).state == CardState.SUBMITTED
    assert _url("class_cards", room, term2) in principal.get("/").content.decode()  # waiting on the home page
    assert teacher.post(_url("approve", room, term2)).status_code == 403  # a teacher cannot approve

    # 差し戻し needs a comment; with one, the teacher sees it and submits again
    principal.post(_url("send_back", room, term2), {"comment": " "})
    assert _set(room, term2).state == CardState.SUBMITTED
    principal.post(_url("send_back", room, term2), {"comment": "所見の誤字を直してください。"})
    assert _set(room, term2).state == CardState.RETURNED
    assert "所見の誤字を直してください。" in teacher.get(_url("class_cards", room, term2)).content.decode()
    teacher.post(_url("submit", room, term2))

    principal.post(_url("approve", room, term2))
    card_set = _set(room, term2)
    assert card_set.state == CardState.APPROVED and card_set.approved_by == users["principal"]
    with system_scope(reason="test reads the frozen cards"):
        cards = {c.student_id: c for c in ReportCard.objects.filter(card_set=card_set)}
    overview = selectors.class_cards_get(actor=users["teacher"], homeroom=room, term=term2)
    assert set(cards) == {row.student.pk for row in overview.rows}
    assert all(cards[row.student.pk].content_hash == row.live_hash for row in overview.rows)
    mine = cards[child.pk]
    assert str(mine.uuid) not in _guardian_cards(guardian)  # approved, not released
    assert guardian.get(reverse("report_cards:card_pdf", args=[mine.uuid])).status_code == 404

    # released on a later day: still hidden; from that day on, shown
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    principal.post(_url("release", room, term2), {"release_on": tomorrow.isoformat()})
    assert _set(room, term2).state == CardState.RELEASED
    assert str(mine.uuid) not in _guardian_cards(guardian)
    principal.post(_url("release", room, term2), {"release_on": timezone.localdate().isoformat()})
    assert str(mine.uuid) in _guardian_cards(guardian)
    response = guardian.get(reverse("report_cards:card_pdf", args=[mine.uuid]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with system_scope(reason="test reads the access log"):
        assert AccessLog.objects.filter(
            object_uuid=mine.uuid, action="download", actor_username="guardian"
        ).exists()
    # only their own child's: a classmate's card is not theirs
    classmate = next(c for pk, c in cards.items() if pk != child.pk)
    assert guardian.get(reverse("report_cards:card_pdf", args=[classmate.uuid])).status_code == 404


def test_a_change_after_approval_shows_and_needs_approving_again(
    room: Any, term2: Any, child: Any, users: Any
) -> None:
    teacher, principal = users["teacher"], users["principal"]
    card_set = services.report_card_set_submit(actor=teacher, homeroom=room, term=term2)
    card_set = services.report_card_set_approve(actor=principal, card_set=card_set)
    card_set = services.report_card_set_release(
        actor=principal, card_set=card_set, release_on=timezone.localdate()
    )
    with system_scope(reason="test reads the frozen card"):
        frozen = ReportCard.objects.get(card_set=card_set, student=child)
    assert not selectors.class_cards_get(actor=teacher, homeroom=room, term=term2).needs_approval
    with pytest.raises(ValidationError):
        services.report_card_set_approve(actor=principal, card_set=card_set)  # nothing changed

    remark_save(
        actor=teacher,
        student=child,
        school=room.school,
        school_year=room.school_year,
        term=term2,
        kind=RemarkKind.GENERAL,
        text="承認の後に書き直した所見。",
        version=0,
    )
    overview = selectors.class_cards_get(actor=teacher, homeroom=room, term=term2)
    assert [row.student.pk for row in overview.changed] == [child.pk]
    assert overview.needs_approval and overview.outdated == 1
    frozen.refresh_from_db()
    assert "承認の後に書き直した所見。" not in str(frozen.content)  # families still see what was approved
    with pytest.raises(ValidationError):
        services.report_card_set_release(actor=principal, card_set=card_set, release_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.report_card_set_approve(actor=teacher, card_set=card_set)

    services.report_card_set_approve(actor=principal, card_set=card_set)
    frozen.refresh_from_db()
    assert frozen.content["remark"] == "承認の後に書き直した所見。"
    assert _set(room, term2).state == CardState.RELEASED  # stays released, now with the correction
    assert not selectors.class_cards_get(actor=teacher, homeroom=room, term=term2).changed


def test_refusals(room: Any, term2: Any, users: Any, ward: Any) -> None:
    teacher, principal, outsider = users["teacher"], users["principal"], users["outsider"]
    with pytest.raises(PermissionDenied):
        services.report_card_set_submit(actor=principal, homeroom=room, term=term2)  # not the teacher's role
    with pytest.raises(PermissionDenied):
        services.report_card_set_submit(actor=outsider, homeroom=room, term=term2)
    card_set = services.report_card_set_submit(actor=teacher, homeroom=room, term=term2)
    with pytest.raises(ValidationError):
        services.report_card_set_submit(actor=teacher, homeroom=room, term=term2)  # twice
    with pytest.raises(ValidationError):
        services.report_card_set_release(actor=principal, card_set=card_set, release_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.report_card_set_return(actor=principal, card_set=card_set, comment="")
    services.report_card_set_approve(actor=principal, card_set=card_set)
    with pytest.raises(ValidationError):
        services.report_card_set_return(actor=principal, card_set=card_set, comment="遅すぎる")
    with pytest.raises(ValidationError):
        services.report_card_set_release(
            actor=principal, card_set=card_set, release_on=term2.start_date - dt.timedelta(days=1)
        )


def test_the_demo_released_the_cast_class_first_term(
    client_as: Any, room: Any, term1: Any, child: Any
) -> None:
    guardian = client_as("guardian")
    with system_scope(reason="test finds the demo's card"):
        card = ReportCard.objects.get(card_set__homeroom=room, card_set__term=term1, student=child)
    assert str(card.uuid) in _guardian_cards(guardian)
    home = guardian.get("/")
    assert reverse("report_cards:card_pdf", args=[card.uuid]) in home.content.decode()
    # pupils have no page of their own (the card is addressed to the family)
    assert client_as("student").get(reverse("report_cards:card_pdf", args=[card.uuid])).status_code == 403


def test_grade_head_reads_the_grade_only(room: Any, term1: Any, ward: Any) -> None:
    from tsunagu.accounts.models import RoleAssignment, User
    from tsunagu.org.models import Homeroom

    head = User.objects.create_user(username="grade-head-4", password="x")
    RoleAssignment.objects.create(
        user=head,
        role="grade_head",
        school=room.school,
        school_year=room.school_year,
        grade_level=room.grade_level,
    )
    rooms = selectors.viewable_homerooms(actor=head)
    assert rooms and all(
        r.grade_level_id == room.grade_level_id and r.school_id == room.school_id for r in rooms
    )
    with system_scope(reason="test picks another grade's class"):
        other = Homeroom.objects.filter(school=room.school, school_year=room.school_year).exclude(
            grade_level=room.grade_level
        )[0]
    assert other.pk not in {r.pk for r in rooms}
    assert not Homeroom.objects.visible_to(head, "submit_report_cards").exists()
    assert not Homeroom.objects.visible_to(head, "approve_report_cards").exists()
    cards = ReportCard.objects.visible_to(head, "view").filter(card_set__homeroom=room, card_set__term=term1)
    assert cards.exists()
