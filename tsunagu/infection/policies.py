"""Who may see and write 学校感染症 (HEALTH.md §5–6).

A diagnosis is data class I. The school nurse records and confirms diagnoses and their 出席停止
periods, which writes 出席停止 marks into the register (their own rule on ``AttendanceMark``, action
``suspend_infection``, narrower than the class teacher's ``change``). The principal, who orders
出席停止 (法 §19), reads every diagnosis of the school and decides 学級閉鎖 proposals. The board only
counts (by school and disease, never names). Homeroom teachers see the 出席停止 days and the disease
in their own register (attendance), not the diagnosis record; office staff, the helpdesk, guardians
and pupils have no rule.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.models import AttendanceMark
from tsunagu.core.policy import RuleResult, rule
from tsunagu.infection.models import ClosureProposal, InfectionSettings, SchoolInfection, SuspensionDay
from tsunagu.org.models import School

SCHOOL_HEALTH_ROLES = ["nurse", "principal"]


# --- pages ----------------------------------------------------------------------------------------


@rule(School, actions=["view_infections", "infection_report"], roles=SCHOOL_HEALTH_ROLES)
def school_view_infections(a: RoleAssignment) -> RuleResult:
    """One's own school: the current 出席停止 list and the daily report for the 感染症情報システム."""
    return Q(pk=a.school_id)


@rule(School, actions=["record_infection"], roles=["nurse"])
def school_record_infection(a: RoleAssignment) -> RuleResult:
    """One's own school: record diagnoses and confirm their 出席停止 periods."""
    return Q(pk=a.school_id)


@rule(School, actions=["closure_proposals"], roles=SCHOOL_HEALTH_ROLES)
def school_closure_proposals(a: RoleAssignment) -> RuleResult:
    """One's own school: the 学級閉鎖 proposals (the principal decides them)."""
    return Q(pk=a.school_id)


# --- diagnoses ------------------------------------------------------------------------------------


@rule(SchoolInfection, actions=["view", "add", "change"], roles=["nurse"])
def infection_nurse(a: RoleAssignment) -> RuleResult:
    """Diagnoses recorded at one's own school."""
    return Q(school=a.school_id)


@rule(SchoolInfection, actions=["view"], roles=["principal"])
def infection_principal(a: RoleAssignment) -> RuleResult:
    """Diagnoses recorded at one's own school (the principal orders 出席停止)."""
    return Q(school=a.school_id)


@rule(SchoolInfection, actions=["count"], roles=["board"])
def infection_count_board(a: RoleAssignment) -> RuleResult:
    """Counting only, never reading rows: diagnoses at every school of the board (by school and disease)."""
    return Q(school__board=a.board_id)


@rule(SuspensionDay, actions=["view", "change"], roles=["nurse"])
def suspensionday_nurse(a: RoleAssignment) -> RuleResult:
    """Register days written by diagnoses of one's own school."""
    return Q(infection__school=a.school_id)


@rule(SuspensionDay, actions=["view"], roles=["principal"])
def suspensionday_principal(a: RoleAssignment) -> RuleResult:
    """Register days written by diagnoses of one's own school."""
    return Q(infection__school=a.school_id)


@rule(AttendanceMark, actions=["suspend_infection"], roles=["nurse"])
def mark_suspend_infection(a: RoleAssignment) -> RuleResult:
    """Marks of one's own school: write 出席停止（感染症） for a confirmed diagnosis (replacing absences)."""
    return Q(school=a.school_id)


# --- 学級閉鎖 proposals --------------------------------------------------------------------------


@rule(ClosureProposal, actions=["view", "add", "change"], roles=SCHOOL_HEALTH_ROLES)
def proposal_school(a: RoleAssignment) -> RuleResult:
    """Proposals of one's own school (raised when either of them opens the page)."""
    return Q(school=a.school_id)


@rule(ClosureProposal, actions=["decide"], roles=["principal"])
def proposal_decide(a: RoleAssignment) -> RuleResult:
    """Proposals of one's own school: decide a closure or dismiss."""
    return Q(school=a.school_id)


@rule(ClosureProposal, actions=["count"], roles=["board"])
def proposal_count_board(a: RoleAssignment) -> RuleResult:
    """Counting only: proposals at every school of the board."""
    return Q(school__board=a.board_id)


@rule(InfectionSettings, actions=["view", "change"], roles=["board"])
def settings_board(a: RoleAssignment) -> RuleResult:
    """One's own board's 学級閉鎖 threshold."""
    return Q(board=a.board_id)
