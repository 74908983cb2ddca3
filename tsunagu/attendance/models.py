"""出席簿: one mark per pupil per school day, closures, the board's code list and guardians' reports.

A pupil with no mark on an instructional day was present: the register stores only what differs
from "present", so a class of 35 where everyone came writes no mark rows at all, and a day the
teacher has saved is remembered by a :class:`RegisterDay` row. How each kind of mark counts in the
指導要録 columns is fixed by :data:`MARK_CATEGORY`; the symbols (病, 事, 停 …) are the board's
choice (:class:`AttendanceCode`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, PublicModel, ScopedModel
from tsunagu.core.scope import PolicyManager


class Mark(models.TextChoices):
    """Kinds of attendance mark (出欠の種別); how each counts is :data:`MARK_CATEGORY`."""

    PRESENT = "present", _("Present")
    ABSENT_ILLNESS = "absent_illness", _("Absent (illness)")
    ABSENT_OTHER = "absent_other", _("Absent (other reason)")
    LATE = "late", _("Late")
    EARLY_LEAVE = "early_leave", _("Left early")
    SUSPENDED_INFECTION = "suspended_infection", _("Suspended (infection)")
    SUSPENDED_OTHER = "suspended_other", _("Suspended (other)")
    MOURNING = "mourning", _("Mourning")
    DISASTER = "disaster", _("Disaster")
    EXCUSED_OTHER = "excused_other", _("Other excused day")
    DEEMED_PRESENT = "deemed_present", _("Counted as present")


class Category(models.TextChoices):
    """Where a mark counts in the 指導要録 出欠の記録."""

    PRESENT = "present", _("Attended")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Suspension, mourning etc.")


#: How each kind of mark counts. 遅刻, 早退 and 出席扱い are attended days (tallied apart);
#: 出席停止, 忌引, 非常変災 and other days the principal excuses leave 出席しなければならない日数.
MARK_CATEGORY: dict[str, Category] = {
    Mark.PRESENT: Category.PRESENT,
    Mark.ABSENT_ILLNESS: Category.ABSENT,
    Mark.ABSENT_OTHER: Category.ABSENT,
    Mark.LATE: Category.PRESENT,
    Mark.EARLY_LEAVE: Category.PRESENT,
    Mark.SUSPENDED_INFECTION: Category.EXCUSED,
    Mark.SUSPENDED_OTHER: Category.EXCUSED,
    Mark.MOURNING: Category.EXCUSED,
    Mark.DISASTER: Category.EXCUSED,
    Mark.EXCUSED_OTHER: Category.EXCUSED,
    Mark.DEEMED_PRESENT: Category.PRESENT,
}

#: The common code list (SCHOOL_AFFAIRS §3), used where a board has not set its own symbol.
#: (kind, symbol, short label, keyboard key)
DEFAULT_CODES: list[tuple[str, str, str, str]] = [
    (Mark.PRESENT, "", "出席", "0"),
    (Mark.ABSENT_ILLNESS, "病", "病欠", "1"),
    (Mark.ABSENT_OTHER, "事", "事故欠", "2"),
    (Mark.LATE, "チ", "遅刻", "3"),
    (Mark.EARLY_LEAVE, "早", "早退", "4"),
    (Mark.SUSPENDED_INFECTION, "停", "出席停止（感染症）", "5"),
    (Mark.SUSPENDED_OTHER, "停", "出席停止（その他）", "6"),
    (Mark.MOURNING, "忌", "忌引", "7"),
    (Mark.DISASTER, "災", "非常変災", "8"),
    (Mark.EXCUSED_OTHER, "他", "その他（校長が認める日）", ""),
    (Mark.DEEMED_PRESENT, "扱", "出席扱い", "9"),
]


class AttendanceCode(PublicModel):
    """A board's symbol and label for one kind of mark (the code list is a per-board setting).

    The kind fixes how the mark counts; the board only chooses how it is written (病 or ビ, 停 or テ)
    and whether teachers are offered it. A kind with no row uses :data:`DEFAULT_CODES`.
    """

    data_class = DataClass.IV

    objects = PolicyManager()

    board = models.ForeignKey(
        "org.Board", on_delete=models.CASCADE, related_name="attendance_codes", verbose_name=_("board")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Mark.choices)
    symbol = models.CharField(_("symbol"), max_length=4, blank=True)
    label = models.CharField(_("label"), max_length=40)
    key = models.CharField(_("keyboard key"), max_length=1, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to teachers"), default=True)

    class Meta:
        verbose_name = _("attendance code")
        verbose_name_plural = _("attendance codes")
        ordering = ["board", "order"]
        constraints = [models.UniqueConstraint(fields=["board", "kind"], name="attendancecode_unique_kind")]

    def __str__(self) -> str:
        return f"{self.symbol or '・'} {self.label}"


class AttendanceMark(ScopedModel):
    """What differed from "present" for one pupil on one school day (one row at most per pupil and day).

    ``school`` and ``homeroom`` are where the pupil was enrolled that day, so that a class's register
    stays with the class after a pupil moves on. ``arrived_at`` goes with 遅刻 and ``left_at`` with 早退
    (a late pupil who also left early has both); ``disease`` with 出席停止 for an infection, ``reason``
    with other suspensions and absences, ``place`` with 出席扱い.
    """

    data_class = DataClass.III

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="attendance_marks",
        verbose_name=_("pupil"),
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="attendance_marks", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendance_marks",
        verbose_name=_("homeroom"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("mark"), max_length=20, choices=Mark.choices)
    arrived_at = models.TimeField(_("arrived at"), null=True, blank=True)
    left_at = models.TimeField(_("left at"), null=True, blank=True)
    disease = models.CharField(_("disease"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["date", "student"]
        indexes = [
            models.Index(fields=["homeroom", "date"]),
            models.Index(fields=["school", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "date"], name="attendancemark_one_per_day"),
            models.CheckConstraint(condition=~Q(kind="present"), name="attendancemark_not_present"),
            models.CheckConstraint(
                condition=~Q(kind="late") | Q(arrived_at__isnull=False), name="attendancemark_late_time"
            ),
            models.CheckConstraint(
                condition=~Q(kind="early_leave") | Q(left_at__isnull=False),
                name="attendancemark_early_leave_time",
            ),
            models.CheckConstraint(
                condition=~Q(kind="deemed_present") | ~Q(place=""), name="attendancemark_deemed_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.student_id} {self.get_kind_display()}"

    @property
    def category(self) -> Category:
        return MARK_CATEGORY[self.kind]


class RegisterDay(ScopedModel):
    """A homeroom's register for one day has been taken (who saved it last, and when)."""

    data_class = DataClass.III

    homeroom = models.ForeignKey(
        "org.Homeroom", on_delete=models.CASCADE, related_name="register_days", verbose_name=_("homeroom")
    )
    date = models.DateField(_("date"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("register day")
        verbose_name_plural = _("register days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["homeroom", "date"], name="registerday_unique")]

    def __str__(self) -> str:
        return f"{self.homeroom_id} {self.date}"


class ClosureScope(models.TextChoices):
    """What a closure covers; it decides how the days count (SCHOOL_AFFAIRS §3)."""

    SCHOOL = "school", _("Whole school (臨時休業)")
    GRADE = "grade", _("Whole grade (学年閉鎖)")
    HOMEROOM = "homeroom", _("One class (学級閉鎖)")


class Closure(PublicModel):
    """臨時休業, 学年閉鎖 or 学級閉鎖 over a run of days, entered once for everyone it covers.

    A closure of the whole school or a whole grade takes its days out of 授業日数 altogether; a class
    closure (学校保健安全法 §20) keeps them in 授業日数 and counts them under 出席停止・忌引等. Marks
    entered on a closed day are ignored by the aggregation. A pupil belongs to the closed class or
    grade through the enrolment open on each day (a 交流学級 does not carry a closure).
    """

    data_class = DataClass.IV

    objects = PolicyManager()

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="closures", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="closures", verbose_name=_("school year")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=ClosureScope.choices)
    grade_level = models.ForeignKey(
        "org.GradeLevel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grade"),
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("homeroom"),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="closure_dates"),
            models.CheckConstraint(
                name="closure_target",
                condition=(
                    Q(scope="school", grade_level__isnull=True, homeroom__isnull=True)
                    | Q(scope="grade", grade_level__isnull=False, homeroom__isnull=True)
                    | Q(scope="homeroom", homeroom__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.start_date}〜{self.end_date}"

    @property
    def removes_instructional_days(self) -> bool:
        """True for a whole-school or whole-grade closure (its days leave 授業日数)."""
        return self.scope in {ClosureScope.SCHOOL, ClosureScope.GRADE}


class ReportKind(models.TextChoices):
    """What a guardian reports."""

    ABSENCE = "absence", _("Absence")
    LATE = "late", _("Late arrival")
    EARLY_LEAVE = "early_leave", _("Early leave")


class ReportReason(models.TextChoices):
    """The guardian's reason; it suggests the mark the teacher confirms."""

    ILLNESS = "illness", _("Illness or injury")
    HOSPITAL = "hospital", _("Hospital visit")
    INFECTION = "infection", _("Infectious disease (diagnosed)")
    MOURNING = "mourning", _("Bereavement")
    FAMILY = "family", _("Family reasons")
    OTHER = "other", _("Other")


class Symptom(models.TextChoices):
    """Symptoms a guardian may tick (they feed the nurse's view of the day)."""

    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    HEADACHE = "headache", _("Headache")
    STOMACH_ACHE = "stomach_ache", _("Stomach ache")
    NAUSEA = "nausea", _("Nausea or vomiting")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    RASH = "rash", _("Rash")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    """A report waits until the teacher confirms the day's register."""

    PENDING = "pending", _("Waiting for the teacher")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AbsenceReport(ScopedModel):
    """欠席連絡: a guardian's report of absence, lateness or early leave for one school day.

    It appears on the teacher's daily screen as a pre-filled mark (``suggested_mark``); saving the
    register confirms it. Symptoms and temperature are health data (class I): reading them is logged.
    """

    data_class = DataClass.I
    class_i_fields = ("symptoms", "temperature", "note")

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="absence_reports",
        verbose_name=_("pupil"),
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="absence_reports", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absence_reports",
        verbose_name=_("homeroom"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    time = models.TimeField(_("time"), null=True, blank=True, help_text=_("Arrival or leaving time"))
    note = EncryptedTextField(_("note"), max_length=300, blank=True, single_line=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    after_deadline = models.BooleanField(
        _("sent after the deadline"),
        default=False,
        help_text=_("Sent for the same day after the school's reporting time (accepted, but flagged)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("absence report")
        verbose_name_plural = _("absence reports")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["homeroom", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="absence") | Q(time__isnull=False), name="absencereport_time"
            ),
            models.CheckConstraint(
                condition=Q(temperature__isnull=True) | (Q(temperature__gte=34) & Q(temperature__lte=43)),
                name="absencereport_temperature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.student_id}"

    @property
    def suggested_mark(self) -> str:
        """The mark this report suggests for the register."""
        if self.kind == ReportKind.LATE:
            return Mark.LATE
        if self.kind == ReportKind.EARLY_LEAVE:
            return Mark.EARLY_LEAVE
        by_reason: dict[str, str] = {
            ReportReason.ILLNESS: Mark.ABSENT_ILLNESS,
            ReportReason.HOSPITAL: Mark.ABSENT_ILLNESS,
            ReportReason.INFECTION: Mark.SUSPENDED_INFECTION,
            ReportReason.MOURNING: Mark.MOURNING,
        }
        return by_reason.get(self.reason, Mark.ABSENT_OTHER)

    def symptom_labels(self) -> list[str]:
        labels = dict(Symptom.choices)
        return [str(labels.get(code, code)) for code in self.symptoms]


DEFAULT_REPORT_DEADLINE = dt.time(8, 15)


class AttendanceSettings(PublicModel):
    """A school's attendance settings: the time by which guardians should report an absence, and
    whether (junior high) teachers also record absence and lateness per period (校時ごと).

    A school with no row uses the defaults (8:15, no per-period marks, 6 periods)."""

    data_class = DataClass.IV

    objects = PolicyManager()

    school = models.OneToOneField(
        "org.School", on_delete=models.CASCADE, related_name="attendance_settings", verbose_name=_("school")
    )
    report_deadline = models.TimeField(
        _("reporting deadline"),
        default=DEFAULT_REPORT_DEADLINE,
        help_text=_("Guardians should report an absence by this time; later reports are flagged."),
    )
    period_marks = models.BooleanField(
        _("record absence and lateness per period"),
        default=False,
        help_text=_(
            "Junior high: the daily screen also records each period; the day's mark stays the legal one."
        ),
    )
    periods_per_day = models.PositiveSmallIntegerField(
        _("periods per day"), default=6, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )

    class Meta:
        verbose_name = _("attendance settings")
        verbose_name_plural = _("attendance settings")

    def __str__(self) -> str:
        return f"{self.school_id} {self.report_deadline:%H:%M}"


class PeriodKind(models.TextChoices):
    """What a per-period mark records (junior high, 校時ごと)."""

    ABSENT = "absent", _("Missed the period")
    LATE = "late", _("Late for the period")


class PeriodMark(ScopedModel):
    """One period (校時) a pupil missed or came late to, when the school records periods.

    It stands beside the day's :class:`AttendanceMark` (the legal one, which the totals count) and is
    tallied per pupil in the monthly register (欠課・遅刻 by period)."""

    data_class = DataClass.III

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="period_marks", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="period_marks", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom", on_delete=models.PROTECT, related_name="period_marks", verbose_name=_("homeroom")
    )
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(
        _("period"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    kind = models.CharField(_("mark"), max_length=10, choices=PeriodKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("period mark")
        verbose_name_plural = _("period marks")
        ordering = ["date", "period"]
        indexes = [models.Index(fields=["homeroom", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["student", "date", "period"], name="periodmark_one_per_period"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=8), name="periodmark_period"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.period} {self.student_id} {self.kind}"


class BoardNotice(ScopedModel):
    """The principal's notice to the board of a pupil absent 7 school days in a row (施行令 §20).

    It carries only what the notice needs, copied when it is sent: the pupil's name and class, the
    school, the days and the reasons the register gives (no address, no birth date, no health
    record), so the board's 学務 staff read it without any right to the pupil's records."""

    data_class = DataClass.III

    board = models.ForeignKey(
        "org.Board", on_delete=models.PROTECT, related_name="attendance_notices", verbose_name=_("board")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="attendance_notices", verbose_name=_("school")
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="attendance_notices",
        verbose_name=_("pupil"),
    )
    pupil_name = models.CharField(_("pupil's name"), max_length=110)
    pupil_name_kana = models.CharField(_("pupil's name (kana)"), max_length=110, blank=True)
    class_name = models.CharField(_("class"), max_length=40, blank=True)
    first_day = models.DateField(_("first day absent"))
    last_day = models.DateField(_("last day absent"))
    days_in_row = models.PositiveSmallIntegerField(_("school days absent in a row"))
    days_absent_year = models.PositiveSmallIntegerField(_("days absent this year"))
    days = models.JSONField(_("days and reasons"), default=list)
    note = models.CharField(_("principal's note"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice to the board")
        verbose_name_plural = _("notices to the board")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "first_day"], name="boardnotice_one_per_run"),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="boardnotice_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.pupil_name} {self.first_day}〜{self.last_day}"


__all__ = [
    "DEFAULT_CODES",
    "DEFAULT_REPORT_DEADLINE",
    "MARK_CATEGORY",
    "AbsenceReport",
    "AttendanceCode",
    "AttendanceMark",
    "AttendanceSettings",
    "BoardNotice",
    "Category",
    "Closure",
    "ClosureScope",
    "Mark",
    "PeriodKind",
    "PeriodMark",
    "RegisterDay",
    "ReportKind",
    "ReportReason",
    "ReportStatus",
    "Symptom",
]
