"""The demo's influenza wave: the diagnoses match the 出席停止 marks the attendance demo wrote, and the
class closure has its decided proposal."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.attendance.models import AttendanceMark, Closure, Mark
from tsunagu.core.scope import system_scope
from tsunagu.infection.models import ClosureProposal, InfectionStatus, ProposalStatus, SchoolInfection

pytestmark = pytest.mark.django_db


def test_every_demo_suspension_has_its_confirmed_diagnosis(ward: Any) -> None:
    with system_scope(reason="test reads the demo"):
        closure = Closure.objects.filter(homeroom__isnull=False).order_by("start_date").first()
        if closure is None:
            pytest.skip("the demo calendar has no closure yet (too early in the school year)")
        marked = set(
            AttendanceMark.objects.filter(
                homeroom=closure.homeroom, kind=Mark.SUSPENDED_INFECTION, date__lt=closure.start_date
            ).values_list("student_id", "date")
        )
        infections = list(SchoolInfection.objects.filter(homeroom=closure.homeroom))
        assert {i.student_id for i in infections} == {s for s, _ in marked}
        for infection in infections:
            assert infection.status == InfectionStatus.CONFIRMED and not infection.provisional
            assert infection.first_day is not None and infection.last_day is not None
            days = {d for s, d in marked if s == infection.student_id}
            assert all(infection.first_day <= d <= infection.last_day for d in days)
            assert set(infection.days.values_list("date", flat=True)) == days
        proposal = ClosureProposal.objects.get(homeroom=closure.homeroom)
        assert proposal.status == ProposalStatus.DECIDED and proposal.closure == closure
