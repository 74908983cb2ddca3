"""Who may see role assignments."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import assignment_school_id

EVERY_ROLE = [
    "student",
    "guardian",
    "homeroom_teacher",
    "subject_teacher",
    "grade_head",
    "nurse",
    "counselor",
    "principal",
    "office",
    "board",
    "helpdesk",
    "sysadmin",
]


@rule(RoleAssignment, actions=["view"], roles=EVERY_ROLE)
def roleassignment_view_own(a: RoleAssignment) -> RuleResult:
    """One's own role assignments."""
    return Q(user=a.user_id)


@rule(RoleAssignment, actions=["view", "change"], roles=["principal"])
def roleassignment_view_school(a: RoleAssignment) -> RuleResult:
    """Staff role assignments within the school (not guardians' or pupils')."""
    school_id = assignment_school_id(a)
    return (Q(school=school_id) | Q(homeroom__school=school_id) | Q(teaching_group__school=school_id)) & ~Q(
        role__in=["guardian", "student"]
    )
