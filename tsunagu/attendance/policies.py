"""Who may read and write the 出席簿, closures and guardians' absence reports.

The homeroom teacher takes the register of their own class; principal and office staff read the
whole school's (the nurse too: absences feed the 保健日誌); a grade head reads the grade. Guardians
report for their own children (custody, no contact restriction) and read their children's marks.
Absence reports carry symptoms (class I), so office staff, who see no health data, do not read them.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.models import (
    AbsenceReport,
    AttendanceMark,
    BoardNotice,
    Closure,
    PeriodMark,
    RegisterDay,
)
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import assignment_school_id, pupil_scope
from tsunagu.org.models import Board, Homeroom, School
from tsunagu.students.models import Student

SCHOOL_READERS = ["principal", "office", "nurse"]


# --- the register as a whole (a homeroom's, a school's) -------------------------------------------


@rule(Homeroom, actions=["take_attendance"], roles=["homeroom_teacher"])
def homeroom_take_attendance(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: take the daily register."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_attendance"], roles=["homeroom_teacher"])
def homeroom_view_attendance_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom's register, alerts and totals."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_attendance"], roles=SCHOOL_READERS)
def homeroom_view_attendance_school(a: RoleAssignment) -> RuleResult:
    """The register of every homeroom of the school."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["view_attendance"], roles=["grade_head"])
def homeroom_view_attendance_grade(a: RoleAssignment) -> RuleResult:
    """The registers of the homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(School, actions=["view_attendance"], roles=["principal", "office"])
def school_view_attendance(a: RoleAssignment) -> RuleResult:
    """One's own school: attendance alerts (7 consecutive days, approaching 30 days) and closures."""
    return Q(pk=a.school_id)


@rule(School, actions=["manage_closures"], roles=["principal"])
def school_manage_closures(a: RoleAssignment) -> RuleResult:
    """One's own school: enter 臨時休業, 学年閉鎖 and 学級閉鎖."""
    return Q(pk=a.school_id)


# --- marks ------------------------------------------------------------------------------------


@rule(AttendanceMark, actions=["view"], roles=SCHOOL_READERS)
def mark_view_school(a: RoleAssignment) -> RuleResult:
    """Marks recorded at the school."""
    return Q(school=a.school_id)


@rule(AttendanceMark, actions=["view", "change"], roles=["homeroom_teacher"])
def mark_own_homeroom(a: RoleAssignment) -> RuleResult:
    """Marks recorded in one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(AttendanceMark, actions=["view"], roles=["grade_head"])
def mark_view_grade(a: RoleAssignment) -> RuleResult:
    """Marks recorded in the homerooms of one's grade this year."""
    return Q(
        homeroom__school=a.school_id,
        homeroom__school_year=a.school_year_id,
        homeroom__grade_level=a.grade_level_id,
    )


@rule(AttendanceMark, actions=["view"], roles=["guardian", "student"])
def mark_view_family(a: RoleAssignment) -> RuleResult:
    """Own children's marks (guardian, with custody and no contact restriction); one's own (pupil)."""
    return pupil_scope(a, via="student__")


@rule(RegisterDay, actions=["view"], roles=SCHOOL_READERS)
def registerday_view_school(a: RoleAssignment) -> RuleResult:
    """Which registers of the school have been taken."""
    return Q(homeroom__school=a.school_id)


@rule(RegisterDay, actions=["view", "change"], roles=["homeroom_teacher"])
def registerday_own(a: RoleAssignment) -> RuleResult:
    """Days one's own homeroom's register was taken."""
    return Q(homeroom=a.homeroom_id)


@rule(AttendanceMark, actions=["record"], roles=["principal", "nurse"])
def mark_record_school(a: RoleAssignment) -> RuleResult:
    """Marks of the school written outside the daily screen (出席停止 over a period, early leave from
    the nurse's room)."""
    return Q(school=a.school_id)


@rule(AttendanceMark, actions=["record"], roles=["homeroom_teacher"])
def mark_record_own_homeroom(a: RoleAssignment) -> RuleResult:
    """Marks of one's own homeroom written outside the daily screen (a period of 出席停止)."""
    return Q(homeroom=a.homeroom_id)


@rule(Student, actions=["record_attendance"], roles=["principal", "nurse", "homeroom_teacher"])
def student_record_attendance(a: RoleAssignment) -> RuleResult:
    """Pupils of one's school (principal, nurse) or class (homeroom teacher): record a period of
    出席停止 or an early leave outside the daily screen."""
    return pupil_scope(a)


# --- closures ---------------------------------------------------------------------------------


@rule(Closure, actions=["view"], roles=[*SCHOOL_READERS, "homeroom_teacher", "grade_head"])
def closure_view_school(a: RoleAssignment) -> RuleResult:
    """Closures of the school the assignment lies in."""
    return Q(school=assignment_school_id(a))


@rule(Closure, actions=["add", "change", "delete"], roles=["principal"])
def closure_manage(a: RoleAssignment) -> RuleResult:
    """Closures of one's own school (the principal decides them)."""
    return Q(school=a.school_id)


# --- guardians' absence reports ---------------------------------------------------------------


@rule(Student, actions=["report_absence"], roles=["guardian"])
def student_report_absence(a: RoleAssignment) -> RuleResult:
    """Own children (custody, no contact restriction): report an absence, late arrival or early leave."""
    return pupil_scope(a)


@rule(AbsenceReport, actions=["view"], roles=["guardian"])
def report_view_guardian(a: RoleAssignment) -> RuleResult:
    """Reports about own children (custody, no contact restriction)."""
    return pupil_scope(a, via="student__")


@rule(AbsenceReport, actions=["add", "withdraw"], roles=["guardian"])
def report_add_guardian(a: RoleAssignment) -> RuleResult:
    """Reports about own children (custody, no contact restriction)."""
    return pupil_scope(a, via="student__")


@rule(AbsenceReport, actions=["view", "confirm"], roles=["homeroom_teacher"])
def report_own_homeroom(a: RoleAssignment) -> RuleResult:
    """Reports for pupils of one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(AbsenceReport, actions=["view"], roles=["principal", "nurse"])
def report_view_school(a: RoleAssignment) -> RuleResult:
    """Reports for pupils of the school (office staff see no symptoms, so no reports)."""
    return Q(school=a.school_id)


# --- per-period marks (junior high, 校時ごと) -----------------------------------------------------


@rule(PeriodMark, actions=["view"], roles=SCHOOL_READERS)
def periodmark_view_school(a: RoleAssignment) -> RuleResult:
    """Per-period marks recorded at the school."""
    return Q(school=a.school_id)


@rule(PeriodMark, actions=["view", "change"], roles=["homeroom_teacher"])
def periodmark_own_homeroom(a: RoleAssignment) -> RuleResult:
    """Per-period marks of one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(PeriodMark, actions=["view"], roles=["grade_head"])
def periodmark_view_grade(a: RoleAssignment) -> RuleResult:
    """Per-period marks of the homerooms of one's grade this year."""
    return Q(
        homeroom__school=a.school_id,
        homeroom__school_year=a.school_year_id,
        homeroom__grade_level=a.grade_level_id,
    )


@rule(PeriodMark, actions=["view"], roles=["guardian", "student"])
def periodmark_view_family(a: RoleAssignment) -> RuleResult:
    """Own children's per-period marks (guardian, with custody and no contact restriction); one's own."""
    return pupil_scope(a, via="student__")


# --- school settings --------------------------------------------------------------------------


@rule(School, actions=["manage_attendance_settings"], roles=["principal"])
def school_manage_attendance_settings(a: RoleAssignment) -> RuleResult:
    """One's own school: the guardians' reporting deadline and per-period marks."""
    return Q(pk=a.school_id)


# --- the 7-day notice to the board (施行令 §20) -------------------------------------------------


@rule(Student, actions=["notify_board"], roles=["principal"])
def student_notify_board(a: RoleAssignment) -> RuleResult:
    """Pupils of one's school: send the board the notice of 7 school days absent in a row."""
    return pupil_scope(a)


@rule(BoardNotice, actions=["view"], roles=["principal", "office"])
def notice_view_school(a: RoleAssignment) -> RuleResult:
    """Notices the school sent to the board."""
    return Q(school=a.school_id)


@rule(BoardNotice, actions=["add"], roles=["principal"])
def notice_add_school(a: RoleAssignment) -> RuleResult:
    """Notices of one's own school (the principal sends them)."""
    return Q(school=a.school_id)


@rule(BoardNotice, actions=["view", "acknowledge"], roles=["board"])
def notice_view_board(a: RoleAssignment) -> RuleResult:
    """Notices the schools of the board sent (学務課): the notice's own contents only."""
    return Q(board=a.board_id)


# --- the board's code list --------------------------------------------------------------------


@rule(Board, actions=["edit_attendance_codes"], roles=["board"])
def board_edit_attendance_codes(a: RoleAssignment) -> RuleResult:
    """One's own board: the symbols of the attendance code list."""
    return Q(pk=a.board_id)
