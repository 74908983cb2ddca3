"""Writes of the learning_summaries app.

The summaries themselves are written by ``summaries.py`` (the receiver of the LRS's signal and the
rebuild, set-based SQL); test results by ``imports.py`` (two phases, all or nothing). This module holds
the entry points a command, a task or another app calls.
"""

from __future__ import annotations

from django_tasks import task

from tsunagu.core.scope import system_scope
from tsunagu.learning_summaries.summaries import summaries_rebuild
from tsunagu.org.models import School
from tsunagu.students.models import Enrolment


def summaries_rebuild_school(*, school: School) -> dict[str, int]:
    """Recompute the learning summaries of every pupil ever enrolled at ``school`` (all their rows, at
    any school: a summary belongs to the pupil)."""
    with system_scope(reason=f"learning summaries: rebuild for {school.name}"):
        ids = set(Enrolment.objects.filter(school=school).values_list("student_id", flat=True))
    return summaries_rebuild(student_ids=ids)


@task()
def summaries_rebuild_task(school_uuid: str | None = None) -> dict[str, int]:
    """Background rebuild (one school, or every pupil when ``school_uuid`` is None)."""
    if school_uuid is None:
        return summaries_rebuild()
    return summaries_rebuild_school(school=School.objects.get(uuid=school_uuid))
