"""Users and their role assignments.

A user may hold several roles (a teacher who is also a guardian). Each role assignment has a scope
(board, school, grade, homeroom, teaching group or pupil) and is bound to one school year, so last
year's homeroom does not stay open to a teacher who has moved on.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.models import DataClass, PublicModel


class User(AbstractUser):
    """A person who logs in: staff, guardian or pupil.

    ``session_epoch`` is bumped whenever the account is disabled or its roles change; sessions
    created under an older epoch are ended by ``SessionLifetimeMiddleware``.
    """

    data_class = DataClass.III

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    """Role codes; the policy registry grants rights per role."""

    STUDENT = "student", _("Pupil")
    GUARDIAN = "guardian", _("Guardian")
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher")
    SUBJECT_TEACHER = "subject_teacher", _("Subject teacher")
    GRADE_HEAD = "grade_head", _("Grade head")
    NURSE = "nurse", _("School nurse")
    COUNSELOR = "counselor", _("Counselor")
    PRINCIPAL = "principal", _("Principal")
    OFFICE = "office", _("Office staff")
    BOARD = "board", _("Board of education")
    HELPDESK = "helpdesk", _("Helpdesk")
    SYSADMIN = "sysadmin", _("System administrator")


#: Roles that reach class-II data or above and therefore must use MFA (SECURITY.md §2).
STAFF_ROLES = frozenset(Role) - {Role.STUDENT, Role.GUARDIAN}


class RoleAssignment(PublicModel):
    """A grant of one role to one user, for one school year, within one scope.

    Which scope field is set depends on the role: ``school`` for principal, office, nurse;
    ``homeroom`` for homeroom teachers; ``teaching_group`` for subject teachers; ``school`` +
    ``grade_level`` for grade heads; ``board`` for board and helpdesk staff; ``student`` for a
    counselor's or board member's case. Guardians and pupils are scoped to themselves through
    their guardian link or pupil record. ``starts_on``/``ends_on`` narrow it inside the year.
    """

    data_class = DataClass.III

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school_year = models.ForeignKey(
        "org.SchoolYear",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("school year"),
    )
    board = models.ForeignKey(
        "org.Board",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("board"),
    )
    school = models.ForeignKey(
        "org.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("school"),
    )
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
        related_name="+",
        verbose_name=_("homeroom"),
    )
    teaching_group = models.ForeignKey(
        "org.TeachingGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("teaching group"),
    )
    student = models.ForeignKey(
        "students.Student",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pupil"),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    source = models.ForeignKey(
        "org.TeachingAssignment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("from teaching assignment"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [models.Index(fields=["user", "school_year"])]
        constraints = [
            models.CheckConstraint(
                name="roleassignment_scope",
                condition=(
                    Q(role__in=["student", "guardian", "sysadmin"])
                    | Q(role__in=["principal", "office", "nurse"], school__isnull=False)
                    | Q(role="homeroom_teacher", homeroom__isnull=False)
                    | Q(role="subject_teacher", teaching_group__isnull=False)
                    | Q(role="grade_head", school__isnull=False, grade_level__isnull=False)
                    | Q(role__in=["board", "helpdesk"], board__isnull=False)
                    | Q(role="counselor", school__isnull=False)
                    | Q(role="counselor", student__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} ({self.school_year})"

    def is_active_on(self, day: dt.date) -> bool:
        """True when ``day`` falls in the school year and the optional start/end dates."""
        if not (self.school_year.start_date <= day <= self.school_year.end_date):
            return False
        if self.starts_on and day < self.starts_on:
            return False
        return not (self.ends_on and day > self.ends_on)
