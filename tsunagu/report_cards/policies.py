"""Who may see, submit, approve and print 通知表, and who edits the school's form.

The homeroom teacher previews and submits their own class; the grade head reads the cards of their
grade; the principal (校長・副校長) reads the whole school, edits the template, approves, sends back,
releases and prints. Guardians see the released cards of their own children only (custody, contact not
restricted), once the release day has come. Pupils have no rule: the card is addressed to the family
(docs/decisions/0014). Nurse, office, board and helpdesk have no rule.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, policy_today, pupil_scope
from tsunagu.org.models import Homeroom, School
from tsunagu.report_cards.models import CardState, ReportCard, ReportCardBatch, ReportCardSet

# --- the class pages ---------------------------------------------------------------------------


@rule(Homeroom, actions=["view_report_cards", "submit_report_cards"], roles=["homeroom_teacher"])
def homeroom_report_cards_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: preview its cards and submit them (提出)."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_report_cards"], roles=["grade_head"])
def homeroom_report_cards_grade(a: RoleAssignment) -> RuleResult:
    """The homerooms of one's grade this year (read only)."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_report_cards", "approve_report_cards"], roles=["principal"])
def homeroom_report_cards_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school: read, approve (承認), send back and release (公開)."""
    return Q(school=a.school_id)


@rule(School, actions=["report_card_admin"], roles=["principal"])
def school_report_card_admin(a: RoleAssignment) -> RuleResult:
    """One's school: edit its 通知表 template and print the whole school."""
    return Q(pk=a.school_id)


# --- the workflow rows and the frozen cards -------------------------------------------------------


@rule(ReportCardSet, actions=["view"], roles=["homeroom_teacher"])
def set_view_own(a: RoleAssignment) -> RuleResult:
    """The cards of one's own homeroom."""
    return Q(homeroom=a.homeroom_id)


@rule(ReportCardSet, actions=["view"], roles=["grade_head"])
def set_view_grade(a: RoleAssignment) -> RuleResult:
    """The cards of one's grade this year."""
    return Q(
        homeroom__school=a.school_id,
        homeroom__school_year=a.school_year_id,
        homeroom__grade_level=a.grade_level_id,
    )


@rule(ReportCardSet, actions=["view"], roles=["principal"])
def set_view_school(a: RoleAssignment) -> RuleResult:
    """Every class of the school."""
    return Q(homeroom__school=a.school_id)


@rule(ReportCard, actions=["view"], roles=["homeroom_teacher"])
def card_view_own(a: RoleAssignment) -> RuleResult:
    """The approved cards of one's own homeroom."""
    if a.homeroom_id is None:
        return NOTHING
    return Q(card_set__homeroom=a.homeroom_id)


@rule(ReportCard, actions=["view"], roles=["grade_head"])
def card_view_grade(a: RoleAssignment) -> RuleResult:
    """The approved cards of one's grade this year."""
    return Q(
        card_set__homeroom__school=a.school_id,
        card_set__homeroom__school_year=a.school_year_id,
        card_set__homeroom__grade_level=a.grade_level_id,
    )


@rule(ReportCard, actions=["view"], roles=["principal"])
def card_view_school(a: RoleAssignment) -> RuleResult:
    """Every approved card of the school."""
    return Q(card_set__homeroom__school=a.school_id)


@rule(ReportCard, actions=["view"], roles=["guardian"])
def card_view_own_child(a: RoleAssignment) -> RuleResult:
    """Released cards of one's own children (custody, contact not restricted) from the release day on."""
    return pupil_scope(a, via="student__") & Q(
        card_set__state=CardState.RELEASED, card_set__release_on__lte=policy_today()
    )


@rule(ReportCardBatch, actions=["view"], roles=["principal"])
def batch_view_school(a: RoleAssignment) -> RuleResult:
    """Print jobs of one's school."""
    return Q(school=a.school_id)
