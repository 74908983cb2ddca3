"""Who may see and enter grades (class II).

A subject teacher enters scores for their own teaching groups, in their subject only, and edits that
subject's evaluation plans for the grade. A homeroom teacher reads their class across subjects; at an
elementary school (学級担任制: the homeroom teacher teaches the class most subjects) they also write for
their class — at a junior high only the subject teachers write. A grade head reads the grade; the
principal reads everything in the school. Written evaluations (``Remark``: 所見, 道徳, 外国語活動, 総合) are
the homeroom teacher's; the principal (and the vice-principal, who holds the principal's role) may correct
them (docs/decisions/0013), but enters no 観点 or 評定. Office, nurse, board, helpdesk, guardians and pupils
have no rule here: 通知表 release to families is a later feature.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, pupil_scope
from tsunagu.grades.models import (
    BehaviourRecord,
    EvaluationPlan,
    Phrase,
    Rating,
    Remark,
    RemarkKind,
    Score,
    ScoreChange,
    SpecialActivitiesRecord,
    ViewpointGrade,
)
from tsunagu.org.models import Homeroom, School, SchoolKind, TeachingGroup

ELEMENTARY = SchoolKind.ELEMENTARY


def _plans_of_group(a: RoleAssignment, prefix: str = "") -> Q:
    """Plans of the subject and grade the subject teacher's group is taught in this year."""
    group = a.teaching_group
    if group is None:
        return NOTHING
    return Q(
        **{
            f"{prefix}school": group.school_id,
            f"{prefix}school_year": group.school_year_id,
            f"{prefix}subject": group.subject_id,
            f"{prefix}grade_level": group.grade_level_id,
        }
    )


def _plans_of_homeroom(a: RoleAssignment, prefix: str = "", *, elementary_only: bool = False) -> Q:
    """Plans of the homeroom teacher's grade this year (every subject)."""
    room = a.homeroom
    if room is None:
        return NOTHING
    q = Q(
        **{
            f"{prefix}school": room.school_id,
            f"{prefix}school_year": room.school_year_id,
            f"{prefix}grade_level": room.grade_level_id,
        }
    )
    if elementary_only:
        q &= Q(**{f"{prefix}school__kind": ELEMENTARY})
    return q


# --- teaching groups: the grid pages -----------------------------------------------------------


@rule(TeachingGroup, actions=["view_scores", "enter_scores"], roles=["subject_teacher"])
def group_scores_own(a: RoleAssignment) -> RuleResult:
    """One's own teaching group: see and enter its scores."""
    return Q(pk=a.teaching_group_id)


@rule(TeachingGroup, actions=["view_scores"], roles=["homeroom_teacher"])
def group_view_scores_homeroom(a: RoleAssignment) -> RuleResult:
    """Teaching groups one's own homeroom is taught in (every subject)."""
    return Q(homerooms=a.homeroom_id)


@rule(TeachingGroup, actions=["enter_scores"], roles=["homeroom_teacher"])
def group_enter_scores_homeroom(a: RoleAssignment) -> RuleResult:
    """At an elementary school, the teaching groups of one's own homeroom (学級担任制)."""
    return Q(homerooms=a.homeroom_id, school__kind=ELEMENTARY)


@rule(TeachingGroup, actions=["view_scores"], roles=["grade_head"])
def group_view_scores_grade(a: RoleAssignment) -> RuleResult:
    """Teaching groups of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(TeachingGroup, actions=["view_scores"], roles=["principal"])
def group_view_scores_school(a: RoleAssignment) -> RuleResult:
    """Every teaching group of the school."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["view_grades"], roles=["homeroom_teacher"])
def homeroom_view_grades_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: the 成績一覧 across subjects."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_grades"], roles=["grade_head"])
def homeroom_view_grades_grade(a: RoleAssignment) -> RuleResult:
    """The homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_grades"], roles=["principal"])
def homeroom_view_grades_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school."""
    return Q(school=a.school_id)


# --- evaluation plans --------------------------------------------------------------------------


@rule(EvaluationPlan, actions=["change"], roles=["subject_teacher"])
def plan_own_subject(a: RoleAssignment) -> RuleResult:
    """This year's plans of one's subject in the grade of one's teaching group."""
    return _plans_of_group(a)


@rule(EvaluationPlan, actions=["view"], roles=["subject_teacher"])
def plan_view_own_subject(a: RoleAssignment) -> RuleResult:
    """Plans of one's subject in the grade of one's teaching group at one's school, earlier years too
    (to copy last year's; plans hold no personal data)."""
    group = a.teaching_group
    if group is None:
        return NOTHING
    return Q(school=group.school_id, subject=group.subject_id, grade_level=group.grade_level_id)


@rule(EvaluationPlan, actions=["view"], roles=["homeroom_teacher"])
def plan_view_homeroom(a: RoleAssignment) -> RuleResult:
    """Plans of every subject in one's homeroom's grade."""
    return _plans_of_homeroom(a)


@rule(EvaluationPlan, actions=["change"], roles=["homeroom_teacher"])
def plan_change_homeroom(a: RoleAssignment) -> RuleResult:
    """At an elementary school, plans of one's homeroom's grade (学級担任制)."""
    return _plans_of_homeroom(a, elementary_only=True)


@rule(EvaluationPlan, actions=["view"], roles=["grade_head"])
def plan_view_grade(a: RoleAssignment) -> RuleResult:
    """Plans of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(EvaluationPlan, actions=["view"], roles=["principal"])
def plan_view_school(a: RoleAssignment) -> RuleResult:
    """Every plan of the school."""
    return Q(school=a.school_id)


# --- scores and the teacher's 観点 / 評定 --------------------------------------------------------

_MODELS: list[tuple[type, str, str, list[str]]] = [
    (Score, "part__assessment__plan__", "student__", ["view", "change"]),
    (ViewpointGrade, "plan__", "student__", ["view", "change"]),
    (Rating, "plan__", "student__", ["view", "change"]),
    # The history of a score is read like the score; it is only ever written by the score's service.
    (ScoreChange, "score__part__assessment__plan__", "score__student__", ["view"]),
]
for _model, _via, _pupil, _actions in _MODELS:
    _name = _model.__name__.lower()

    def _own(a: RoleAssignment, via: str = _via, pupil: str = _pupil) -> RuleResult:
        return _plans_of_group(a, via) & pupil_scope(a, via=pupil)

    def _class(a: RoleAssignment, via: str = _via, pupil: str = _pupil) -> RuleResult:
        return _plans_of_homeroom(a, via) & pupil_scope(a, via=pupil)

    def _class_write(a: RoleAssignment, via: str = _via, pupil: str = _pupil) -> RuleResult:
        return _plans_of_homeroom(a, via, elementary_only=True) & pupil_scope(a, via=pupil)

    def _grade(a: RoleAssignment, via: str = _via) -> RuleResult:
        return Q(
            **{
                f"{via}school": a.school_id,
                f"{via}school_year": a.school_year_id,
                f"{via}grade_level": a.grade_level_id,
            }
        )

    def _school(a: RoleAssignment, via: str = _via) -> RuleResult:
        return Q(**{f"{via}school": a.school_id})

    _own.__doc__ = "Pupils of one's teaching group, in one's subject."
    _class.__doc__ = "Pupils of one's homeroom, every subject."
    _class_write.__doc__ = "At an elementary school, pupils of one's homeroom, every subject (学級担任制)."
    _grade.__doc__ = "Pupils of one's grade this year, every subject."
    _school.__doc__ = "Every pupil of the school, every subject."
    for _func, _suffix in (
        (_own, "own"),
        (_class, "class"),
        (_class_write, "class_write"),
        (_grade, "grade"),
        (_school, "school"),
    ):
        _func.__name__ = _func.__qualname__ = f"{_name}_{_suffix}"
    rule(_model, actions=_actions, roles=["subject_teacher"])(_own)
    rule(_model, actions=["view"], roles=["homeroom_teacher"])(_class)
    if "change" in _actions:
        rule(_model, actions=["change"], roles=["homeroom_teacher"])(_class_write)
    rule(_model, actions=["view"], roles=["grade_head"])(_grade)
    rule(_model, actions=["view"], roles=["principal"])(_school)


# --- 行動の記録 and 特別活動: the homeroom teacher's ○ marks ------------------------------------------


@rule(Homeroom, actions=["enter_records"], roles=["homeroom_teacher"])
def homeroom_enter_records(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: mark 行動の記録 and 特別活動."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_records"], roles=["homeroom_teacher"])
def homeroom_view_records_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: read 行動の記録 and 特別活動."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_records"], roles=["principal"])
def homeroom_view_records_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school: read 行動の記録 and 特別活動."""
    return Q(school=a.school_id)


for _model in (BehaviourRecord, SpecialActivitiesRecord):
    _name = _model.__name__.lower()

    def _records_class(a: RoleAssignment) -> RuleResult:
        room = a.homeroom
        if room is None:
            return NOTHING
        return pupil_scope(a, via="student__") & Q(
            term__school=room.school_id, term__school_year=room.school_year_id
        )

    def _records_school(a: RoleAssignment) -> RuleResult:
        return Q(term__school=a.school_id)

    _records_class.__doc__ = "Pupils of one's homeroom, this year's terms."
    _records_school.__doc__ = "Every pupil of the school."
    _records_class.__name__ = _records_class.__qualname__ = f"{_name}_class"
    _records_school.__name__ = _records_school.__qualname__ = f"{_name}_school"
    rule(_model, actions=["view", "change"], roles=["homeroom_teacher"])(_records_class)
    rule(_model, actions=["view"], roles=["principal"])(_records_school)


# --- written evaluations (所見, 道徳, 外国語活動, 総合) and the phrase bank ---------------------------------


def _school_of(a: RoleAssignment) -> int | None:
    """The school of an assignment, whichever scope field carries it."""
    if a.school_id:
        return a.school_id
    if a.homeroom is not None:
        return a.homeroom.school_id
    if a.teaching_group is not None:
        return a.teaching_group.school_id
    return None


@rule(Homeroom, actions=["write_remarks"], roles=["homeroom_teacher"])
def homeroom_write_remarks_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: write the class's 所見, 道徳, 外国語活動 and 総合."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["write_remarks"], roles=["principal"])
def homeroom_write_remarks_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school: read and correct the texts (docs/decisions/0013)."""
    return Q(school=a.school_id)


@rule(Homeroom, actions=["view_remarks"], roles=["homeroom_teacher"])
def homeroom_view_remarks_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: the texts and the 成績個票."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_remarks"], roles=["grade_head"])
def homeroom_view_remarks_grade(a: RoleAssignment) -> RuleResult:
    """The homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_remarks"], roles=["principal"])
def homeroom_view_remarks_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school."""
    return Q(school=a.school_id)


@rule(Remark, actions=["change"], roles=["homeroom_teacher"])
def remark_class_write(a: RoleAssignment) -> RuleResult:
    """Pupils of one's homeroom, the homeroom's year: every kind but the subject teachers' notes."""
    room = a.homeroom
    if room is None:
        return NOTHING
    return (
        pupil_scope(a, via="student__")
        & Q(school=room.school_id, school_year=room.school_year_id)
        & ~Q(kind=RemarkKind.SUBJECT)
    )


@rule(Remark, actions=["view"], roles=["homeroom_teacher"])
def remark_class(a: RoleAssignment) -> RuleResult:
    """Pupils of one's homeroom, the homeroom's year: every text, the subject teachers' notes too."""
    room = a.homeroom
    if room is None:
        return NOTHING
    return pupil_scope(a, via="student__") & Q(school=room.school_id, school_year=room.school_year_id)


@rule(Remark, actions=["view", "change"], roles=["subject_teacher"])
def remark_subject_own(a: RoleAssignment) -> RuleResult:
    """Pupils of one's teaching group: one's own subject's note."""
    group = a.teaching_group
    if group is None:
        return NOTHING
    return pupil_scope(a, via="student__") & Q(
        kind=RemarkKind.SUBJECT,
        subject=group.subject_id,
        school=group.school_id,
        school_year=group.school_year_id,
    )


@rule(Remark, actions=["view"], roles=["grade_head"])
def remark_grade(a: RoleAssignment) -> RuleResult:
    """Pupils of one's grade this year."""
    return pupil_scope(a, via="student__") & Q(school=a.school_id, school_year=a.school_year_id)


@rule(Remark, actions=["view", "change"], roles=["principal"])
def remark_school(a: RoleAssignment) -> RuleResult:
    """Every pupil of the school: read, and correct (docs/decisions/0013)."""
    return Q(school=a.school_id)


@rule(
    Phrase,
    actions=["view", "change"],
    roles=["homeroom_teacher", "subject_teacher", "grade_head", "principal"],
)
def phrase_school(a: RoleAssignment) -> RuleResult:
    """The phrase bank of one's school: every teacher reads it and adds, edits and deletes phrases."""
    school = _school_of(a)
    return Q(school=school) if school else NOTHING


@rule(School, actions=["set_remark_limits"], roles=["principal"])
def school_remark_limits(a: RoleAssignment) -> RuleResult:
    """One's school: the character limits of its 通知表 and 指導要録 texts."""
    return Q(pk=a.school_id)


@rule(Homeroom, actions=["view_grade_summary"], roles=["grade_head"])
def homeroom_grade_summary_grade(a: RoleAssignment) -> RuleResult:
    """The homerooms of one's grade: the grade's 成績一覧 across its classes."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_grade_summary"], roles=["principal"])
def homeroom_grade_summary_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of the school: each grade's 成績一覧 across its classes."""
    return Q(school=a.school_id)
