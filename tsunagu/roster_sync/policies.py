"""Who may export the roster as OneRoster: a school's principal and office staff for their school, the
board for every school of the ward (the 学習eポータル is fed ward-wide)."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.org.models import School


@rule(School, actions=["export_oneroster"], roles=["principal", "office"])
def school_export_oneroster_own(a: RoleAssignment) -> RuleResult:
    """One's own school: its OneRoster package (pupils, homerooms, teachers; no health or grades)."""
    return Q(pk=a.school_id)


@rule(School, actions=["export_oneroster"], roles=["board"])
def school_export_oneroster_board(a: RoleAssignment) -> RuleResult:
    """Every school of the board, one by one or as the ward's package."""
    return Q(board=a.board_id)
