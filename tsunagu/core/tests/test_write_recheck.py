"""A write that moves its object out of the actor's scope is rolled back and recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from tsunagu.accounts.models import User
from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.core.views import WriteOutOfScope, ensure_visible_after_write, policy_required
from tsunagu.students.models import Enrolment, Student

pytestmark = pytest.mark.django_db


def _pupil_of(ward: Any) -> Student:
    with system_scope(reason="test set-up"):
        enrolment = Enrolment.objects.filter(school=ward.schools["sakura"], end_date__isnull=True).first()
        return enrolment.student


def _close_enrolment(student: Student) -> None:
    with system_scope(reason="test write"):
        Enrolment.objects.filter(student=student, end_date__isnull=True).update(
            end_date=Enrolment.objects.filter(student=student, end_date__isnull=True).get().start_date
        )


def test_a_write_that_stays_in_scope_passes(ward: Any) -> None:
    principal = User.objects.get(username="principal")
    pupil = _pupil_of(ward)
    with transaction.atomic():
        ensure_visible_after_write(principal, pupil, "change")


def test_a_write_that_leaves_scope_is_rolled_back_and_recorded(ward: Any) -> None:
    principal = User.objects.get(username="principal")
    pupil = _pupil_of(ward)

    @policy_required("students.Student", "change")
    def view(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            _close_enrolment(pupil)  # "change" covers pupils currently enrolled: this one no longer is
            ensure_visible_after_write(request.user, pupil, "change")
        return HttpResponse("saved")

    request = RequestFactory().post("/")
    request.user = principal
    with pytest.raises(WriteOutOfScope) as refused:
        view(request)
    assert isinstance(refused.value, PermissionDenied)
    with system_scope(reason="test check"):
        assert Enrolment.objects.filter(student=pupil, end_date__isnull=True).exists()
    event = AuditEvent.objects.filter(kind="write_out_of_scope").latest("pk")
    assert event.detail["model"] == "students.Student" and event.detail["pk"] == str(pupil.pk)
