"""Reads of the audit trail: who viewed or changed a pupil's records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges

from tsunagu.core.models import AccessLog
from tsunagu.core.policy import registry

#: How many changes and reads the page shows at most (newest first).
AUDIT_LIMIT = 500


@dataclass(frozen=True)
class AuditEntry:
    """One line of a pupil's audit trail: a read (``view``) or a change (``+``, ``~``, ``-``)."""

    at: dt.datetime
    who: str
    kind: str
    record_type: str
    changes: list[str] = field(default_factory=list)
    path: str = ""


def _history_models_about_pupils() -> list[tuple[type[models.Model], str]]:
    """History models of pupil records, with the lookup from a history row to the pupil's id."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, HistoricalChanges):
            continue
        tracked = model.instance_type  # type: ignore[attr-defined]
        if tracked._meta.label == "students.Student":
            found.append((model, "id"))
        elif any(f.name == "student" for f in tracked._meta.concrete_fields):
            found.append((model, "student_id"))
    return found


def _changes(row: Any) -> list[str]:
    """Field-level before → after for a history row, against the previous version of the record."""
    previous = row.prev_record
    if row.history_type != "~" or previous is None:
        return []
    delta = row.diff_against(previous)
    return [f"{c.field}: {c.old!s} → {c.new!s}" for c in delta.changes]


def student_audit_trail(*, actor: Any, student: models.Model) -> list[AuditEntry]:
    """Every logged read of and every change to ``student``'s records that ``actor`` may see, newest first.

    The caller has already checked that ``actor`` may ``view_audit`` the pupil.
    """
    entries: list[AuditEntry] = []
    reads = registry.narrow(AccessLog.objects.filter(student_uuid=student.uuid), actor, "view")  # type: ignore[attr-defined]
    for read in reads[:AUDIT_LIMIT]:
        label = apps.get_model(read.model)._meta.verbose_name if "." in read.model else read.model
        entries.append(
            AuditEntry(
                at=read.at,
                who=read.actor_username,
                kind="view",
                record_type=str(label),
                changes=[read.fields] if read.fields else [],
                path=read.path,
            )
        )
    for history_model, lookup in _history_models_about_pupils():
        rows: Any = (
            history_model._default_manager.filter(**{lookup: student.pk})
            .select_related("history_user")
            .order_by("-history_date")[:AUDIT_LIMIT]
        )
        for row in rows:
            user = row.history_user
            entries.append(
                AuditEntry(
                    at=row.history_date,
                    who=user.get_username() if user else "system",
                    kind=row.history_type,
                    record_type=str(history_model.instance_type._meta.verbose_name),  # type: ignore[attr-defined]
                    changes=_changes(row),
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:AUDIT_LIMIT]
