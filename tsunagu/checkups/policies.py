"""Who may see and write 健康診断 records (HEALTH.md §6).

Exam records are data class I. The school nurse and the principal see everything of their school: the
exams their school did, and the whole history (nine years, every school of the ward) of the pupils
enrolled there now, so a receiving school's nurse sees the earlier years. A school a pupil has left
keeps the years it examined and nothing after. They alone enter results, issue 受診勧告 letters and
record the returns. A homeroom teacher sees only which of their class's pupils have a follow-up and
whether the slip came back (what is needed for care), never the results. Guardians see their own
children's results. Office staff, the helpdesk, subject teachers, pupils and the board have no rule,
so they see nothing.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.checkups.models import DentalExamRecord, ExamFollowUp, GeneralExamRecord, HealthExam
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import pupil_scope
from tsunagu.org.models import Homeroom, School
from tsunagu.students.policies import begun_here, current_here

SCHOOL_HEALTH_ROLES = ["nurse", "principal"]


def _school_exams(a: RoleAssignment, via: str = "") -> Q:
    """Exams the assignment's school did (of pupils it has had), and every exam of its current pupils."""
    return (
        Q(**{f"{via}school": a.school_id}) & begun_here(a.school_id, via=f"{via}student__")
    ) | current_here(a.school_id, via=f"{via}student__")


# --- pages ---------------------------------------------------------------------------------------------


@rule(School, actions=["checkups"], roles=SCHOOL_HEALTH_ROLES)
def school_checkups(a: RoleAssignment) -> RuleResult:
    """One's own school: the exams' class list, import, statistics and outstanding follow-ups."""
    return Q(pk=a.school_id)


@rule(Homeroom, actions=["checkup_entry"], roles=SCHOOL_HEALTH_ROLES)
def homeroom_checkup_entry(a: RoleAssignment) -> RuleResult:
    """Every homeroom of one's school: the entry grids and the class's 受診勧告 letters."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["checkup_followups"], roles=SCHOOL_HEALTH_ROLES)
def homeroom_checkup_followups_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of one's school: the follow-ups of the class."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["checkup_followups"], roles=["homeroom_teacher"])
def homeroom_checkup_followups_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: which pupils have a follow-up and whether the slip came back (no results)."""
    return Q(pk=a.homeroom_id)


# --- records ---------------------------------------------------------------------------------------------


@rule(HealthExam, actions=["view", "print"], roles=SCHOOL_HEALTH_ROLES)
def exam_view_school(a: RoleAssignment) -> RuleResult:
    """Exams done by one's school, and the whole history of the pupils enrolled there now."""
    return _school_exams(a)


@rule(HealthExam, actions=["view"], roles=["guardian"])
def exam_view_guardian(a: RoleAssignment) -> RuleResult:
    """One's own children's exams (custody, no contact restriction)."""
    return pupil_scope(a, via="student__")


@rule(HealthExam, actions=["add", "change"], roles=SCHOOL_HEALTH_ROLES)
def exam_change_school(a: RoleAssignment) -> RuleResult:
    """Exams done by one's school (a past school's years are read-only)."""
    return Q(school=a.school_id)


@rule(GeneralExamRecord, actions=["view"], roles=SCHOOL_HEALTH_ROLES)
def general_view_school(a: RoleAssignment) -> RuleResult:
    """Records of the exams one may view (see HealthExam)."""
    return _school_exams(a, via="exam__")


@rule(DentalExamRecord, actions=["view"], roles=SCHOOL_HEALTH_ROLES)
def dental_view_school(a: RoleAssignment) -> RuleResult:
    """Records of the exams one may view (see HealthExam)."""
    return _school_exams(a, via="exam__")


@rule(GeneralExamRecord, actions=["view"], roles=["guardian"])
def general_view_guardian(a: RoleAssignment) -> RuleResult:
    """One's own children's records."""
    return pupil_scope(a, via="exam__student__")


@rule(DentalExamRecord, actions=["view"], roles=["guardian"])
def dental_view_guardian(a: RoleAssignment) -> RuleResult:
    """One's own children's records."""
    return pupil_scope(a, via="exam__student__")


@rule(GeneralExamRecord, actions=["add", "change"], roles=SCHOOL_HEALTH_ROLES)
def general_change_school(a: RoleAssignment) -> RuleResult:
    """Records of exams done by one's school."""
    return Q(exam__school=a.school_id)


@rule(DentalExamRecord, actions=["add", "change"], roles=SCHOOL_HEALTH_ROLES)
def dental_change_school(a: RoleAssignment) -> RuleResult:
    """Records of exams done by one's school."""
    return Q(exam__school=a.school_id)


@rule(ExamFollowUp, actions=["view"], roles=SCHOOL_HEALTH_ROLES)
def followup_view_school(a: RoleAssignment) -> RuleResult:
    """Follow-ups of the exams one may view (see HealthExam)."""
    return _school_exams(a, via="exam__")


@rule(ExamFollowUp, actions=["view"], roles=["guardian"])
def followup_view_guardian(a: RoleAssignment) -> RuleResult:
    """One's own children's follow-ups (the letters they received)."""
    return pupil_scope(a, via="student__")


@rule(ExamFollowUp, actions=["view_status"], roles=["homeroom_teacher"])
def followup_status_homeroom(a: RoleAssignment) -> RuleResult:
    """Follow-ups of the exams of one's own homeroom: the item and whether the slip came back, never
    the finding or the result."""
    return Q(exam__homeroom=a.homeroom_id)


@rule(ExamFollowUp, actions=["view_status"], roles=SCHOOL_HEALTH_ROLES)
def followup_status_school(a: RoleAssignment) -> RuleResult:
    """Follow-ups of exams done by one's school."""
    return Q(school=a.school_id)


@rule(ExamFollowUp, actions=["add", "change"], roles=SCHOOL_HEALTH_ROLES)
def followup_change_school(a: RoleAssignment) -> RuleResult:
    """Follow-ups of exams done by one's school: issue letters, record the returned slips."""
    return Q(school=a.school_id)
