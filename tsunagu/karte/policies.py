"""Who sees a pupil's karte and insights, and the class board (DASHBOARD.md; HEALTH.md §6).

The karte joins class-I data (moods, health), so it is for the staff who look after the pupil: the
homeroom teacher (own class), the grade head (own grade), the principal and the nurse (the school), and
a counsellor for assigned cases. Subject teachers open the karte of the pupils they teach, where only
the learning panels (and what the other apps' own rules give every teacher) are drawn: no health, no
insights. Pupils have their own page (``view_own_dashboard``), guardians a summary of their children
(``view_child_summary``); neither holds anything class I beyond what was shared with home. The board
sees counts per school with small numbers suppressed, never names, and sets its thresholds.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import pupil_scope
from tsunagu.karte.models import Insight
from tsunagu.org.models import Board, Homeroom, School
from tsunagu.students.models import Student

KARTE_ROLES = ["homeroom_teacher", "grade_head", "principal", "nurse", "counselor"]


@rule(Student, actions=["view_karte"], roles=KARTE_ROLES)
def student_view_karte(a: RoleAssignment) -> RuleResult:
    """The pupils one looks after: own class, own grade, the school, or an assigned case."""
    return pupil_scope(a)


@rule(Student, actions=["view_karte"], roles=["subject_teacher"])
def student_view_karte_subject(a: RoleAssignment) -> RuleResult:
    """The pupils of one's teaching groups (the page then shows their learning only)."""
    return pupil_scope(a)


@rule(Student, actions=["view_own_dashboard"], roles=["student"])
def student_view_own_dashboard(a: RoleAssignment) -> RuleResult:
    """One's own mood history and learning."""
    return pupil_scope(a)


@rule(Student, actions=["view_child_summary"], roles=["guardian"])
def student_view_child_summary(a: RoleAssignment) -> RuleResult:
    """One's own children (custody, contact not restricted)."""
    return pupil_scope(a)


@rule(School, actions=["view_board"], roles=["principal", "nurse", "grade_head"])
def school_view_board(a: RoleAssignment) -> RuleResult:
    """One's school's board across its classes (a grade head's shows their grade's classes)."""
    return Q(pk=a.school_id)


@rule(Board, actions=["view_insight_counts", "manage_insight_settings"], roles=["board"])
def board_insight_counts(a: RoleAssignment) -> RuleResult:
    """One's own board: insight counts per school (no names) and the thresholds of the rules."""
    return Q(pk=a.board_id)


@rule(Insight, actions=["view", "change"], roles=KARTE_ROLES)
def insight_view_change(a: RoleAssignment) -> RuleResult:
    """Insights about those pupils, found at one's school (a pupil's old school keeps its own)."""
    scope = pupil_scope(a, via="student__")
    if a.school_id:
        return scope & Q(school=a.school_id)
    return scope


@rule(Homeroom, actions=["view_board"], roles=["homeroom_teacher"])
def homeroom_view_board_own(a: RoleAssignment) -> RuleResult:
    """One's own class's board."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_board"], roles=["principal", "nurse"])
def homeroom_view_board_school(a: RoleAssignment) -> RuleResult:
    """Every class board of the school."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["view_board"], roles=["grade_head"])
def homeroom_view_board_grade(a: RoleAssignment) -> RuleResult:
    """The class boards of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)
