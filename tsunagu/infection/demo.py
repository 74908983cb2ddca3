"""Demo data of 学校感染症: the diagnoses behind the influenza wave the attendance demo already wrote.

The attendance step (order 50) marks four pupils of さくら小 4年1組 出席停止（インフルエンザ） on two school
days about two weeks ago and closes the class for the three school days after. This step records the
matching diagnoses (onset on the first marked day, fever gone two days later, confirmed by the nurse),
links them to the marks they stand for, and records the 学級閉鎖 proposal the principal decided. It
writes no marks of its own. Each board gets the default threshold (20 %).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.models import AttendanceMark, Closure, ClosureScope, Mark
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.infection.diseases import DISEASES_BY_CODE, exclusion_period
from tsunagu.infection.models import (
    ClosureProposal,
    InfectionSettings,
    InfectionStatus,
    ProposalStatus,
    SchoolInfection,
    SuspensionDay,
)
from tsunagu.students.models import Enrolment


@demo_step(order=55)
def influenza_wave(ctx: DemoContext) -> None:
    """Diagnoses for the 出席停止 marks of the attendance demo, and the decided 学級閉鎖 proposal."""
    InfectionSettings.objects.get_or_create(board=ctx.board)
    closure = (
        Closure.objects.filter(
            school_year=ctx.school_year, scope=ClosureScope.HOMEROOM, homeroom__isnull=False
        )
        .select_related("homeroom", "school")
        .order_by("start_date")
        .first()
    )
    if closure is None or closure.homeroom is None:
        return
    room = closure.homeroom
    marks = AttendanceMark.objects.filter(
        homeroom=room, kind=Mark.SUSPENDED_INFECTION, date__lt=closure.start_date
    ).order_by("date")
    by_pupil: dict[int, list[dt.date]] = defaultdict(list)
    for student_id, day in marks.values_list("student_id", "date"):
        by_pupil[student_id].append(day)
    nurse = RoleAssignment.objects.filter(
        role="nurse", school=closure.school, school_year=ctx.school_year
    ).first()
    principal = RoleAssignment.objects.filter(
        role="principal", school=closure.school, school_year=ctx.school_year
    ).first()
    flu = DISEASES_BY_CODE["influenza"]
    now = timezone.now()
    for student_id, days in by_pupil.items():
        onset = days[0]
        period = exclusion_period(flu, onset=onset, fever_end=onset + dt.timedelta(days=2))
        infection = SchoolInfection.objects.create(
            student_id=student_id,
            school=closure.school,
            homeroom=room,
            disease=flu.code,
            onset_date=onset,
            diagnosed_on=onset,
            fever_end_date=onset + dt.timedelta(days=2),
            doctor_note="迅速検査 A型陽性",
            proposed_first_day=period.first_day,
            proposed_last_day=period.last_day,
            explanation="\n".join(period.lines),
            first_day=period.first_day,
            last_day=period.last_day,
            provisional=False,
            status=InfectionStatus.CONFIRMED,
            recorded_by_id=nurse.user_id if nurse else None,
            confirmed_by_id=nurse.user_id if nurse else None,
            confirmed_at=now,
        )
        SuspensionDay.objects.bulk_create(
            SuspensionDay(infection=infection, date=d)
            for d in days
            if period.first_day <= d <= period.last_day
        )
    decided_on = closure.start_date - dt.timedelta(days=1)
    enrolled = Enrolment.objects.filter(homeroom=room, start_date__lte=decided_on).count()
    last_flu_day = max((d for days in by_pupil.values() for d in days), default=decided_on)
    ill = AttendanceMark.objects.filter(homeroom=room, date=last_flu_day, kind=Mark.ABSENT_ILLNESS).count()
    ClosureProposal.objects.create(
        school=closure.school,
        homeroom=room,
        date=last_flu_day,
        enrolled=enrolled,
        absent_illness=ill,
        suspended=len(by_pupil),
        status=ProposalStatus.DECIDED,
        closure=closure,
        decision_note=closure.reason,
        decided_by_id=principal.user_id if principal else None,
        decided_at=now,
    )
