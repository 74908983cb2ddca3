"""Base models shared by every app, and the two audit tables.

Every concrete model declares ``data_class`` (MEXT 重要性分類 I–IV, see docs/security.md). Models
holding personal data inherit :class:`ScopedModel`, whose manager refuses unscoped queries.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.scope import ScopedManager, _internal_scope


class DataClass(models.IntegerChoices):
    """MEXT information-asset classification (重要性分類)."""

    I = 1, _("Class I (very sensitive)")  # noqa: E741
    II = 2, _("Class II (confidential)")
    III = 3, _("Class III (operational)")
    IV = 4, _("Class IV (public)")


class TimeStampedModel(models.Model):
    """Adds creation and modification times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    data_class: ClassVar[DataClass] = DataClass.III

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A model addressed in URLs and APIs by a stable random UUID, never by its sequential id."""

    uuid = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class ScopedModel(PublicModel):
    """A model whose rows may only be read through ``.visible_to(actor, action)``.

    Django's own uniqueness and constraint checks query the default manager; they only ask
    whether a clashing row exists, so they run unscoped without being logged.
    """

    objects = ScopedManager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude: Any = None) -> None:
        with _internal_scope():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with _internal_scope():
            super().validate_constraints(exclude=exclude)


class AuditEvent(models.Model):
    """Append-only log of security events: logins, failed logins, refused access, system scopes.

    On PostgreSQL and SQLite a trigger refuses UPDATE and DELETE of these rows.
    """

    data_class = DataClass.II

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.actor_username}"


class AccessLog(models.Model):
    """Append-only record of a read of class-I data: who looked at which pupil's what, and when."""

    data_class = DataClass.II

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=20, default="view")
    model = models.CharField(_("record type"), max_length=100)
    object_uuid = models.UUIDField(_("record"), null=True, blank=True)
    student_uuid = models.UUIDField(_("pupil"), null=True, blank=True, db_index=True)
    fields = models.CharField(_("fields"), max_length=500, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.model}"
