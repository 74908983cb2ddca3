"""Who may read and finalise 指導要録 and 調査書 (class I).

指導要録: the pupil's homeroom teacher this year (the class's pupils, at the class's school) and the
principal (校長・副校長・教頭) of the school the record belongs to. The homeroom teacher submits the year;
the principal signs it off and records amendments. 調査書: the 中3 homeroom teachers (their class) and the
principal. Nobody else has a rule: subject teachers, the nurse, office staff, the board, families and
pupils get 403; a teacher or principal asking for a record outside their scope gets 404. Every read is
logged by the views.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, assignment_school_id, pupil_scope
from tsunagu.org.models import Homeroom
from tsunagu.records.models import (
    CumulativeRecord,
    EnrolmentSection,
    EnrolmentSectionVersion,
    GuidanceSection,
    GuidanceSectionVersion,
    TranscriptForAdmission,
)

RECORD_ROLES = ["homeroom_teacher", "principal"]

#: Each model's path to the record (the record itself, a section, a version).
_VIA = {
    CumulativeRecord: "",
    EnrolmentSection: "record__",
    GuidanceSection: "record__",
    EnrolmentSectionVersion: "section__record__",
    GuidanceSectionVersion: "section__record__",
}


def _records_in_scope(a: RoleAssignment, via: str) -> Q:
    """Records of the school the assignment lies in, of pupils the assignment covers."""
    school_id = assignment_school_id(a)
    if school_id is None:
        return NOTHING
    return Q(**{f"{via}school": school_id}) & pupil_scope(a, via=f"{via}student__")


def _register(model: type, via: str) -> None:
    def record_view(a: RoleAssignment) -> RuleResult:
        """Records of pupils of one's class this year (homeroom teacher) or of one's school (principal), at
        that school only (another school's record reaches it as the 写し)."""
        return _records_in_scope(a, via)

    def record_submit(a: RoleAssignment) -> RuleResult:
        """The homeroom teacher checks a pupil's year and submits it to the principal."""
        return _records_in_scope(a, via)

    def record_sign(a: RoleAssignment) -> RuleResult:
        """The principal signs a submitted year off, sends it back, or records an amendment."""
        return _records_in_scope(a, via)

    rule(model, actions=["view"], roles=RECORD_ROLES)(record_view)
    rule(model, actions=["submit"], roles=["homeroom_teacher", "principal"])(record_submit)
    rule(model, actions=["sign", "amend"], roles=["principal"])(record_sign)


for _model, _via in _VIA.items():
    _register(_model, _via)


@rule(Homeroom, actions=["records"], roles=["homeroom_teacher"])
def homeroom_records_own(a: RoleAssignment) -> RuleResult:
    """One's own class: its pupils' 指導要録 and their submission."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["records"], roles=["principal"])
def homeroom_records_school(a: RoleAssignment) -> RuleResult:
    """Every class of one's school: the 指導要録 and their sign-off."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["transcripts"], roles=["homeroom_teacher"])
def homeroom_transcripts_own(a: RoleAssignment) -> RuleResult:
    """One's own class when it is a 中3 class: the 調査書 list with 換算内申."""
    return Q(pk=a.homeroom_id, grade_level__code="J3")


@rule(Homeroom, actions=["transcripts"], roles=["principal"])
def homeroom_transcripts_school(a: RoleAssignment) -> RuleResult:
    """Every 中3 class of one's school."""
    return Q(school=a.school_id, grade_level__code="J3")


@rule(TranscriptForAdmission, actions=["view", "change"], roles=RECORD_ROLES)
def transcript_view(a: RoleAssignment) -> RuleResult:
    """調査書 of pupils of one's 中3 class (homeroom teacher) or of one's school (principal)."""
    school_id = assignment_school_id(a)
    if school_id is None:
        return NOTHING
    return Q(school=school_id) & pupil_scope(a, via="student__")
