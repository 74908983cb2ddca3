"""The link from the pupil page (students) to the pupil's 指導要録 (core.apphooks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.records.models import CumulativeRecord
from tsunagu.students.models import Student


def pupil_links(actor: Any, student: Student) -> list[tuple[str, str]]:
    """Each 指導要録 of the pupil the actor may open (one per school the pupil attended)."""
    records = CumulativeRecord.objects.visible_to(actor, "view").filter(student=student).order_by("pk")
    return [(_("Cumulative record"), reverse("records:record", args=[r.uuid])) for r in records]
