"""Who may manage learning apps and watch the flow of learning data (issue 6 §1, §3, §7).

Only the board's staff (role ``board``; the ward's ICT staff hold it) register learning apps, issue,
rotate and revoke their credentials, match or reject quarantined statement actors and see the
monitoring page. Schools, teachers, pupils and families have no rule here: the LRS is a machine
endpoint authenticated by the apps' own credentials, never by a person's session.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.learning.models import LearningClient, RejectedRequest, Statement, XapiAgent


@rule(LearningClient, actions=["view", "add", "change"], roles=["board"])
def client_manage_board(a: RoleAssignment) -> RuleResult:
    """The learning apps registered by one's own board: list, register, change, rotate and revoke."""
    return Q(board=a.board_id)


@rule(XapiAgent, actions=["view", "match"], roles=["board"])
def agent_match_board(a: RoleAssignment) -> RuleResult:
    """Statement actors of the board's learning apps: see the quarantine, match an actor to a pupil
    or reject it."""
    return Q(pk__in=Statement.objects.filter(client__board=a.board_id).values("actor_id"))


@rule(Statement, actions=["count"], roles=["board"])
def statement_count_board(a: RoleAssignment) -> RuleResult:
    """Counting only: statements of the board's learning apps, per app and day."""
    return Q(client__board=a.board_id)


@rule(RejectedRequest, actions=["view"], roles=["board"])
def rejected_view_board(a: RoleAssignment) -> RuleResult:
    """Refused LRS requests of the board's apps and those without valid credentials."""
    return Q(client__board=a.board_id) | Q(client__isnull=True)
