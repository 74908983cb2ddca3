"""Who may see the organisation: schools, homerooms, teaching groups, staff."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, assignment_school_id
from tsunagu.org.models import Homeroom, School, StaffMember, TeachingAssignment, TeachingGroup

SCHOOL_STAFF = [
    "principal",
    "office",
    "nurse",
    "homeroom_teacher",
    "grade_head",
    "subject_teacher",
    "counselor",
]


@rule(School, actions=["view"], roles=SCHOOL_STAFF)
def school_view(a: RoleAssignment) -> RuleResult:
    """The school the assignment lies in."""
    school_id = assignment_school_id(a)
    return Q(pk=school_id) if school_id else NOTHING


@rule(School, actions=["view"], roles=["board", "helpdesk"])
def school_view_board(a: RoleAssignment) -> RuleResult:
    """Every school of the board."""
    return Q(board=a.board_id)


@rule(School, actions=["view_roster"], roles=["principal", "office", "nurse"])
def school_view_roster(a: RoleAssignment) -> RuleResult:
    """The whole-school roster of one's own school."""
    return Q(pk=a.school_id)


@rule(School, actions=["change"], roles=["principal"])
def school_change(a: RoleAssignment) -> RuleResult:
    """One's own school (calendar, terms)."""
    return Q(pk=a.school_id)


@rule(Homeroom, actions=["view"], roles=["principal", "office", "nurse", "counselor"])
def homeroom_view_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["view"], roles=["homeroom_teacher"])
def homeroom_view_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view"], roles=["grade_head"])
def homeroom_view_grade(a: RoleAssignment) -> RuleResult:
    """Homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view"], roles=["subject_teacher"])
def homeroom_view_taught(a: RoleAssignment) -> RuleResult:
    """Homerooms the teaching group is taught to."""
    return Q(teaching_groups=a.teaching_group_id)


@rule(
    TeachingGroup, actions=["view"], roles=["principal", "office", "nurse", "grade_head", "homeroom_teacher"]
)
def teachinggroup_view_school(a: RoleAssignment) -> RuleResult:
    """Teaching groups of the school."""
    return Q(school=assignment_school_id(a))


@rule(TeachingGroup, actions=["view"], roles=["subject_teacher"])
def teachinggroup_view_own(a: RoleAssignment) -> RuleResult:
    """One's own teaching group."""
    return Q(pk=a.teaching_group_id)


@rule(StaffMember, actions=["view"], roles=SCHOOL_STAFF)
def staff_view(a: RoleAssignment) -> RuleResult:
    """Staff of the same school."""
    return Q(school=assignment_school_id(a))


@rule(StaffMember, actions=["view"], roles=["board"])
def staff_view_board(a: RoleAssignment) -> RuleResult:
    """Staff of every school of the board."""
    return Q(board=a.board_id)


@rule(TeachingAssignment, actions=["view"], roles=SCHOOL_STAFF)
def teachingassignment_view(a: RoleAssignment) -> RuleResult:
    """Teaching assignments of the same school."""
    return Q(school=assignment_school_id(a))


@rule(TeachingAssignment, actions=["view"], roles=["board"])
def teachingassignment_view_board(a: RoleAssignment) -> RuleResult:
    """Teaching assignments at every school of the board."""
    return Q(school__board=a.board_id)
