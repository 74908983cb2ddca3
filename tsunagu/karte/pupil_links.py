"""The link from the pupil page (students) to the pupil's karte (core.apphooks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.students.models import Student


def pupil_links(actor: Any, student: Student) -> list[tuple[str, str]]:
    """The karte, when the actor may open it."""
    if not Student.objects.visible_to(actor, "view_karte").filter(pk=student.pk).exists():
        return []
    return [(_("Pupil dashboard"), reverse("karte:karte", args=[student.uuid]))]
