"""The log of calls to the OneRoster REST provider, so that every call is attributed to its client.

The learning registry keeps refused requests only (``learning.RejectedRequest``, written here too for
refusals through its service); this log keeps every call — answered or refused — with the number of
records returned, for the board's monitoring of what each learning app reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import DataClass
from tsunagu.core.scope import PolicyManager


class ApiCall(models.Model):
    """One call of ``/ims/oneroster/``: the client (None when unauthenticated), path, status, records."""

    data_class = DataClass.III

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        "learning.LearningClient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="oneroster_calls",
        verbose_name=_("learning app"),
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    count = models.PositiveIntegerField(_("records"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    objects = PolicyManager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("OneRoster API call")
        verbose_name_plural = _("OneRoster API calls")
        indexes = [models.Index(fields=["client", "at"], name="roster_sync_call_client_at")]

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}"
