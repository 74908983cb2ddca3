"""通知表 (``ReportCard``): the school's template, the cards of a class in a term and their approval,
and whole-school print jobs.

The 通知表 has no legal form (SCHOOL_AFFAIRS.md §1): each school sets its title (あゆみ), which sections
appear, their wording and the paper in a :class:`ReportCardTemplate`. The cards of one homeroom in one
term (:class:`ReportCardSet`) go through 提出 → 承認 → 公開; on approval every pupil's card is frozen as a
:class:`ReportCard` (the printed values and their SHA-256), so a grade changed afterwards shows as
"changed since approval" and families keep seeing what the principal approved until it is approved again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.models import DataClass, PublicModel, ScopedModel
from tsunagu.core.scope import PolicyManager


class Paper(models.TextChoices):
    """The sheet a card is printed on."""

    A4_PORTRAIT = "a4", _("A4 portrait")
    A3_FOLDED = "a3_folded", _("A3 landscape, folded in two (A4 pages)")


class ReportCardTemplate(PublicModel):
    """A school's 通知表 form: title, sections shown, their headings, the 観点 labels, a note to families
    and the paper. Terms follow the school's own 2- or 3-term setting (``School.term_system``).

    A school without a saved template prints with the defaults of its kind (``selectors.template_for``),
    so nothing has to be edited before the first cards; the principal's form saves a row.
    """

    data_class = DataClass.IV

    objects = PolicyManager()

    school = models.OneToOneField(
        "org.School", on_delete=models.CASCADE, related_name="report_card_template", verbose_name=_("school")
    )
    title = models.CharField(_("title"), max_length=20, help_text=_("e.g. あゆみ, 通知表, 通信票"))
    paper = models.CharField(_("paper"), max_length=12, choices=Paper.choices, default=Paper.A4_PORTRAIT)
    # Sections shown
    show_learning = models.BooleanField(_("show the record of learning (観点)"), default=True)
    show_ratings = models.BooleanField(_("show 評定 (where the grade has them)"), default=True)
    show_moral = models.BooleanField(_("show 特別の教科 道徳"), default=True)
    show_foreign_language = models.BooleanField(_("show 外国語活動 (elementary 3rd–4th grade)"), default=True)
    show_integrated = models.BooleanField(_("show 総合的な学習の時間"), default=True)
    show_special_activities = models.BooleanField(_("show 特別活動"), default=True)
    show_behaviour = models.BooleanField(_("show 行動の記録"), default=True)
    show_remarks = models.BooleanField(_("show 所見"), default=True)
    show_attendance = models.BooleanField(_("show 出欠の記録"), default=True)
    show_names = models.BooleanField(_("show the principal's and homeroom teacher's names"), default=True)
    show_guardian_box = models.BooleanField(_("show the guardian's box and seal boxes"), default=True)
    yearly_texts_last_term_only = models.BooleanField(
        _("道徳 and 外国語活動 only on the last term's card"),
        default=False,
        help_text=_("Many schools report 道徳 and 外国語活動 once a year."),
    )
    # Wording
    heading_learning = models.CharField(_("heading: learning"), max_length=30)
    heading_moral = models.CharField(_("heading: moral education"), max_length=30)
    heading_foreign_language = models.CharField(_("heading: foreign-language activities"), max_length=30)
    heading_integrated = models.CharField(_("heading: integrated study"), max_length=30)
    heading_special_activities = models.CharField(_("heading: special activities"), max_length=30)
    heading_behaviour = models.CharField(_("heading: behaviour"), max_length=30)
    heading_remarks = models.CharField(_("heading: remarks"), max_length=30)
    heading_attendance = models.CharField(_("heading: attendance"), max_length=30)
    heading_guardian = models.CharField(_("heading: from the guardian"), max_length=30)
    label_knowledge = models.CharField(_("viewpoint label: knowledge and skills"), max_length=30)
    label_thinking = models.CharField(_("viewpoint label: thinking"), max_length=30)
    label_attitude = models.CharField(_("viewpoint label: attitude"), max_length=30)
    label_excused = models.CharField(
        _("column label: suspension, mourning etc."),
        max_length=30,
        help_text=_("MEXT allows the board to rename this column (2021)."),
    )
    note_to_families = models.TextField(_("note to families"), max_length=400, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report card template")
        verbose_name_plural = _("report card templates")

    def __str__(self) -> str:
        return f"{self.school_id}: {self.title}"


class CardState(models.TextChoices):
    """Where a class's cards of a term stand (提出 → 承認 → 公開; 差し戻し goes back to the teacher)."""

    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved")
    RELEASED = "released", _("Released")


class ReportCardSet(ScopedModel):
    """The 通知表 of one homeroom in one term and where they stand in the workflow.

    Created on the homeroom teacher's 提出. ``return_comment`` is the principal's reason for sending the
    set back; ``release_on`` the day guardians may see the cards (a release may be set ahead, e.g. for
    the 終業式). The history keeps every transition with who made it.
    """

    data_class = DataClass.III

    homeroom = models.ForeignKey(
        "org.Homeroom", on_delete=models.PROTECT, related_name="report_card_sets", verbose_name=_("class")
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="report_card_sets", verbose_name=_("term")
    )
    state = models.CharField(_("state"), max_length=10, choices=CardState.choices, default=CardState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    return_comment = models.TextField(_("comment"), max_length=500, blank=True)
    release_on = models.DateField(_("released on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("class report cards")
        verbose_name_plural = _("class report cards")
        ordering = ["term__number", "homeroom__grade_level__order", "homeroom__order"]
        constraints = [
            models.UniqueConstraint(fields=["homeroom", "term"], name="reportcardset_unique"),
            models.CheckConstraint(
                condition=~models.Q(state="released") | models.Q(release_on__isnull=False),
                name="reportcardset_release_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.homeroom_id}/{self.term_id}: {self.state}"


class ReportCard(ScopedModel):
    """One pupil's 通知表 as the principal approved it: every printed value (``content``, the JSON the
    Typst form reads, wording included) and its SHA-256 (``content_hash``).

    The PDF is rendered from ``content`` on demand (Typst output is deterministic), so what a family
    downloads is exactly what was approved even if grades change later.
    """

    data_class = DataClass.II

    card_set = models.ForeignKey(
        ReportCardSet, on_delete=models.CASCADE, related_name="cards", verbose_name=_("class report cards")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="report_cards", verbose_name=_("pupil")
    )
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("report card")
        verbose_name_plural = _("report cards")
        constraints = [models.UniqueConstraint(fields=["card_set", "student"], name="reportcard_unique")]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.card_set_id}"


class BatchState(models.TextChoices):
    """Progress of a print job."""

    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BatchOutput(models.TextChoices):
    """What a print job produces."""

    MERGED = "merged", _("One PDF for the school")
    ZIP = "zip", _("A ZIP of one PDF per class")


class ReportCardBatch(ScopedModel):
    """A whole school's 通知表 of a term printed in one background job (``tasks.report_card_batch_run``).

    ``done``/``total`` count classes; the output (a merged PDF or a ZIP of class PDFs) is kept in the
    row until a newer job of the same school replaces it. Approved classes print their frozen cards;
    the others print today's data marked 下書き (draft).
    """

    data_class = DataClass.II

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="report_card_batches", verbose_name=_("school")
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.PROTECT, related_name="report_card_batches", verbose_name=_("term")
    )
    output_kind = models.CharField(
        _("output"), max_length=8, choices=BatchOutput.choices, default=BatchOutput.MERGED
    )
    state = models.CharField(_("state"), max_length=8, choices=BatchState.choices, default=BatchState.QUEUED)
    done = models.PositiveIntegerField(_("classes done"), default=0)
    total = models.PositiveIntegerField(_("classes"), default=0)
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    output = models.BinaryField(_("output"), null=True, blank=True, editable=False)
    output_name = models.CharField(_("file name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("report card print job")
        verbose_name_plural = _("report card print jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.term_id}: {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        """Progress in whole per cent (for the bar)."""
        return 100 if self.state == BatchState.DONE else (100 * self.done // self.total if self.total else 0)
