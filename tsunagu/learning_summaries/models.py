"""学習データの集計: learning summaries per pupil × subject × day, and imported test results.

:class:`LearningSummary` is derived data: kept up to date by a receiver of the LRS's
``statements_stored`` signal (``receivers.py``) and always equal to a rebuild from the stored
statements (``services.summaries_rebuild``). Scores are stored in thousandths of a point and times in
whole seconds, so sums are exact integers whatever order the statements arrive in (floats summed in
another order could differ in the last bit, and "incremental equals rebuild" is tested exactly).

:class:`TestResult` rows come from the test-result imports (定期テスト, 単元テスト, 学力経年調査) of
:class:`TestImport` files; one :class:`Test` is one sitting of a test at a school (its name, kind, date
and grade), so an import of the same file again finds the same rows and changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import DataClass, PublicModel, ScopedModel
from tsunagu.core.scope import PolicyManager, ScopedManager


class LearningSummary(models.Model):
    """What one pupil did in one subject on one day, from learning apps' statements.

    ``attempts`` counts finished attempts (completed / passed / failed statements), ``answered`` and
    ``correct`` the answered questions, ``score_milli`` / ``score_max_milli`` the finished attempts'
    scores (thousandths of a point), ``seconds`` the time spent (``result.duration``). Not addressed in
    URLs (no public UUID) and written only with set-based SQL by the services, hence a plain model with
    the fail-closed scoped manager rather than a ``ScopedModel`` (which would add a UUID to every upsert).
    """

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    subject = models.ForeignKey(
        "org.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    day = models.DateField(_("day"))
    attempts = models.IntegerField(_("attempts"), default=0)
    answered = models.IntegerField(_("answered"), default=0)
    correct = models.IntegerField(_("correct"), default=0)
    score_milli = models.BigIntegerField(_("score (thousandths)"), default=0)
    score_max_milli = models.BigIntegerField(_("maximum score (thousandths)"), default=0)
    seconds = models.BigIntegerField(_("seconds spent"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("learning summary")
        verbose_name_plural = _("learning summaries")
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "day"], name="lsumm_student_subject_day")
        ]
        indexes = [models.Index(fields=["day", "student"], name="lsumm_day_student")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.subject_id} {self.day}"


class TestKind(models.TextChoices):
    """The kinds of test whose results are imported (glossary: 定期テスト / 単元テスト / 学力経年調査)."""

    __test__ = False  # not a pytest test class despite its name

    PERIODIC = "periodic", _("Periodic test")
    UNIT = "unit", _("Unit test")
    LONGITUDINAL = "longitudinal", _("Longitudinal achievement survey")


class TestImport(PublicModel):
    """One confirmed import of a test-result file: who, when, which file (its SHA-256) and what it did."""

    __test__ = False  # not a pytest test class despite its name

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    digest = models.CharField(_("file digest"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    changed = models.PositiveIntegerField(_("results written"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = PolicyManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("test-result import")
        verbose_name_plural = _("test-result imports")

    def __str__(self) -> str:
        return f"{self.file_name} {self.created_at:%Y-%m-%d}"


class Test(PublicModel):
    """One sitting of a test at a school: kind, name, date and grade (学力経年調査 2026 小4 …)."""

    __test__ = False  # not a pytest test class despite its name

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    grade_level = models.ForeignKey(
        "org.GradeLevel", on_delete=models.PROTECT, related_name="+", verbose_name=_("grade")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TestKind.choices)
    name = models.CharField(_("test name"), max_length=100)
    taken_on = models.DateField(_("date taken"))

    objects = PolicyManager()

    class Meta:
        ordering = ["-taken_on", "name"]
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "grade_level", "kind", "name", "taken_on"], name="lsumm_test_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.taken_on})"


class TestResult(ScopedModel):
    """A pupil's result in one subject of a :class:`Test`, with the points per question or per 観点
    when the file has them (``detail``: ``{"questions": {"1": 3, …}, "viewpoints": {"KNOWLEDGE": 12, …}}``).

    ``homeroom`` is the pupil's class when the test was taken: class averages compare a pupil with the
    classmates who sat the test, also after the pupil has moved on.
    """

    __test__ = False  # not a pytest test class despite its name

    data_class = DataClass.II

    test = models.ForeignKey(Test, on_delete=models.CASCADE, related_name="results", verbose_name=_("test"))
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("class")
    )
    subject = models.ForeignKey(
        "org.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    source = models.ForeignKey(
        TestImport, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("import")
    )

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        constraints = [
            models.UniqueConstraint(fields=["test", "student", "subject"], name="lsumm_result_unique")
        ]
        indexes = [models.Index(fields=["student", "test"], name="lsumm_result_student")]

    def __str__(self) -> str:
        return f"{self.test_id} {self.student_id} {self.subject_id}"
