"""Who may see and change pupils, guardians and enrolments."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import rule
from tsunagu.core.scopes import pupil_scope
from tsunagu.students.models import (
    Enrolment,
    EnrolmentEvent,
    Guardian,
    GuardianLink,
    Student,
    TeachingGroupMembership,
)

PUPIL_VIEWERS = [
    "principal",
    "office",
    "nurse",
    "homeroom_teacher",
    "grade_head",
    "subject_teacher",
    "counselor",
    "board",
    "guardian",
    "student",
]
SCHOOL_ROLES = ["principal", "office", "nurse", "counselor"]
CONTACT_VIEWERS = ["principal", "office", "nurse", "homeroom_teacher", "grade_head"]


@rule(Student, actions=["view"], roles=PUPIL_VIEWERS)
def student_view(a: RoleAssignment) -> Q:
    """Pupils in the assignment's scope: ever enrolled at the school (principal, office, nurse, school
    counselor); in the homeroom or its exchange class (homeroom teacher); in the grade this year (grade
    head); in the teaching group (subject teacher); the assigned case (counselor, board); own children
    with custody and no contact restriction (guardian); oneself (pupil)."""
    return pupil_scope(a)


@rule(Student, actions=["change", "export"], roles=["principal", "office"])
def student_change(a: RoleAssignment) -> Q:
    """Pupils currently enrolled at the school."""
    return Q(enrolments__school=a.school_id, enrolments__end_date__isnull=True)


@rule(Student, actions=["view_address"], roles=["principal", "office"])
def student_view_address_any(a: RoleAssignment) -> Q:
    """Every pupil of the school, including those under address protection (住所秘匿)."""
    return Q(enrolments__school=a.school_id)


@rule(Student, actions=["view_address"], roles=["homeroom_teacher", "grade_head", "nurse", "guardian"])
def student_view_address(a: RoleAssignment) -> Q:
    """Pupils in scope whose address is not protected (住所秘匿 hides it from these roles)."""
    return pupil_scope(a) & Q(address_protected=False)


@rule(Student, actions=["view_audit"], roles=["principal"])
def student_view_audit(a: RoleAssignment) -> Q:
    """Pupils ever enrolled at the school: who viewed or changed their records."""
    return Q(enrolments__school=a.school_id)


@rule(Guardian, actions=["view"], roles=CONTACT_VIEWERS)
def guardian_view(a: RoleAssignment) -> Q:
    """Guardians of pupils in the assignment's scope (for contact)."""
    return pupil_scope(a, via="links__student__")


@rule(Guardian, actions=["view"], roles=["guardian"])
def guardian_view_self(a: RoleAssignment) -> Q:
    """Oneself."""
    return Q(user=a.user_id)


@rule(GuardianLink, actions=["view"], roles=CONTACT_VIEWERS)
def guardianlink_view(a: RoleAssignment) -> Q:
    """Guardian links of pupils in the assignment's scope, restrictions included (staff must see them)."""
    return pupil_scope(a, via="student__")


@rule(GuardianLink, actions=["view"], roles=["guardian"])
def guardianlink_view_self(a: RoleAssignment) -> Q:
    """Own links that grant access (custody, no contact restriction)."""
    return Q(guardian__user=a.user_id, has_custody=True, contact_restricted=False)


@rule(Enrolment, actions=["view"], roles=SCHOOL_ROLES)
def enrolment_view_school(a: RoleAssignment) -> Q:
    """Enrolments at the school, and the whole history of pupils currently at the school. A school a pupil
    has left keeps its own years only, so it never learns the receiving school of a protected family."""
    return Q(school=a.school_id) | Q(
        student__enrolments__school=a.school_id, student__enrolments__end_date__isnull=True
    )


@rule(
    Enrolment,
    actions=["view"],
    roles=["homeroom_teacher", "grade_head", "subject_teacher", "board", "guardian", "student"],
)
def enrolment_view(a: RoleAssignment) -> Q:
    """Enrolments of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")


@rule(Enrolment, actions=["count"], roles=["board"])
def enrolment_count_board(a: RoleAssignment) -> Q:
    """Counting only, never reading rows: enrolments at every school of the board, for ward-wide figures
    such as pupils per school (no names leave the count)."""
    return Q(school__board=a.board_id)


@rule(EnrolmentEvent, actions=["view"], roles=SCHOOL_ROLES)
def enrolmentevent_view_school(a: RoleAssignment) -> Q:
    """Events of enrolments the school may see (see Enrolment)."""
    return Q(enrolment__school=a.school_id) | Q(
        student__enrolments__school=a.school_id, student__enrolments__end_date__isnull=True
    )


@rule(EnrolmentEvent, actions=["view"], roles=["homeroom_teacher", "grade_head", "guardian", "student"])
def enrolmentevent_view(a: RoleAssignment) -> Q:
    """Events of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")


@rule(
    TeachingGroupMembership,
    actions=["view"],
    roles=["principal", "office", "nurse", "homeroom_teacher", "grade_head", "subject_teacher"],
)
def membership_view(a: RoleAssignment) -> Q:
    """Memberships of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")
