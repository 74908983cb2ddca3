"""成績: evaluation plans (評価計画), scores, and the 観点別評価 / 評定 that the teacher confirms.

A plan belongs to one subject, grade and term of a school. Its units carry evaluation criteria per
観点; its assessments (tests, tasks, performances) are split into parts, one per 観点 an assessment
evaluates, each with its maximum points and weight. A score is one pupil's result in one part: the
grid's cell. Scores, overrides and their history are class II (SECURITY.md §1).

Proposals (A/B/C and 評定) are computed from the scores on every read (``grades.rules``); only a
teacher's override is stored, with its reason, in ``ViewpointGrade`` / ``Rating`` and their history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.models import DataClass, PublicModel, ScopedModel, TimeStampedModel
from tsunagu.core.scope import PolicyManager, ScopedManager


class Viewpoint(models.TextChoices):
    """The three 観点 of every subject (2019 MEXT notice)."""

    KNOWLEDGE = "knowledge", _("Knowledge and skills")
    THINKING = "thinking", _("Thinking, judgement and expression")
    ATTITUDE = "attitude", _("Attitude to learning")


VIEWPOINT_SHORT: dict[str, str] = {
    Viewpoint.KNOWLEDGE: "知",
    Viewpoint.THINKING: "思",
    Viewpoint.ATTITUDE: "主",
}


class Grade(models.TextChoices):
    """観点別学習状況: A 十分満足 / B おおむね満足 / C 努力を要する."""

    A = "A", _("A (fully satisfactory)")
    B = "B", _("B (mostly satisfactory)")
    C = "C", _("C (needs effort)")


class AssessmentKind(models.TextChoices):
    """What an assessment is."""

    TEST = "test", _("Test")
    TASK = "task", _("Task or worksheet")
    PERFORMANCE = "performance", _("Performance")
    OBSERVATION = "observation", _("Observation")


PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class GradingRule(TimeStampedModel):
    """A school's rule turning scores into A/B/C and the three 観点 into a 評定 (docs/decisions/0011).

    ``a_threshold``: a 観点 at or above this percentage is A; below ``c_threshold`` it is C; B between.
    The rating tables map the sorted pattern of the three grades ("AAB") to a 評定; a pattern missing
    from a school's table falls back to the default table (``grades.rules``).
    """

    data_class = DataClass.IV

    school = models.OneToOneField(
        "org.School", on_delete=models.CASCADE, related_name="grading_rule", verbose_name=_("school")
    )
    a_threshold = models.DecimalField(
        _("A from (%)"), max_digits=5, decimal_places=1, default=Decimal(80), validators=PERCENT
    )
    c_threshold = models.DecimalField(
        _("C below (%)"), max_digits=5, decimal_places=1, default=Decimal(50), validators=PERCENT
    )
    elementary_table = models.JSONField(_("rating table (elementary, 1–3)"), default=dict, blank=True)
    junior_high_table = models.JSONField(_("rating table (junior high, 1–5)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("grading rule")
        verbose_name_plural = _("grading rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(c_threshold__lte=models.F("a_threshold")), name="gradingrule_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} A≥{self.a_threshold}% C<{self.c_threshold}%"


class EvaluationPlan(PublicModel):
    """評価計画 of one subject in one grade and term of a school: units, criteria and assessments.

    Shared by every teaching group of that subject and grade. The thresholds, when set, override the
    school's ``GradingRule`` for this plan.
    """

    data_class = DataClass.III

    objects = PolicyManager()

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="evaluation_plans", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear",
        on_delete=models.PROTECT,
        related_name="evaluation_plans",
        verbose_name=_("school year"),
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="evaluation_plans", verbose_name=_("term")
    )
    subject = models.ForeignKey(
        "org.Subject", on_delete=models.PROTECT, related_name="evaluation_plans", verbose_name=_("subject")
    )
    grade_level = models.ForeignKey(
        "org.GradeLevel", on_delete=models.PROTECT, related_name="evaluation_plans", verbose_name=_("grade")
    )
    a_threshold = models.DecimalField(
        _("A from (%)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    c_threshold = models.DecimalField(
        _("C below (%)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation plan")
        verbose_name_plural = _("evaluation plans")
        ordering = ["school_year", "grade_level__order", "subject__order", "term__number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "subject", "grade_level"], name="evaluationplan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grade_level} {self.subject} {self.term}"


class Unit(models.Model):
    """単元 of a plan, in teaching order, optionally tagged with its 学習指導要領コード."""

    data_class = DataClass.III

    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="units", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("unit"), max_length=100)
    curriculum_code = models.CharField(_("curriculum code"), max_length=16, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class EvaluationCriterion(models.Model):
    """評価規準: what a pupil shows for one 観点 in one unit."""

    data_class = DataClass.III

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("unit"))
    viewpoint = models.CharField(_("viewpoint"), max_length=10, choices=Viewpoint.choices)
    text = models.CharField(_("criterion"), max_length=300)
    curriculum_code = models.CharField(_("curriculum code"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["unit", "viewpoint", "pk"]

    def __str__(self) -> str:
        return self.text


class Assessment(PublicModel):
    """A test, task or performance of a plan; evaluated in one part per 観点 (``AssessmentPart``)."""

    data_class = DataClass.III

    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(
        _("kind"), max_length=12, choices=AssessmentKind.choices, default=AssessmentKind.TEST
    )
    date = models.DateField(_("date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class AssessmentPart(PublicModel):
    """The part of an assessment that evaluates one 観点: maximum points and weight (a grid column)."""

    data_class = DataClass.III

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="parts", verbose_name=_("assessment")
    )
    viewpoint = models.CharField(_("viewpoint"), max_length=10, choices=Viewpoint.choices)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("assessment part")
        verbose_name_plural = _("assessment parts")
        ordering = ["assessment", "viewpoint"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "viewpoint"], name="assessmentpart_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="assessmentpart_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_viewpoint_display()}"


class Score(ScopedModel):
    """One pupil's result in one assessment part: a cell of the grid.

    ``points`` empty and ``absent`` false: not entered yet (no row at all means the same). ``absent``:
    欠 — the pupil missed it; it counts in no percentage. ``version`` rises with every write and makes
    a save from a stale page a conflict instead of a silent overwrite (``services.score_row_save``).
    """

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="scores", verbose_name=_("pupil")
    )
    part = models.ForeignKey(
        AssessmentPart, on_delete=models.CASCADE, related_name="scores", verbose_name=_("part")
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1, null=True, blank=True)
    absent = models.BooleanField(_("absent"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["student", "part"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(absent=False) | Q(points__isnull=True), name="score_absent_no_points"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.part_id}: {self.display}"

    @property
    def display(self) -> str:
        """The cell as the grid shows it: points, 欠, or empty."""
        return cell_text(self.points, self.absent)


def cell_text(points: Decimal | None, absent: bool) -> str:
    """A cell's text: ``85``, ``7.5``, ``欠`` or ``""``."""
    if absent:
        return "欠"
    if points is None:
        return ""
    return format(points.normalize(), "f") if points == points.to_integral() else str(points)


class ScoreChange(models.Model):
    """Append-only history of score writes: who changed which cell from what to what (SECURITY.md §4)."""

    data_class = DataClass.II

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="changes", verbose_name=_("score")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    before = models.CharField(_("before"), max_length=10, blank=True)
    after = models.CharField(_("after"), max_length=10, blank=True)
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=10, default="grid")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["score", "at"]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


class ViewpointGrade(ScopedModel):
    """観点別学習状況 set by the teacher for a pupil in a plan, overriding the proposal, with a reason.

    Without a row the proposal from the scores stands. Changes are kept in the history.
    """

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="viewpoint_grades", verbose_name=_("pupil")
    )
    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="viewpoint_grades", verbose_name=_("plan")
    )
    viewpoint = models.CharField(_("viewpoint"), max_length=10, choices=Viewpoint.choices)
    value = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("viewpoint grade")
        verbose_name_plural = _("viewpoint grades")
        constraints = [
            models.UniqueConstraint(fields=["student", "plan", "viewpoint"], name="viewpointgrade_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_viewpoint_display()} {self.value}"


class Rating(ScopedModel):
    """評定 set by the teacher for a pupil in a plan, overriding the proposal, with a reason."""

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="ratings", verbose_name=_("pupil")
    )
    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("plan")
    )
    value = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["student", "plan"], name="rating_unique"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="rating_range"),
        ]

    def __str__(self) -> str:
        return str(self.value)


class BehaviourItem(models.TextChoices):
    """行動の記録: the ten items of 指導要録 様式2 (○ where 十分満足)."""

    BASIC_HABITS = "basic_habits", _("Basic living habits")
    HEALTH = "health", _("Health and fitness")
    INDEPENDENCE = "independence", _("Independence and self-discipline")
    RESPONSIBILITY = "responsibility", _("Sense of responsibility")
    CREATIVITY = "creativity", _("Creativity and ingenuity")
    CONSIDERATION = "consideration", _("Consideration and cooperation")
    RESPECT_FOR_LIFE = "respect_for_life", _("Respect for life and nature")
    SERVICE = "service", _("Work and service")
    FAIRNESS = "fairness", _("Fairness and impartiality")
    PUBLIC_SPIRIT = "public_spirit", _("Public spirit and civic morality")


class SpecialActivity(models.TextChoices):
    """特別活動: the activities marked ○ where 十分満足 (クラブ活動 at elementary schools only)."""

    CLASS = "class", _("Class activities")
    COUNCIL = "council", _("Pupil council activities")
    CLUB = "club", _("Club activities")
    EVENTS = "events", _("School events")


class TermMarks(ScopedModel):
    """○ marks of a pupil in a term (the codes of the items marked), kept by the homeroom teacher; feeds
    the 通知表 (per term) and the 指導要録 (the year's last term). Every change is kept in the history."""

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("pupil")
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("term")
    )
    items = models.JSONField(_("items marked ○"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.student_id} {self.term_id}: {len(self.items)}"


class BehaviourRecord(TermMarks):
    """行動の記録 of a pupil in a term: the ``BehaviourItem`` codes marked ○ (十分満足)."""

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("behaviour record")
        verbose_name_plural = _("behaviour records")
        constraints = [models.UniqueConstraint(fields=["student", "term"], name="behaviourrecord_unique")]


class SpecialActivitiesRecord(TermMarks):
    """特別活動の記録 of a pupil in a term: the ``SpecialActivity`` codes marked ○ (十分満足)."""

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special activities record")
        verbose_name_plural = _("special activities records")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="specialactivitiesrecord_unique")
        ]


class RemarkKind(models.TextChoices):
    """What a written evaluation is about: the 所見 and the subjects evaluated in words, not numbers."""

    GENERAL = (
        "general",
        _("General remarks"),
    )  # 所見; for the year (term empty): 総合所見及び指導上参考となる諸事項
    MORAL = "moral", _("Moral education")  # 特別の教科 道徳
    FOREIGN_LANGUAGE = "foreign_language", _("Foreign language activities")  # 外国語活動 (小3・4)
    INTEGRATED_ACTIVITY = "integrated_activity", _("Integrated studies: activities")  # 総合: 学習活動
    INTEGRATED_VIEWPOINT = "integrated_viewpoint", _("Integrated studies: viewpoints")  # 総合: 観点
    INTEGRATED_EVALUATION = "integrated_evaluation", _("Integrated studies: evaluation")  # 総合: 評価
    SUBJECT = "subject", _("Subject remark")  # a subject teacher's short note to the homeroom teacher


#: Kinds the homeroom teacher writes on the class page, in the order of the 通知表 / 指導要録.
HOMEROOM_KINDS: list[str] = [
    RemarkKind.GENERAL,
    RemarkKind.MORAL,
    RemarkKind.FOREIGN_LANGUAGE,
    RemarkKind.INTEGRATED_ACTIVITY,
    RemarkKind.INTEGRATED_VIEWPOINT,
    RemarkKind.INTEGRATED_EVALUATION,
]


class Remark(ScopedModel):
    """A written evaluation of a pupil (所見, 道徳, 外国語活動, 総合): one text per pupil, kind and term.

    ``term`` empty: the school year's text as the 指導要録 records it (総合所見, the year's 道徳 …);
    with a term: the 通知表's text of that term. ``subject`` only for ``RemarkKind.SUBJECT``. ``version``
    rises with every write so that a save from a stale page is a conflict, not a silent overwrite;
    the history keeps every earlier text with who and when.
    """

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="remarks", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="remarks", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="remarks", verbose_name=_("school year")
    )
    term = models.ForeignKey(
        "org.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remarks",
        verbose_name=_("term"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RemarkKind.choices)
    subject = models.ForeignKey(
        "org.Subject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remarks",
        verbose_name=_("subject"),
    )
    text = models.TextField(_("text"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last written by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("written evaluation")
        verbose_name_plural = _("written evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "term", "kind"],
                condition=Q(term__isnull=False, subject__isnull=True),
                name="remark_unique_term",
            ),
            models.UniqueConstraint(
                fields=["student", "school_year", "kind"],
                condition=Q(term__isnull=True, subject__isnull=True),
                name="remark_unique_year",
            ),
            models.UniqueConstraint(
                fields=["student", "school_year", "term", "subject"],
                condition=Q(subject__isnull=False, term__isnull=False),
                name="remark_unique_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind="subject", subject__isnull=False)
                | (~Q(kind="subject") & Q(subject__isnull=True)),
                name="remark_subject_only_for_subject_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.kind} {self.term_id or self.school_year_id}"


#: Default character limits (通知表: per term; 指導要録: per year), used where the school has set none.
#: The 通知表's 所見 box of a typical A4 form holds about 200 characters; the 要録's 総合所見 about 300.
DEFAULT_LIMITS: dict[tuple[str, bool], int] = {
    (RemarkKind.GENERAL, False): 200,
    (RemarkKind.GENERAL, True): 300,
    (RemarkKind.MORAL, False): 100,
    (RemarkKind.MORAL, True): 150,
    (RemarkKind.FOREIGN_LANGUAGE, False): 100,
    (RemarkKind.FOREIGN_LANGUAGE, True): 150,
    (RemarkKind.INTEGRATED_ACTIVITY, False): 60,
    (RemarkKind.INTEGRATED_ACTIVITY, True): 80,
    (RemarkKind.INTEGRATED_VIEWPOINT, False): 60,
    (RemarkKind.INTEGRATED_VIEWPOINT, True): 80,
    (RemarkKind.INTEGRATED_EVALUATION, False): 100,
    (RemarkKind.INTEGRATED_EVALUATION, True): 150,
    (RemarkKind.SUBJECT, False): 80,
    (RemarkKind.SUBJECT, True): 80,
}


class RemarkLimit(TimeStampedModel):
    """A school's character limit for one kind of text on one form (通知表: per term; 指導要録: per year).

    Without a row the default of ``DEFAULT_LIMITS`` applies. The limit is enforced on save: the box
    on the printed form holds no more.
    """

    data_class = DataClass.IV

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="remark_limits", verbose_name=_("school")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RemarkKind.choices)
    yearly = models.BooleanField(_("cumulative record (per year)"), default=False)
    max_chars = models.PositiveSmallIntegerField(
        _("maximum characters"), validators=[MinValueValidator(10), MaxValueValidator(2000)]
    )

    class Meta:
        verbose_name = _("character limit")
        verbose_name_plural = _("character limits")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "yearly"], name="remarklimit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.kind} {'year' if self.yearly else 'term'} ≤{self.max_chars}"


class Phrase(PublicModel):
    """A phrase of a school's bank (文例) for one kind of text: teachers insert it and adapt it.

    Phrases name no pupil (class III); every teacher of the school may add, edit and delete them.
    """

    data_class = DataClass.III

    objects = PolicyManager()

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="phrases", verbose_name=_("school")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RemarkKind.choices)
    topic = models.CharField(_("topic"), max_length=30, blank=True, help_text=_("e.g. 学習, 生活, 係活動"))
    text = models.CharField(_("phrase"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("phrase")
        verbose_name_plural = _("phrases")
        ordering = ["school", "kind", "topic", "pk"]

    def __str__(self) -> str:
        return self.text[:20]
