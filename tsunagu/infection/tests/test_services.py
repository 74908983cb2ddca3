"""Services of 学校感染症: which register marks a suspension replaces and gives back, validation in
Japanese, scope, 学級閉鎖 proposals and the daily report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.attendance.models import (
    AbsenceReport,
    AttendanceMark,
    Closure,
    ClosureScope,
    Mark,
    ReportKind,
    ReportReason,
    Symptom,
)
from tsunagu.core.scope import system_scope
from tsunagu.infection import selectors, services
from tsunagu.infection.models import InfectionSettings, ProposalStatus, SchoolInfection
from tsunagu.infection.tests.builders import TODAY, InfectionSchool

pytestmark = pytest.mark.django_db


def d(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def put_mark(site: InfectionSchool, day: dt.date, kind: str, pupil: int = 0, **extra: object) -> None:
    with system_scope(reason="test enters a mark"):
        AttendanceMark.objects.create(
            student=site.pupils[pupil], school=site.school, homeroom=site.room, date=day, kind=kind, **extra
        )


def marks(site: InfectionSchool, pupil: int = 0) -> dict[dt.date, str]:
    with system_scope(reason="test reads the register"):
        return dict(AttendanceMark.objects.filter(student=site.pupils[pupil]).values_list("date", "kind"))


def flu(site: InfectionSchool, fever_end: dt.date | None = d(4), pupil: int = 0) -> SchoolInfection:
    return services.infection_record(
        actor=site.nurse,
        student=site.pupils[pupil],
        disease="influenza",
        onset_date=d(2),
        fever_end_date=fever_end,
        today=TODAY,
    )


def test_absences_are_replaced_other_marks_kept_and_all_given_back(site: InfectionSchool) -> None:
    put_mark(site, d(2), Mark.EARLY_LEAVE, left_at=dt.time(11, 0))  # came in, went home with fever
    put_mark(site, d(4), Mark.ABSENT_ILLNESS, reason="発熱")
    put_mark(site, d(5), Mark.ABSENT_OTHER)
    infection = flu(site)
    result = services.infection_confirm(actor=site.nurse, infection=infection)
    assert result.kept == [d(2)]
    assert marks(site) == {
        d(2): Mark.EARLY_LEAVE,
        d(4): Mark.SUSPENDED_INFECTION,
        d(5): Mark.SUSPENDED_INFECTION,
        d(6): Mark.SUSPENDED_INFECTION,
    }
    services.infection_cancel(actor=site.nurse, infection=infection, reason="誤登録")
    assert marks(site) == {d(2): Mark.EARLY_LEAVE, d(4): Mark.ABSENT_ILLNESS, d(5): Mark.ABSENT_OTHER}
    with system_scope(reason="test"):
        assert AttendanceMark.objects.get(student=site.pupils[0], date=d(4)).reason == "発熱"


def test_adjusting_needs_a_reason_and_shortening_gives_days_back(site: InfectionSchool) -> None:
    infection = flu(site)
    with pytest.raises(ValidationError) as exc:
        services.infection_confirm(actor=site.nurse, infection=infection, first_day=d(4))
    assert "理由" in exc.value.message_dict["reason"][0]
    services.infection_confirm(actor=site.nurse, infection=infection)
    services.infection_confirm(
        actor=site.nurse, infection=infection, first_day=d(4), reason="11/2は登校していた"
    )
    assert sorted(marks(site)) == [d(4), d(5), d(6)]
    infection.refresh_from_db()
    assert infection.adjustment_reason == "11/2は登校していた"


def test_bad_dates_are_refused_in_japanese_and_nothing_is_written(site: InfectionSchool) -> None:
    with pytest.raises(ValidationError) as exc:
        services.infection_record(
            actor=site.nurse,
            student=site.pupils[0],
            disease="influenza",
            onset_date=d(10),
            fever_end_date=d(9),
            diagnosed_on=d(8),
            today=TODAY,
        )
    errors = exc.value.message_dict
    assert "解熱日は発症日" in errors["fever_end_date"][0]
    assert "診断日" in errors["diagnosed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.infection_record(
            actor=site.nurse,
            student=site.pupils[0],
            disease="measles",
            onset_date=d(2),
            condition_date=d(4),
            today=TODAY,
        )
    assert "解熱日を入れて" in exc.value.message_dict["condition_date"][0]
    with system_scope(reason="test"):
        assert (
            not SchoolInfection.objects.exists()
            or not SchoolInfection.objects.filter(student=site.pupils[0]).exists()
        )


def test_only_the_schools_nurse_records(site: InfectionSchool) -> None:
    with pytest.raises(ValidationError):  # the other school's nurse does not even see the pupil
        services.infection_record(
            actor=site.other_nurse, student=site.pupils[0], disease="influenza", onset_date=d(2), today=TODAY
        )
    with pytest.raises(PermissionDenied):  # the principal reads but does not record
        services.infection_record(
            actor=site.principal, student=site.pupils[0], disease="influenza", onset_date=d(2), today=TODAY
        )
    infection = flu(site)
    for actor in (site.principal, site.teacher, site.other_nurse):
        with pytest.raises(PermissionDenied):
            services.infection_confirm(actor=actor, infection=infection)


# --- 学級閉鎖 proposals ----------------------------------------------------------------------------


def test_a_class_past_the_threshold_gets_a_proposal_the_principal_decides(site: InfectionSchool) -> None:
    day = d(16)
    put_mark(site, day, Mark.ABSENT_ILLNESS, pupil=1)
    services.infection_confirm(actor=site.nurse, infection=flu(site, pupil=2))  # not running on 11/16
    assert services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=day) == []
    put_mark(site, day, Mark.SUSPENDED_INFECTION, pupil=3, disease="インフルエンザ")
    with system_scope(reason="test: a guardian's report this morning"):
        AbsenceReport.objects.create(
            student=site.pupils[4],
            school=site.school,
            homeroom=site.room,
            date=day,
            kind=ReportKind.ABSENCE,
            reason=ReportReason.ILLNESS,
            symptoms=[Symptom.FEVER],
        )
    # 3 of 10 pupils = 30 % ≥ 20 %
    [proposal] = services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=day)
    assert (proposal.homeroom, proposal.absent_illness, proposal.suspended, proposal.percent) == (
        site.room,
        2,
        1,
        30,
    )
    with pytest.raises(PermissionDenied):
        services.closure_proposal_decide(
            actor=site.nurse,
            proposal=proposal,
            scope=ClosureScope.HOMEROOM,
            start_date=d(17),
            end_date=d(19),
            reason="x",
        )
    closure = services.closure_proposal_decide(
        actor=site.principal,
        proposal=proposal,
        scope=ClosureScope.HOMEROOM,
        start_date=d(17),
        end_date=d(19),
        reason="インフルエンザの流行による学級閉鎖",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED and proposal.closure == closure
    assert (closure.homeroom, closure.start_date, closure.end_date) == (site.room, d(17), d(19))
    # A closed class gets no new proposal; the decided one stays.
    put_mark(site, d(17), Mark.ABSENT_ILLNESS, pupil=5)
    assert services.closure_proposals_refresh(actor=site.principal, school=site.school, day=d(17)) == []


def test_the_board_sets_the_threshold(site: InfectionSchool) -> None:
    InfectionSettings.objects.create(board=site.school.board, threshold_percent=50, threshold_pupils=2)
    put_mark(site, d(16), Mark.ABSENT_ILLNESS, pupil=1)
    assert services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=d(16)) == []
    put_mark(site, d(16), Mark.ABSENT_ILLNESS, pupil=2)
    assert len(services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=d(16))) == 1
    assert services.passes_threshold(5, 10, 50, None) and not services.passes_threshold(4, 10, 50, None)


def test_dismissed_proposal_stays_dismissed(site: InfectionSchool) -> None:
    for pupil in (1, 2):
        put_mark(site, d(16), Mark.ABSENT_ILLNESS, pupil=pupil)
    [proposal] = services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=d(16))
    services.closure_proposal_dismiss(actor=site.principal, proposal=proposal, note="様子を見る")
    [again] = services.closure_proposals_refresh(actor=site.nurse, school=site.school, day=d(16))
    assert again.status == ProposalStatus.DISMISSED


# --- the daily report and the board's counts -------------------------------------------------------


def test_daily_report_counts_by_disease_and_symptom(site: InfectionSchool) -> None:
    services.infection_confirm(actor=site.nurse, infection=flu(site, pupil=0))
    put_mark(site, d(4), Mark.ABSENT_ILLNESS, pupil=1)
    with system_scope(reason="test: the guardian's report"):
        AbsenceReport.objects.create(
            student=site.pupils[1],
            school=site.school,
            homeroom=site.room,
            date=d(4),
            kind=ReportKind.ABSENCE,
            reason=ReportReason.ILLNESS,
            symptoms=[Symptom.FEVER, Symptom.COUGH],
            status="confirmed",
        )
        Closure.objects.create(
            school=site.school,
            school_year=site.year,
            scope=ClosureScope.HOMEROOM,
            homeroom=site.other_room,
            grade_level=site.other_room.grade_level,
            start_date=d(4),
            end_date=d(4),
            reason="学級閉鎖",
        )
    rows = selectors.daily_report_rows(actor=site.nurse, school=site.school, day=d(4))
    tails = [r[3:] for r in rows]
    assert tails == [
        ["5", "1組", "10", "出席停止", "インフルエンザ", "1"],
        ["5", "1組", "10", "欠席", "計", "1"],
        ["5", "1組", "10", "欠席（症状別）", "咳", "1"],
        ["5", "1組", "10", "欠席（症状別）", "発熱", "1"],
        ["5", "2組", "10", "学級閉鎖", "", "10"],
    ]
    assert all(r[:3] == [site.school.mext_code, site.school.name, "2026-11-04"] for r in rows)
    assert not any(p.given_name in cell for p in site.pupils for r in rows for cell in r)


def test_board_counts_by_school_and_disease(site: InfectionSchool) -> None:
    services.infection_confirm(actor=site.nurse, infection=flu(site, pupil=0))
    services.infection_confirm(actor=site.nurse, infection=flu(site, pupil=1))
    rows, diseases = selectors.ward_counts(actor=site.board, schools=[site.school], day=d(5))
    assert diseases == ["インフルエンザ"] and rows[0].by_disease == [2] and rows[0].total == 2
    rows, _ = selectors.ward_counts(actor=site.board, schools=[site.school], day=d(9))
    assert rows[0].total == 0
    with system_scope(reason="test"):
        assert SchoolInfection.objects.visible_to(site.board, "view").count() == 0
