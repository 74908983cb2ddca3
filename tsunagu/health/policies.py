"""Who may see and write the daily health check-in (健康観察) and talk requests (HEALTH.md §6).

Health check-ins are data class I. The pupil answers for and reads only themselves; the homeroom
teacher reads and writes their own class; the school nurse and the principal read the whole school;
the board only counts (aggregates with small numbers suppressed, never rows). Office staff, the
helpdesk and guardians have no rule, so they see nothing. A talk request is seen by the person the
pupil chose and by the nurse and principal, to whom it escalates — not by other teachers, because a
pupil may want to talk about their own class.

Nurse-office visits and the daily log (保健室来室記録, 保健日誌): the nurse writes them; the nurse and the
principal read everything of their school. The homeroom teacher reads only an outline of their own
class's visits (``view_outline``: time, category, outcome — the details only when the nurse shared
them), gets a notice of each, and may write a pupil's early leave to the register with one tap.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, assignment_school_id
from tsunagu.health.models import (
    CheckInSession,
    HealthCheckIn,
    HealthNotice,
    NurseDailyLog,
    NurseVisit,
    TalkRequest,
)
from tsunagu.org.models import Homeroom, School

SCHOOL_HEALTH_ROLES = ["nurse", "principal"]
#: Staff a pupil may ask to talk to (their class teacher, the nurse, the principal, the school counselor).
TALK_ROLES = ["homeroom_teacher", "nurse", "principal", "counselor"]


# --- pages: which homerooms and schools have health pages for the actor ----------------------------


@rule(Homeroom, actions=["health_entry"], roles=["homeroom_teacher"])
def homeroom_health_entry(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: enter the class's check-ins and open an afternoon check-in."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["health_summary"], roles=["homeroom_teacher"])
def homeroom_health_summary_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: the live check-in summary."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["health_summary"], roles=SCHOOL_HEALTH_ROLES)
def homeroom_health_summary_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school: the live check-in summary."""
    return Q(school=a.school_id)


@rule(School, actions=["health_summary"], roles=SCHOOL_HEALTH_ROLES)
def school_health_summary(a: RoleAssignment) -> RuleResult:
    """One's own school: today's check-ins of every class, talk requests and escalations."""
    return Q(pk=a.school_id)


# --- sessions -------------------------------------------------------------------------------------


@rule(CheckInSession, actions=["view"], roles=["homeroom_teacher"])
def session_view_homeroom(a: RoleAssignment) -> RuleResult:
    """Sessions of one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(CheckInSession, actions=["view"], roles=SCHOOL_HEALTH_ROLES)
def session_view_school(a: RoleAssignment) -> RuleResult:
    """Sessions of every homeroom of the school."""
    return Q(school=a.school_id)


@rule(CheckInSession, actions=["view"], roles=["student"])
def session_view_pupil(a: RoleAssignment) -> RuleResult:
    """Sessions of a homeroom the pupil is enrolled in."""
    return Q(homeroom__enrolments__student__user=a.user_id)


@rule(CheckInSession, actions=["add"], roles=["homeroom_teacher"])
def session_add(a: RoleAssignment) -> RuleResult:
    """Sessions of one's own homeroom (the afternoon check-in is opened by the class teacher)."""
    return Q(homeroom=a.homeroom_id)


@rule(CheckInSession, actions=["count"], roles=["board"])
def session_count_board(a: RoleAssignment) -> RuleResult:
    """Counting only: sessions at every school of the board."""
    return Q(school__board=a.board_id)


# --- check-ins ------------------------------------------------------------------------------------


@rule(HealthCheckIn, actions=["view", "add", "change", "mark_seen"], roles=["homeroom_teacher"])
def checkin_homeroom(a: RoleAssignment) -> RuleResult:
    """Check-ins of one's own homeroom's sessions."""
    return Q(session__homeroom=a.homeroom_id)


@rule(HealthCheckIn, actions=["view", "mark_seen"], roles=SCHOOL_HEALTH_ROLES)
def checkin_school(a: RoleAssignment) -> RuleResult:
    """Check-ins of every class of the school (the nurse and the principal see all health data)."""
    return Q(session__school=a.school_id)


@rule(HealthCheckIn, actions=["view", "submit"], roles=["student"])
def checkin_own(a: RoleAssignment) -> RuleResult:
    """One's own check-ins (a pupil answers for and reads only themselves)."""
    return Q(student__user=a.user_id)


@rule(HealthCheckIn, actions=["count"], roles=["board"])
def checkin_count_board(a: RoleAssignment) -> RuleResult:
    """Counting only, never reading rows: check-ins at every school of the board, for ward-wide figures
    in which counts under five are suppressed."""
    return Q(session__school__board=a.board_id)


# --- talk requests --------------------------------------------------------------------------------


@rule(TalkRequest, actions=["view", "acknowledge"], roles=TALK_ROLES)
def talk_to_me(a: RoleAssignment) -> RuleResult:
    """Requests addressed to oneself at the school of the assignment."""
    school_id = assignment_school_id(a)
    return Q(requested_of=a.user_id, school=school_id) if school_id else NOTHING


@rule(TalkRequest, actions=["view", "acknowledge"], roles=SCHOOL_HEALTH_ROLES)
def talk_school(a: RoleAssignment) -> RuleResult:
    """Every request of the school: the nurse and the principal receive escalations."""
    return Q(school=a.school_id)


@rule(TalkRequest, actions=["view"], roles=["student"])
def talk_own(a: RoleAssignment) -> RuleResult:
    """One's own requests, to see that they were acknowledged."""
    return Q(student__user=a.user_id)


# --- nurse-office visits and the daily log ---------------------------------------------------------


@rule(School, actions=["nurse_office"], roles=SCHOOL_HEALTH_ROLES)
def school_nurse_office(a: RoleAssignment) -> RuleResult:
    """One's own school: the visit lists, the daily log and the visit statistics."""
    return Q(pk=a.school_id)


@rule(School, actions=["nurse_visit_entry"], roles=["nurse"])
def school_nurse_visit_entry(a: RoleAssignment) -> RuleResult:
    """One's own school: the nurse's fast visit entry."""
    return Q(pk=a.school_id)


@rule(NurseVisit, actions=["view", "view_outline"], roles=SCHOOL_HEALTH_ROLES)
def visit_view_school(a: RoleAssignment) -> RuleResult:
    """Every visit at the school, in full."""
    return Q(school=a.school_id)


@rule(NurseVisit, actions=["add", "change"], roles=["nurse"])
def visit_write_nurse(a: RoleAssignment) -> RuleResult:
    """The nurse records and completes visits at the school."""
    return Q(school=a.school_id)


@rule(NurseVisit, actions=["view_outline", "register_early_leave"], roles=["homeroom_teacher"])
def visit_outline_homeroom(a: RoleAssignment) -> RuleResult:
    """Visits of pupils of one's own homeroom: time, category and outcome (the details only when shared);
    an early leave can be written to the class's register."""
    return Q(homeroom=a.homeroom_id)


@rule(HealthNotice, actions=["view", "mark_read"], roles=["homeroom_teacher"])
def notice_homeroom(a: RoleAssignment) -> RuleResult:
    """Notices of visits by pupils of one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(HealthNotice, actions=["add", "change"], roles=["nurse"])
def notice_write_nurse(a: RoleAssignment) -> RuleResult:
    """The nurse's visit entry writes the class teacher's notice."""
    return Q(school=a.school_id)


@rule(NurseDailyLog, actions=["view"], roles=SCHOOL_HEALTH_ROLES)
def daily_log_view(a: RoleAssignment) -> RuleResult:
    """The school's daily logs."""
    return Q(school=a.school_id)


@rule(NurseDailyLog, actions=["add", "change"], roles=["nurse"])
def daily_log_write(a: RoleAssignment) -> RuleResult:
    """The nurse adds weather, events and remarks to the school's daily log."""
    return Q(school=a.school_id)
