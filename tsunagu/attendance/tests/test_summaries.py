"""指導要録 出欠の記録 against cases worked out on paper (calendar: tests/builders.py, 44 instructional days).

Each test states the figures it expects and how they were counted, in the order of the 指導要録 columns:
授業日数 / 出席停止・忌引等 / 出席しなければならない日数 / 欠席日数 / 出席日数.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.attendance.models import Mark
from tsunagu.attendance.selectors import AttendanceSummary, attendance_summaries, attendance_summary
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil, closure, mark
from tsunagu.students.models import Student

pytestmark = pytest.mark.django_db

YEAR_START, YEAR_END = dt.date(2026, 4, 1), dt.date(2027, 3, 31)
D = dt.date


@pytest.fixture
def world() -> World:
    return builders.build_world()


def columns(s: AttendanceSummary) -> tuple[int, int, int, int, int]:
    return (s.days_instructional, s.days_excused, s.days_required, s.days_absent, s.days_present)


def year_of(world: World, pupil: Student) -> AttendanceSummary:
    return attendance_summary(
        actor=world.principal, student=pupil, school=world.school, start=YEAR_START, end=YEAR_END
    )


def test_a_pupil_present_every_day_attends_every_instructional_day(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    assert columns(year_of(world, pupil)) == (44, 0, 44, 0, 44)


def test_a_full_year_with_every_kind_of_mark(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 6, 2), Mark.ABSENT_ILLNESS)
    mark(pupil, world.homeroom, D(2026, 6, 3), Mark.ABSENT_ILLNESS)
    mark(pupil, world.homeroom, D(2026, 9, 8), Mark.ABSENT_OTHER)
    mark(pupil, world.homeroom, D(2026, 6, 4), Mark.LATE, arrived_at=dt.time(9, 30))
    mark(pupil, world.homeroom, D(2026, 6, 5), Mark.EARLY_LEAVE, left_at=dt.time(11, 0))
    mark(pupil, world.homeroom, D(2026, 6, 8), Mark.LATE, arrived_at=dt.time(9, 0), left_at=dt.time(13, 0))
    for day in (D(2026, 9, 14), D(2026, 9, 15), D(2026, 9, 16)):
        mark(pupil, world.homeroom, day, Mark.MOURNING, reason="祖父")
    mark(pupil, world.homeroom, D(2026, 9, 17), Mark.DEEMED_PRESENT, place="教育支援センター")
    # A mark on a Saturday (not an instructional day) counts nowhere.
    mark(pupil, world.homeroom, D(2026, 6, 6), Mark.ABSENT_ILLNESS)
    summary = year_of(world, pupil)
    # 44 days; 3 忌引 → 41 required; 2 病 + 1 事 = 3 absent → 38 attended.
    assert columns(summary) == (44, 3, 41, 3, 38)
    assert summary.days_absent_illness == 2
    assert (summary.days_late, summary.days_early_leave) == (2, 2)  # the 8th was both late and early
    assert summary.days_deemed_present == 1
    assert summary.deemed_present_places == ["教育支援センター"]


def test_a_period_counts_only_its_own_days(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 6, 2), Mark.ABSENT_ILLNESS)
    mark(pupil, world.homeroom, D(2026, 9, 8), Mark.ABSENT_OTHER)
    june = attendance_summary(
        actor=world.principal, student=pupil, school=world.school, start=D(2026, 6, 1), end=D(2026, 6, 30)
    )
    assert columns(june) == (22, 0, 22, 1, 21)


def test_a_pupil_who_transfers_in_counts_from_the_first_day_of_the_enrolment(world: World) -> None:
    # Enrolled from Mon 14 September: 14–18, 21–25, 28–30 = 13 days; absent on the 15th.
    pupil = add_pupil(world.homeroom, roll=2, start=D(2026, 9, 14))
    mark(pupil, world.homeroom, D(2026, 9, 15), Mark.ABSENT_ILLNESS)
    assert columns(year_of(world, pupil)) == (13, 0, 13, 1, 12)


def test_a_pupil_who_transfers_out_counts_up_to_the_last_day_of_the_enrolment(world: World) -> None:
    # Enrolled until Fri 12 June: 1–5 and 8–12 = 10 days; a stray mark after leaving is ignored.
    pupil = add_pupil(world.homeroom, roll=3, end=D(2026, 6, 12))
    mark(pupil, world.homeroom, D(2026, 6, 10), Mark.ABSENT_OTHER)
    mark(pupil, world.homeroom, D(2026, 6, 15), Mark.ABSENT_OTHER)
    assert columns(year_of(world, pupil)) == (10, 0, 10, 1, 9)


def test_a_transfer_inside_the_ward_splits_the_year_between_the_two_schools(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=4, end=D(2026, 8, 31))
    from tsunagu.core.scope import system_scope
    from tsunagu.students.models import Enrolment

    with system_scope(reason="test moves a pupil"):
        Enrolment.objects.create(
            student=pupil,
            school=world.other_school,
            school_year=world.year,
            grade_level=world.grade,
            homeroom=world.outsider_homeroom,
            roll_number=30,
            start_date=D(2026, 9, 1),
        )
    mark(pupil, world.outsider_homeroom, D(2026, 9, 2), Mark.ABSENT_ILLNESS)
    assert columns(year_of(world, pupil)) == (22, 0, 22, 0, 22)  # June only, at the first school
    # The pupil's new school counts September (the principal's actor reads the first school only,
    # so ask as someone of the new school: the outsider teaches that class).
    at_new = attendance_summary(
        actor=world.outsider, student=pupil, school=world.other_school, start=YEAR_START, end=YEAR_END
    )
    assert columns(at_new) == (22, 0, 22, 1, 21)


def test_a_class_closure_keeps_the_days_and_counts_them_as_excused(world: World) -> None:
    # 学級閉鎖 Mon 15 – Wed 17 June of 1組: 3 days stay in 授業日数 and go to 出席停止・忌引等.
    closure(world.school, "homeroom", D(2026, 6, 15), D(2026, 6, 17), homeroom=world.homeroom)
    pupil = add_pupil(world.homeroom, roll=1)
    neighbour = add_pupil(world.sibling_homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 6, 16), Mark.ABSENT_ILLNESS)  # entered by mistake: ignored
    assert columns(year_of(world, pupil)) == (44, 3, 41, 0, 41)
    assert columns(year_of(world, neighbour)) == (44, 0, 44, 0, 44)


def test_a_whole_school_closure_leaves_the_instructional_days(world: World) -> None:
    # 臨時休業 Mon 28 – Wed 30 September: 3 days fewer for everyone; marks then are ignored.
    closure(world.school, "school", D(2026, 9, 28), D(2026, 9, 30))
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 9, 29), Mark.ABSENT_OTHER)
    mark(pupil, world.homeroom, D(2026, 9, 25), Mark.ABSENT_OTHER)
    assert columns(year_of(world, pupil)) == (41, 0, 41, 1, 40)


def test_a_grade_closure_leaves_the_days_of_that_grade_only(world: World) -> None:
    closure(world.school, "grade", D(2026, 6, 29), D(2026, 6, 30), grade_level=world.grade)
    fourth = add_pupil(world.sibling_homeroom, roll=1)
    fifth = add_pupil(world.other_grade_homeroom, roll=1)
    assert columns(year_of(world, fourth)) == (42, 0, 42, 0, 42)
    assert columns(year_of(world, fifth)) == (44, 0, 44, 0, 44)


def test_suspension_for_an_infection_is_excused(world: World) -> None:
    # インフルエンザ: 出席停止 Tue 2 – Mon 8 June = 2, 3, 4, 5, 8 = 5 school days.
    pupil = add_pupil(world.homeroom, roll=1)
    for day in (D(2026, 6, 2), D(2026, 6, 3), D(2026, 6, 4), D(2026, 6, 5), D(2026, 6, 8)):
        mark(pupil, world.homeroom, day, Mark.SUSPENDED_INFECTION, disease="インフルエンザ")
    mark(pupil, world.homeroom, D(2026, 6, 1), Mark.ABSENT_ILLNESS)  # first day, before the diagnosis
    assert columns(year_of(world, pupil)) == (44, 5, 39, 1, 38)


def test_mourning_and_disaster_are_excused(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 9, 1), Mark.MOURNING, reason="祖母")
    mark(pupil, world.homeroom, D(2026, 9, 2), Mark.MOURNING, reason="祖母")
    mark(pupil, world.homeroom, D(2026, 9, 3), Mark.DISASTER, reason="台風")
    assert columns(year_of(world, pupil)) == (44, 3, 41, 0, 41)


def test_deemed_present_days_are_attended_days(world: World) -> None:
    # 出席扱い at a free school every day of September: no absence at all.
    pupil = add_pupil(world.homeroom, roll=1)
    for day in builders.SEPTEMBER:
        mark(pupil, world.homeroom, day, Mark.DEEMED_PRESENT, place="フリースクール○○")
    for day in builders.JUNE[:10]:
        mark(pupil, world.homeroom, day, Mark.ABSENT_OTHER)
    summary = year_of(world, pupil)
    assert columns(summary) == (44, 0, 44, 10, 34)
    assert summary.days_deemed_present == 22


def test_a_class_register_counts_only_the_days_in_that_class(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1, end=D(2026, 8, 31))
    from tsunagu.core.scope import system_scope
    from tsunagu.students.models import Enrolment

    with system_scope(reason="test moves a pupil to the other class"):
        Enrolment.objects.create(
            student=pupil,
            school=world.school,
            school_year=world.year,
            grade_level=world.grade,
            homeroom=world.sibling_homeroom,
            roll_number=31,
            start_date=D(2026, 9, 1),
        )
    mark(pupil, world.sibling_homeroom, D(2026, 9, 1), Mark.ABSENT_ILLNESS)
    whole = year_of(world, pupil)
    assert columns(whole) == (44, 0, 44, 1, 43)
    first_class = attendance_summaries(
        actor=world.teacher, school=world.school, start=YEAR_START, end=YEAR_END, homeroom=world.homeroom
    )[pupil.pk]
    assert columns(first_class) == (22, 0, 22, 0, 22)


def test_a_school_of_many_pupils_adds_up_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for roll in range(1, 11):
        add_pupil(world.homeroom, roll=roll)
    world.principal.refresh_from_db()
    with django_assert_max_num_queries(6):
        found = attendance_summaries(
            actor=world.principal, school=world.school, start=YEAR_START, end=YEAR_END
        )
    assert len(found) == 11  # ten and the guardian's child


def test_a_year_with_a_transfer_in_and_out_closures_suspension_and_mourning(world: World) -> None:
    """Everything at once, counted on paper.

    Enrolled from Mon 8 June (転入) to Fri 18 September (転出): June 8–30 = 17 days, September 1–18 =
    14 days, 31 in all. 臨時休業 of the whole school Wed 9 – Fri 11 September: 3 days fewer → 授業日数
    28. 学級閉鎖 Wed 24 – Thu 25 June (2), 出席停止 (infection) Mon 14 – Wed 16 September (3) and 忌引
    Mon 15 June (1): 出席停止・忌引等 6 → 出席しなければならない日数 22. Absent Wed 10 June (病) and Thu
    17 September (事): 2 → 出席日数 20. Marks before the enrolment, on a closed day and in the
    school's closure count nowhere; late, early leave and 出席扱い are attended days.
    """
    pupil = add_pupil(world.homeroom, roll=9, start=D(2026, 6, 8), end=D(2026, 9, 18))
    closure(world.school, "school", D(2026, 9, 9), D(2026, 9, 11))
    closure(world.school, "homeroom", D(2026, 6, 24), D(2026, 6, 25), homeroom=world.homeroom)
    for day in (D(2026, 9, 14), D(2026, 9, 15), D(2026, 9, 16)):
        mark(pupil, world.homeroom, day, Mark.SUSPENDED_INFECTION, disease="インフルエンザ")
    mark(pupil, world.homeroom, D(2026, 6, 15), Mark.MOURNING, reason="祖父")
    mark(pupil, world.homeroom, D(2026, 6, 10), Mark.ABSENT_ILLNESS)
    mark(pupil, world.homeroom, D(2026, 9, 17), Mark.ABSENT_OTHER)
    mark(pupil, world.homeroom, D(2026, 6, 5), Mark.ABSENT_OTHER)  # before the enrolment
    mark(pupil, world.homeroom, D(2026, 6, 24), Mark.ABSENT_ILLNESS)  # the class was closed
    mark(pupil, world.homeroom, D(2026, 9, 10), Mark.ABSENT_ILLNESS)  # the school was closed
    mark(pupil, world.homeroom, D(2026, 6, 11), Mark.LATE, arrived_at=dt.time(9, 10))
    mark(pupil, world.homeroom, D(2026, 9, 1), Mark.EARLY_LEAVE, left_at=dt.time(12, 0))
    mark(pupil, world.homeroom, D(2026, 9, 2), Mark.DEEMED_PRESENT, place="教育支援センター")
    summary = year_of(world, pupil)
    assert columns(summary) == (28, 6, 22, 2, 20)
    assert (summary.days_late, summary.days_early_leave, summary.days_deemed_present) == (1, 1, 1)
    # The same figures month by month add up to the year.
    june = attendance_summary(
        actor=world.principal, student=pupil, school=world.school, start=D(2026, 6, 1), end=D(2026, 6, 30)
    )
    september = attendance_summary(
        actor=world.principal, student=pupil, school=world.school, start=D(2026, 9, 1), end=D(2026, 9, 30)
    )
    assert columns(june) == (17, 3, 14, 1, 13)
    assert columns(september) == (11, 3, 8, 1, 7)
