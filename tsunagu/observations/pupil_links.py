"""The link from the pupil page (students) to this app's page for the pupil (core.apphooks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.students.models import Student


def pupil_links(actor: Any, student: Student) -> list[tuple[str, str]]:
    """いいところ and 共有TOPIC of the pupil, when the actor may see them."""
    if not Student.objects.visible_to(actor, "view_observations").filter(pk=student.pk).exists():
        return []
    return [(_("Good points and shared topics"), reverse("observations:pupil", args=[student.uuid]))]
