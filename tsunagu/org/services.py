"""Write paths for the organisation: teaching assignments (and the role assignments they grant) and
the school calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays
from django.db import transaction

from tsunagu.accounts.models import Role, RoleAssignment
from tsunagu.org.models import (
    AssignmentKind,
    DayKind,
    GradeLevel,
    Homeroom,
    School,
    SchoolDay,
    SchoolYear,
    StaffMember,
    TeachingAssignment,
    TeachingGroup,
)

_ROLE_OF_KIND = {
    AssignmentKind.HOMEROOM: Role.HOMEROOM_TEACHER,
    AssignmentKind.ASSISTANT: Role.HOMEROOM_TEACHER,
    AssignmentKind.SUBJECT: Role.SUBJECT_TEACHER,
    AssignmentKind.GRADE_HEAD: Role.GRADE_HEAD,
}


def role_assignment_for(assignment: TeachingAssignment) -> RoleAssignment | None:
    """The (unsaved) role assignment a teaching assignment grants, or None for a staff member without
    a user account. Shared by the service below and the demo seeder's bulk path."""
    user_id = assignment.staff_member.user_id
    if user_id is None:
        return None
    return RoleAssignment(
        user_id=user_id,
        role=_ROLE_OF_KIND[AssignmentKind(assignment.kind)],
        school_year_id=assignment.school_year_id,
        school_id=assignment.school_id if assignment.kind == AssignmentKind.GRADE_HEAD else None,
        grade_level_id=assignment.grade_level_id,
        homeroom_id=assignment.homeroom_id,
        teaching_group_id=assignment.teaching_group_id,
        source=assignment,
    )


@transaction.atomic
def teaching_assignment_create(
    *,
    staff_member: StaffMember,
    kind: str,
    school_year: SchoolYear,
    homeroom: Homeroom | None = None,
    teaching_group: TeachingGroup | None = None,
    grade_level: GradeLevel | None = None,
) -> TeachingAssignment:
    """Assign a teacher to a homeroom, teaching group or grade, and grant the matching role.

    Saving the role assignment ends the user's sessions, so they start again with the new rights
    (SECURITY.md: sessions end when roles change).
    """
    school = staff_member.school
    if school is None:
        raise ValueError("a teaching assignment needs a staff member of a school")
    assignment = TeachingAssignment.objects.create(
        staff_member=staff_member,
        school=school,
        school_year=school_year,
        kind=kind,
        homeroom=homeroom,
        teaching_group=teaching_group,
        grade_level=grade_level,
    )
    grant = role_assignment_for(assignment)
    if grant is not None:
        grant.save()  # ends the user's sessions (accounts.receivers), so old rights do not linger
    return assignment


#: Breaks most of the ward's schools keep (month, day) inclusive; the board can change a school's days.
SUMMER_BREAK = ((7, 21), (8, 31))
WINTER_BREAK = ((12, 26), (1, 7))
SPRING_BREAK_END = (3, 25)  # from this day to 31 March
FIRST_DAY = (4, 6)  # 始業式 on the first weekday from this day


def _in_break(day: dt.date) -> bool:
    md = (day.month, day.day)
    if SUMMER_BREAK[0] <= md <= SUMMER_BREAK[1]:
        return True
    if md >= WINTER_BREAK[0] or md <= WINTER_BREAK[1]:
        return True
    return (day.month == 3 and md > SPRING_BREAK_END) or (day.month == 4 and md < FIRST_DAY)


def calendar_days(
    school: School, school_year: SchoolYear, *, school_holidays: Iterable[tuple[dt.date, str]] = ()
) -> list[SchoolDay]:
    """The (unsaved) calendar of one school for one year: weekends, national holidays (振替休日 and
    国民の休日 included), breaks, the school's own holidays, and instructional days."""
    national = holidays.country_holidays(
        "JP", years=[school_year.start_date.year, school_year.end_date.year], language="ja"
    )
    own = dict(school_holidays)
    days = []
    day = school_year.start_date
    while day <= school_year.end_date:
        if day in national:
            kind, note = DayKind.HOLIDAY, str(national.get(day))
        elif day.weekday() >= 5:
            kind, note = DayKind.WEEKEND, ""
        elif day in own:
            kind, note = DayKind.SCHOOL_HOLIDAY, own[day]
        elif _in_break(day):
            kind, note = DayKind.BREAK, ""
        else:
            kind, note = DayKind.INSTRUCTIONAL, ""
        days.append(SchoolDay(school=school, school_year=school_year, date=day, kind=kind, note=note))
        day += dt.timedelta(days=1)
    return days
