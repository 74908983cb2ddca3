"""Who may see and change pupils, guardians and enrolments."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core import scopes
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import assignment_school_id, pupil_scope
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import (
    CertificateIssue,
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
TEACHING_ROLES = ["homeroom_teacher", "grade_head", "subject_teacher"]


def _begun(prefix: str = "") -> Q:
    """Enrolments (reached by ``prefix``) that have begun by today."""
    return Q(**{f"{prefix}start_date__lte": scopes.policy_today()})


def _current(prefix: str = "") -> Q:
    """Enrolments (reached by ``prefix``) that are running today."""
    return _begun(prefix) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": scopes.policy_today()})
    )


def begun_here(school_id: int | None, via: str = "") -> Q:
    """Pupils with an enrolment at the school that has begun (past pupils included).

    A sub-select of the enrolments' pupil ids, the conditions on one enrolment row together (as
    :func:`tsunagu.core.scopes.pupil_scope` does): a sub-select of *pupils* joined to enrolments
    made PostgreSQL read every pupil of the ward first (45 ms of the school roster's 70)."""
    return scopes.pupils_with("Enrolment", Q(school=school_id) & _begun(), via)


def current_here(school_id: int | None, via: str = "") -> Q:
    """Pupils enrolled at the school today (see :func:`begun_here`)."""
    return scopes.pupils_with("Enrolment", Q(school=school_id) & _current(), via)


@rule(Student, actions=["view"], roles=PUPIL_VIEWERS)
def student_view(a: RoleAssignment) -> Q:
    """Pupils in the assignment's scope: ever enrolled at the school (principal, office, nurse, school
    counselor); in the homeroom or its exchange class (homeroom teacher); in the grade this year (grade
    head); in the teaching group (subject teacher); the assigned case (counselor, board); own children
    with custody and no contact restriction (guardian); oneself (pupil). An enrolment counts for the
    school and the homeroom from its start date (a receiving school sees a transfer from that day)."""
    return pupil_scope(a)


@rule(Student, actions=["change", "export"], roles=["principal", "office"])
def student_change(a: RoleAssignment) -> Q:
    """Pupils currently enrolled at the school."""
    return current_here(a.school_id)


@rule(Student, actions=["view_address"], roles=["principal", "office"])
def student_view_address_any(a: RoleAssignment) -> Q:
    """Every pupil of the school, including those under address protection (住所秘匿)."""
    return begun_here(a.school_id)


@rule(Student, actions=["view_address"], roles=["homeroom_teacher", "grade_head", "nurse", "guardian"])
def student_view_address(a: RoleAssignment) -> Q:
    """Pupils in scope whose address is not protected (住所秘匿 hides it from these roles)."""
    return pupil_scope(a) & Q(address_protected=False)


@rule(Student, actions=["view_audit"], roles=["principal"])
def student_view_audit(a: RoleAssignment) -> Q:
    """Pupils ever enrolled at the school: who viewed or changed their records."""
    return begun_here(a.school_id)


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
    has left keeps its own years only, so it never learns the receiving school of a protected family.
    A school receiving a transfer sees nothing of the pupil before the transfer date."""
    return (Q(school=a.school_id) & begun_here(a.school_id, via="student__")) | current_here(
        a.school_id, via="student__"
    )


@rule(Enrolment, actions=["view"], roles=["board", "guardian", "student"])
def enrolment_view(a: RoleAssignment) -> Q:
    """Enrolments of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")


@rule(Enrolment, actions=["view"], roles=TEACHING_ROLES)
def enrolment_view_teaching(a: RoleAssignment) -> Q:
    """Enrolments of pupils in the assignment's scope: those at the assignment's school, and the whole
    history of pupils still at that school. A teacher whose pupil moved to another school keeps the
    years at their own school only (the receiving school of a protected family stays unknown)."""
    school_id = assignment_school_id(a)
    return pupil_scope(a, via="student__") & (Q(school=school_id) | current_here(school_id, via="student__"))


@rule(Enrolment, actions=["count"], roles=["board"])
def enrolment_count_board(a: RoleAssignment) -> Q:
    """Counting only, never reading rows: enrolments at every school of the board, for ward-wide figures
    such as pupils per school (no names leave the count)."""
    return Q(school__board=a.board_id)


@rule(EnrolmentEvent, actions=["view"], roles=SCHOOL_ROLES)
def enrolmentevent_view_school(a: RoleAssignment) -> Q:
    """Events of enrolments the school may see (see Enrolment)."""
    return (Q(enrolment__school=a.school_id) & begun_here(a.school_id, via="student__")) | current_here(
        a.school_id, via="student__"
    )


@rule(EnrolmentEvent, actions=["view"], roles=["guardian", "student"])
def enrolmentevent_view(a: RoleAssignment) -> Q:
    """Events of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")


@rule(EnrolmentEvent, actions=["view"], roles=["homeroom_teacher", "grade_head"])
def enrolmentevent_view_teaching(a: RoleAssignment) -> Q:
    """Events of pupils in the assignment's scope, of the enrolments the assignment may see (see
    Enrolment): a pupil who moved away shows only the events at the assignment's school."""
    school_id = assignment_school_id(a)
    return pupil_scope(a, via="student__") & (
        Q(enrolment__school=school_id) | current_here(school_id, via="student__")
    )


@rule(
    TeachingGroupMembership,
    actions=["view"],
    roles=["principal", "office", "nurse", "homeroom_teacher", "grade_head", "subject_teacher"],
)
def membership_view(a: RoleAssignment) -> Q:
    """Memberships of pupils in the assignment's scope."""
    return pupil_scope(a, via="student__")


# --- 学籍の異動 (enrolment changes) ---------------------------------------------------------------


@rule(Enrolment, actions=["change"], roles=["principal", "office"])
def enrolment_change(a: RoleAssignment) -> Q:
    """Enrolments at the school, past, present and planned (transfers, withdrawals, 年次更新)."""
    return Q(school=a.school_id)


@rule(School, actions=["enrol"], roles=["principal", "office"])
def school_enrol(a: RoleAssignment) -> RuleResult:
    """One's own school: record a 転入学 or 編入学 (a pupil arriving from outside the ward)."""
    return Q(pk=a.school_id)


@rule(School, actions=["import_register"], roles=["principal", "office"])
def school_import_register(a: RoleAssignment) -> RuleResult:
    """One's own school: 入学 of new pupils from the ward's 学齢簿 (school-age register) file."""
    return Q(pk=a.school_id)


@rule(School, actions=["import_register"], roles=["board"])
def school_import_register_board(a: RoleAssignment) -> RuleResult:
    """Every school of the board: the 学務課 keeps the 学齢簿 and notifies the schools of their new
    pupils (the import writes them; the board gains no right to read the pupils' records)."""
    return Q(board=a.board_id)


@rule(School, actions=["rollover"], roles=["principal", "office"])
def school_rollover(a: RoleAssignment) -> RuleResult:
    """One's own school: 年次更新 (promotion, graduation, next year's classes) and the class-formation
    table."""
    return Q(pk=a.school_id)


# --- exports and certificates ---------------------------------------------------------------------


@rule(School, actions=["export_roster"], roles=["principal", "office"])
def school_export_roster(a: RoleAssignment) -> RuleResult:
    """One's own school: the whole-school or a grade's roster as Excel, CSV or PDF (logged)."""
    return Q(pk=a.school_id)


@rule(Homeroom, actions=["export_roster"], roles=["principal", "office"])
def homeroom_export_roster_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of one's own school: its roster as Excel, CSV or PDF (logged)."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["export_roster"], roles=["homeroom_teacher"])
def homeroom_export_roster_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom only: its roster as Excel, CSV or PDF (logged)."""
    return Q(pk=a.homeroom_id)


@rule(Student, actions=["certify"], roles=["principal", "office"])
def student_certify(a: RoleAssignment) -> Q:
    """Pupils currently enrolled at the school: 在学証明書 and 教科用図書給与証明書 are issued for them."""
    return current_here(a.school_id)


@rule(Student, actions=["export_package"], roles=["principal", "office"])
def student_export_package(a: RoleAssignment) -> Q:
    """Pupils who have been enrolled at the school: the transfer package (the school's own records of
    the pupil, for the next school) is prepared after the pupil has left."""
    return begun_here(a.school_id)


@rule(CertificateIssue, actions=["view"], roles=["principal", "office"])
def certificateissue_view(a: RoleAssignment) -> Q:
    """The school's 証明書発行台帳: certificates issued by the school (printed again from the ledger)."""
    return Q(school=a.school_id)


@rule(School, actions=["certify"], roles=["principal", "office"])
def school_certify(a: RoleAssignment) -> RuleResult:
    """One's own school: its 証明書発行台帳 (the ledger of certificates issued)."""
    return Q(pk=a.school_id)
