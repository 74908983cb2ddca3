"""学籍: pupils, guardians and enrolments with their full, never-overwritten history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, ScopedModel
from tsunagu.core.text import normalize_for_search


class Sex(models.TextChoices):
    """Sex as recorded in the 学齢簿 and 指導要録."""

    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonNameMixin(models.Model):
    """Kanji and kana names plus a normalised search key (width-, kana- and space-insensitive)."""

    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        # The search key is derived from the names; computing it here keeps it true for every
        # write path (services, imports, the demo seeder, admin).
        self.search_key = normalize_for_search(
            " ".join([self.family_name, self.given_name, self.family_name_kana, self.given_name_kana])
        )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"


class Student(PersonNameMixin, ScopedModel):
    """A pupil (児童生徒). ``uuid`` is the stable ID used by OneRoster and xAPI.

    When ``address_protected`` (住所秘匿, DV support measures) is set, the address is shown only to
    the principal and office staff and left out of every export and certificate.
    """

    data_class = DataClass.III
    #: Fields of class I: never shown to a role not allowed them; reads are logged.
    class_i_fields = ("postal_code", "address")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student",
        verbose_name=_("user"),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_protected = models.BooleanField(
        _("address protected"),
        default=False,
        help_text=_("住所秘匿: hide the address from everyone but the principal and office staff"),
    )
    needs_care = models.BooleanField(
        _("care needed"),
        default=False,
        help_text=_("Shows the 配慮 flag on rosters; details live in care notes"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["family_name_kana", "given_name_kana"]

    def __str__(self) -> str:
        return self.full_name


class Guardian(PersonNameMixin, ScopedModel):
    """A guardian (保護者); siblings share the same guardian row."""

    data_class = DataClass.III
    class_i_fields = ("postal_code", "address")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian",
        verbose_name=_("user"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["family_name_kana", "given_name_kana"]

    def __str__(self) -> str:
        return self.full_name


class Relationship(models.TextChoices):
    """続柄 of a guardian to the pupil."""

    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GRANDFATHER = "grandfather", _("Grandfather")
    GRANDMOTHER = "grandmother", _("Grandmother")
    OTHER_RELATIVE = "relative", _("Other relative")
    GUARDIAN = "guardian", _("Legal guardian")
    FOSTER = "foster", _("Foster parent")


class GuardianLink(ScopedModel):
    """Links a guardian to a pupil, with custody and contact restrictions.

    A guardian reaches a child's records only through a link with custody and no contact
    restriction (e.g. a non-custodial parent under a court order is linked but restricted).
    """

    data_class = DataClass.I

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("pupil")
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, related_name="links", verbose_name=_("guardian")
    )
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    has_custody = models.BooleanField(_("has custody"), default=True)
    contact_restricted = models.BooleanField(_("contact restricted"), default=False)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    # Why contact is restricted (a court order, 住所秘匿): class I, encrypted (decision 0020).
    note = EncryptedTextField(_("note"), max_length=200, blank=True, single_line=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")
        ordering = ["-is_primary_contact", "id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="guardianlink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student} ({self.get_relationship_display()})"

    @property
    def grants_access(self) -> bool:
        return self.has_custody and not self.contact_restricted


class Enrolment(ScopedModel):
    """A pupil's enrolment in one homeroom of one school for one school year (or part of it).

    History is never overwritten: a transfer or roll-over closes this row (``end_date``) and opens
    another. ``exchange_homeroom`` is the regular class (交流学級) a special-needs pupil joins.
    """

    data_class = DataClass.III

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("school year")
    )
    grade_level = models.ForeignKey(
        "org.GradeLevel", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("grade")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("homeroom"),
    )
    exchange_homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_enrolments",
        verbose_name=_("exchange class"),
    )
    roll_number = models.PositiveSmallIntegerField(_("roll number"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["school_year", "homeroom", "roll_number"]
        indexes = [
            models.Index(fields=["school", "school_year"]),
            models.Index(fields=["homeroom", "roll_number"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates",
            ),
            models.UniqueConstraint(
                fields=["student"], condition=Q(end_date__isnull=True), name="enrolment_one_open_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.school_year} {self.homeroom or self.grade_level}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class EventKind(models.TextChoices):
    """Enrolment events (学籍の異動)."""

    ENTRY = "entry", _("Entry (入学)")
    ADMISSION = "admission", _("Admission (編入学)")
    TRANSFER_IN = "transfer_in", _("Transfer in (転入学)")
    TRANSFER_OUT = "transfer_out", _("Transfer out (転学)")
    WITHDRAWAL = "withdrawal", _("Withdrawal (退学)")
    PROMOTION = "promotion", _("Promotion (進級)")
    GRADUATION = "graduation", _("Graduation (卒業)")


class EnrolmentEvent(ScopedModel):
    """One event in a pupil's enrolment history; written once, never changed.

    For 転学 ``date`` is the 指導要録 date (the day before the receiving school accepts the pupil)
    and ``left_on`` the day the pupil actually left.
    """

    data_class = DataClass.III

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="enrolment_events", verbose_name=_("pupil")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="events", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    date = models.DateField(_("date"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    other_school_name = models.CharField(_("other school"), max_length=100, blank=True)
    other_school_address = models.CharField(_("other school's address"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.student}"


class TeachingGroupMembership(ScopedModel):
    """A pupil in a split or elective teaching group (whole-homeroom groups need no rows)."""

    data_class = DataClass.III

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="teaching_group_memberships", verbose_name=_("pupil")
    )
    teaching_group = models.ForeignKey(
        "org.TeachingGroup",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("teaching group"),
    )

    class Meta:
        verbose_name = _("teaching group membership")
        verbose_name_plural = _("teaching group memberships")
        constraints = [
            models.UniqueConstraint(fields=["student", "teaching_group"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} ∈ {self.teaching_group}"


class CertificateKind(models.TextChoices):
    """The certificates a school issues for a pupil (SCHOOL_AFFAIRS.md §2, 転出)."""

    ENROLMENT = "enrolment", _("Certificate of enrolment (在学証明書)")
    TEXTBOOK = "textbook", _("Certificate of textbooks issued (教科用図書給与証明書)")


class CertificateIssue(ScopedModel):
    """One certificate issued for a pupil: a line of the school's 証明書発行台帳 (certificate ledger).

    ``number`` runs per school and school year (第N号). What was certified — the pupil's class, the
    principal's name, the textbooks — is kept in ``content`` as printed, so the PDF can be printed
    again exactly as issued even after the pupil moves on or the principal changes.
    """

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("school year")
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("pupil")
    )
    kind = models.CharField(_("certificate"), max_length=12, choices=CertificateKind.choices)
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("date of issue"))
    purpose = models.CharField(_("purpose"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issuer_name = models.CharField(_("issued by"), max_length=100)
    principal_name = models.CharField(_("principal"), max_length=100)
    content = models.JSONField(_("content"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate issue")
        verbose_name_plural = _("certificate issues")
        ordering = ["-school_year__year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "number"], name="certificate_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}号 {self.get_kind_display()} {self.student}"


__all__ = [
    "CertificateIssue",
    "CertificateKind",
    "Enrolment",
    "EnrolmentEvent",
    "Guardian",
    "GuardianLink",
    "Student",
    "TeachingGroupMembership",
]
