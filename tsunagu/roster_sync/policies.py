"""Who may export the roster as OneRoster: a school's principal and office staff for their school, the
board for every school of the ward (the 学習eポータル is fed ward-wide)."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.org.models import School
from tsunagu.roster_sync.models import ApiCall


@rule(School, actions=["export_oneroster"], roles=["principal", "office"])
def school_export_oneroster_own(a: RoleAssignment) -> RuleResult:
    """One's own school: its OneRoster package (pupils, homerooms, teachers; no health or grades)."""
    return Q(pk=a.school_id)


@rule(School, actions=["export_oneroster"], roles=["board"])
def school_export_oneroster_board(a: RoleAssignment) -> RuleResult:
    """Every school of the board, one by one or as the ward's package."""
    return Q(board=a.board_id)


@rule(School, actions=["apply_oneroster"], roles=["principal", "office"])
def school_apply_oneroster_own(a: RoleAssignment) -> RuleResult:
    """One's own school: apply a compared package's name and class differences to the roster (through
    the roster's services, which the school's principal and office may use; the board may not)."""
    return Q(pk=a.school_id)


@rule(ApiCall, actions=["view"], roles=["board"])
def api_call_view_board(a: RoleAssignment) -> RuleResult:
    """Calls of the OneRoster REST provider by the board's learning apps (and calls without valid
    credentials), for the monitoring page."""
    return Q(client__board=a.board_id) | Q(client__isnull=True)
