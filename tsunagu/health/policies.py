"""Who may see and write the daily health check-in (健康観察) and talk requests (HEALTH.md §6).

Health check-ins are data class I. The pupil answers for and reads only themselves; the homeroom
teacher reads and writes their own class; the school nurse and the principal read the whole school;
the board only counts (aggregates with small numbers suppressed, never rows). Office staff, the
helpdesk and guardians have no rule, so they see nothing. A talk request is seen by the person the
pupil chose and by the nurse and principal, to whom it escalates — not by other teachers, because a
pupil may want to talk about their own class.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, assignment_school_id
from tsunagu.health.models import CheckInSession, HealthCheckIn, TalkRequest
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
