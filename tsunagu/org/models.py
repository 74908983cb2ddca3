"""Organisation: the board, its schools, school years and calendars, homerooms, subjects and staff.

These rows carry no personal data about pupils (class III/IV), so most are plain models; staff
members are people and are scoped.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.models import DataClass, PublicModel, ScopedModel, TimeStampedModel
from tsunagu.core.scope import PolicyManager
from tsunagu.core.wareki import school_year_label

MEXT_SCHOOL_CODE = re.compile(r"^[A-H][0-9][0-9]{2}[0-9][0-9]{7}[0-9X]$")


def validate_mext_school_code(value: str) -> None:
    """Check the shape of a 13-character 学校コード (kind 2, prefecture 2, founder 1, number 7, check 1).

    The check-digit algorithm is not published in a form we could confirm, so only the shape is checked.
    """
    if not MEXT_SCHOOL_CODE.match(value or ""):
        raise ValidationError(_("A school code has 13 characters, e.g. B113100000011."), code="mext_code")


class Municipality(PublicModel):
    """A municipality (区市町村) that runs schools through its board of education."""

    data_class = DataClass.IV

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("local government code"), max_length=6, unique=True)
    prefecture = models.CharField(_("prefecture"), max_length=10)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Board(PublicModel):
    """A board of education (教育委員会); the tenant every school belongs to."""

    data_class = DataClass.IV

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="board", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("board code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("board of education")
        verbose_name_plural = _("boards of education")

    def __str__(self) -> str:
        return self.name


class SchoolKind(models.TextChoices):
    """School kinds with the first two characters of their MEXT school code."""

    ELEMENTARY = "B1", _("Elementary school")
    JUNIOR_HIGH = "C1", _("Junior high school")
    COMPULSORY = "C2", _("Compulsory education school")


class TermSystem(models.IntegerChoices):
    """Two terms (前期/後期) or three terms (1〜3学期)."""

    TWO = 2, _("Two terms")
    THREE = 3, _("Three terms")


class School(PublicModel):
    """A school of the board."""

    data_class = DataClass.IV

    objects = PolicyManager()

    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("board")
    )
    mext_code = models.CharField(
        _("school code"), max_length=13, unique=True, validators=[validate_mext_school_code]
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=2, choices=SchoolKind.choices)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    term_system = models.PositiveSmallIntegerField(
        _("term system"), choices=TermSystem.choices, default=TermSystem.THREE
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["kind", "mext_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_codes(self) -> list[str]:
        """MEXT grade codes taught at this kind of school."""
        if self.kind == SchoolKind.ELEMENTARY:
            return [f"P{n}" for n in range(1, 7)]
        if self.kind == SchoolKind.JUNIOR_HIGH:
            return [f"J{n}" for n in range(1, 4)]
        return [f"P{n}" for n in range(1, 7)] + [f"J{n}" for n in range(1, 4)]


class SchoolYear(PublicModel):
    """A school year (年度): 1 April to 31 March, shown in 和暦 (令和8年度)."""

    data_class = DataClass.IV

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="schoolyear_dates"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """和暦 label, e.g. 令和8年度."""
        return school_year_label(self.year)

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Term(PublicModel):
    """A term (学期) of a school in a school year."""

    data_class = DataClass.IV

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="terms", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="terms", verbose_name=_("school year")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=20)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["school_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="term_dates"),
        ]

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    """Kinds of calendar day at a school."""

    INSTRUCTIONAL = "instructional", _("Instructional day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("National holiday")
    BREAK = "break", _("School break")
    SCHOOL_HOLIDAY = "school_holiday", _("School holiday")


class SchoolDay(TimeStampedModel):
    """One calendar day of one school: whether lessons are held, and why not."""

    data_class = DataClass.IV

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="days", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="days", verbose_name=_("school year")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("school day")
        verbose_name_plural = _("school calendar")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="schoolday_unique_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_instructional(self) -> bool:
        return self.kind == DayKind.INSTRUCTIONAL


class GradeLevel(models.Model):
    """A grade with its MEXT code (P1–P6, J1–J3); shared by all schools."""

    data_class = DataClass.IV

    code = models.CharField(_("code"), max_length=2, unique=True)
    stage = models.CharField(
        _("stage"), max_length=1, choices=[("P", _("Elementary")), ("J", _("Junior high"))]
    )
    number = models.PositiveSmallIntegerField(_("grade"))
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Display name: 4年 for elementary, 中2 for junior high."""
        return f"{self.number}年" if self.stage == "P" else f"中{self.number}"

    @property
    def is_top_of_stage(self) -> bool:
        return (self.stage == "P" and self.number == 6) or (self.stage == "J" and self.number == 3)


class Homeroom(PublicModel):
    """A homeroom class (学級) of a school in one school year."""

    data_class = DataClass.III

    objects = PolicyManager()

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="homerooms", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="homerooms", verbose_name=_("school year")
    )
    grade_level = models.ForeignKey(
        GradeLevel, on_delete=models.PROTECT, related_name="homerooms", verbose_name=_("grade")
    )
    name = models.CharField(_("class name"), max_length=20, help_text=_("e.g. 1組, ひまわり学級"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    is_special_needs = models.BooleanField(_("special-needs class"), default=False)

    class Meta:
        verbose_name = _("homeroom")
        verbose_name_plural = _("homerooms")
        ordering = ["school_year", "grade_level__order", "is_special_needs", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade_level", "name"], name="homeroom_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """4年1組, and 2年1組 at a junior high too (not 中21組); special-needs classes keep their own
        name (ひまわり学級)."""
        if self.is_special_needs:
            return self.name
        return f"{self.grade_level.number}年{self.name}"


class Subject(models.Model):
    """A subject (教科) or area with its code; shared by all schools of the ward."""

    data_class = DataClass.IV

    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("MEXT/APPLIC subject code"))
    name = models.CharField(_("name"), max_length=40)
    short_name = models.CharField(_("short name"), max_length=10)
    stage = models.CharField(
        _("stage"), max_length=2, choices=[("P", _("Elementary")), ("J", _("Junior high")), ("PJ", _("Both"))]
    )
    is_rated = models.BooleanField(
        _("has ratings"),
        default=True,
        help_text=_("False for 道徳, 総合 and 特別活動, which are described in words"),
    )
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class TeachingGroupKind(models.TextChoices):
    """How a teaching group is formed."""

    HOMEROOM = "homeroom", _("Whole homeroom(s)")
    SPLIT = "split", _("Split group (習熟度別 etc.)")
    ELECTIVE = "elective", _("Elective")


class TeachingGroup(PublicModel):
    """A subject taught to one or several homerooms, or to a split group of named pupils."""

    data_class = DataClass.III

    objects = PolicyManager()

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="teaching_groups", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="teaching_groups", verbose_name=_("school year")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="teaching_groups", verbose_name=_("subject")
    )
    grade_level = models.ForeignKey(
        GradeLevel, on_delete=models.PROTECT, related_name="teaching_groups", verbose_name=_("grade")
    )
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=10, choices=TeachingGroupKind.choices, default=TeachingGroupKind.HOMEROOM
    )
    homerooms = models.ManyToManyField(
        Homeroom,
        blank=True,
        related_name="teaching_groups",
        verbose_name=_("homerooms"),
        help_text=_("For whole-homeroom groups; split groups list their pupils"),
    )

    class Meta:
        verbose_name = _("teaching group")
        verbose_name_plural = _("teaching groups")
        ordering = ["school_year", "grade_level__order", "subject__order", "name"]

    def __str__(self) -> str:
        return self.name


class JobTitle(models.TextChoices):
    """Job titles (職名) of school staff."""

    PRINCIPAL = "principal", _("Principal")
    VICE_PRINCIPAL = "vice_principal", _("Vice-principal")
    SENIOR_TEACHER = "senior_teacher", _("Senior teacher")
    TEACHER = "teacher", _("Teacher")
    NURSE_TEACHER = "nurse_teacher", _("School nurse")
    NUTRITION_TEACHER = "nutrition_teacher", _("Nutrition teacher")
    LECTURER = "lecturer", _("Lecturer")
    OFFICE = "office", _("Office staff")
    COUNSELOR = "counselor", _("Counselor")
    SUPERVISOR = "supervisor", _("Board supervisor")
    ICT_SUPPORT = "ict_support", _("ICT support")


class StaffMember(ScopedModel):
    """A member of staff of a school or of the board (教職員)."""

    data_class = DataClass.III

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_member",
        verbose_name=_("user"),
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="staff", verbose_name=_("board"))
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("school"),
        help_text=_("Empty for board staff"),
    )
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50)
    job_title = models.CharField(_("job title"), max_length=20, choices=JobTitle.choices)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["family_name_kana", "given_name_kana"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"


class AssignmentKind(models.TextChoices):
    """Teaching assignments (校務分掌 for teaching)."""

    HOMEROOM = "homeroom", _("Homeroom teacher")
    ASSISTANT = "assistant", _("Assistant homeroom teacher")
    SUBJECT = "subject", _("Subject teacher")
    GRADE_HEAD = "grade_head", _("Grade head")


class TeachingAssignment(ScopedModel):
    """Who teaches what in a school year: 学級担任, 副担任, 教科担任, 学年主任.

    Creating one through ``org.services.teaching_assignment_create`` also grants the matching
    role assignment, so access follows the timetable and ends with the school year.
    """

    data_class = DataClass.III

    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="teaching_assignments",
        verbose_name=_("staff member"),
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="teaching_assignments", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="teaching_assignments",
        verbose_name=_("school year"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AssignmentKind.choices)
    homeroom = models.ForeignKey(
        Homeroom,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="teaching_assignments",
        verbose_name=_("homeroom"),
    )
    teaching_group = models.ForeignKey(
        TeachingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="teaching_assignments",
        verbose_name=_("teaching group"),
    )
    grade_level = models.ForeignKey(
        GradeLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("grade")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [
            models.CheckConstraint(
                name="teachingassignment_target",
                condition=(
                    Q(kind__in=["homeroom", "assistant"], homeroom__isnull=False)
                    | Q(kind="subject", teaching_group__isnull=False)
                    | Q(kind="grade_head", grade_level__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.get_kind_display()}"
