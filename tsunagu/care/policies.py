"""Who may see and write 配慮事項 (HEALTH.md §6).

Everyone who teaches the pupil sees the summary: the homeroom teacher (and the 交流学級's), the subject
teachers of the pupil's teaching groups, the grade head of the grade, the school nurse and the principal.
The detail (doctor, action plan, medication, contacts, 学校生活管理指導表) is for the nurse and the
principal only, every read logged. Guardians see their own children's summaries read-only (HEALTH.md
does not exclude them, and the notes come from what they told the school). The nurse writes. Office
staff, the helpdesk, pupils and the board have no rule.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.care.models import CareNote
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import pupil_scope
from tsunagu.org.models import Homeroom, School

TEACHING_ROLES = ["homeroom_teacher", "subject_teacher", "grade_head", "nurse", "principal"]
DETAIL_ROLES = ["nurse", "principal"]


@rule(CareNote, actions=["view"], roles=[*TEACHING_ROLES, "guardian"])
def carenote_view(a: RoleAssignment) -> RuleResult:
    """Summaries of the pupils one teaches (class, teaching group, grade, the school for the nurse and the
    principal); one's own children's (guardian, with custody and no contact restriction)."""
    return pupil_scope(a, via="student__")


@rule(CareNote, actions=["view_detail"], roles=DETAIL_ROLES)
def carenote_view_detail(a: RoleAssignment) -> RuleResult:
    """The detail (doctor, action plan, medication, contacts) of notes of pupils of one's own school."""
    return pupil_scope(a, via="student__")


@rule(CareNote, actions=["add", "change"], roles=["nurse"])
def carenote_write(a: RoleAssignment) -> RuleResult:
    """Notes of pupils of one's own school: the nurse enters and edits them."""
    return pupil_scope(a, via="student__")


@rule(Homeroom, actions=["care_list"], roles=["homeroom_teacher"])
def homeroom_care_list_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: the printable list of its care notes."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["care_list"], roles=DETAIL_ROLES)
def homeroom_care_list_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of one's own school."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["care_list"], roles=["grade_head"])
def homeroom_care_list_grade(a: RoleAssignment) -> RuleResult:
    """The homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["care_list"], roles=["subject_teacher"])
def homeroom_care_list_taught(a: RoleAssignment) -> RuleResult:
    """Homerooms taught through one's teaching group (the list shows only the pupils one teaches)."""
    return Q(teaching_groups=a.teaching_group_id)


@rule(School, actions=["care_index"], roles=DETAIL_ROLES)
def school_care_index(a: RoleAssignment) -> RuleResult:
    """One's own school: every pupil with a care note, and the nurse's entry point."""
    return Q(pk=a.school_id)
