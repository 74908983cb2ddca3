"""Who sees a pupil's karte and insights, and the class board (DASHBOARD.md; HEALTH.md §6).

The karte joins class-I data (moods, health), so it is for the staff who look after the pupil: the
homeroom teacher (own class), the grade head (own grade), the principal and the nurse (the school), and
a counsellor for assigned cases. Subject teachers will see the learning panels only, once those exist;
until then they have no rule. Guardians and pupils get their own, smaller views later.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import pupil_scope
from tsunagu.karte.models import Insight
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Student

KARTE_ROLES = ["homeroom_teacher", "grade_head", "principal", "nurse", "counselor"]


@rule(Student, actions=["view_karte"], roles=KARTE_ROLES)
def student_view_karte(a: RoleAssignment) -> RuleResult:
    """The pupils one looks after: own class, own grade, the school, or an assigned case."""
    return pupil_scope(a)


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
