"""Writes of the karte app: refreshing insights from the records, taking one on, dismissing one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.karte.history import histories_for
from tsunagu.karte.models import Insight, InsightSettings, InsightStatus
from tsunagu.karte.rules import Thresholds, evaluate
from tsunagu.org.models import School
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on


def thresholds_for(board_id: int) -> Thresholds:
    """The board's thresholds (defaults where it has set none)."""
    with system_scope(reason="insight rules read the board's thresholds"):
        found = InsightSettings.objects.filter(board_id=board_id).first()
    return Thresholds.from_dict(found.as_dict() if found else {})


@transaction.atomic
def insights_refresh(
    *, school: School, day: dt.date, student_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Run every rule for the pupils enrolled at ``school`` on ``day`` (or only ``student_ids``) and
    bring their insights up to date: new patterns open, patterns seen again keep their owner and
    dismissal, patterns no longer seen are resolved. Returns counts. Called by the nightly command and
    by the karte's "再確認" button (for one pupil, after the view's policy check)."""
    with system_scope(reason=f"insight refresh at {school.name}"):
        year = school_year_on(day)
        if year is None:
            return {"pupils": 0, "opened": 0, "updated": 0, "resolved": 0}
        enrolled = Enrolment.objects.filter(enrolled_on(day), school=school, school_year=year)
        if student_ids is not None:
            enrolled = enrolled.filter(student_id__in=list(student_ids))
        ids = sorted(set(enrolled.values_list("student_id", flat=True)))
        histories = histories_for(school_id=school.pk, student_ids=ids, day=day, school_year=year)
        thresholds = thresholds_for(school.board_id)
        existing: dict[int, dict[str, Insight]] = defaultdict(dict)
        for insight in Insight.objects.filter(student_id__in=ids, school_year=year):
            existing[insight.student_id][insight.rule_key] = insight
        counts = {"pupils": len(ids), "opened": 0, "updated": 0, "resolved": 0}
        to_create: list[Insight] = []
        to_update: list[Insight] = []
        for student_id in ids:
            found = {f.key: f for f in evaluate(histories[student_id], thresholds)}
            mine = existing[student_id]
            for key, finding in found.items():
                insight = mine.get(key)
                if insight is None:
                    to_create.append(
                        Insight(
                            student_id=student_id,
                            school=school,
                            school_year=year,
                            rule=finding.rule,
                            rule_key=key,
                            sentence=finding.sentence,
                            evidence=finding.evidence,
                            severity=finding.severity,
                            first_found=day,
                            last_found=day,
                        )
                    )
                    counts["opened"] += 1
                    continue
                insight.sentence, insight.evidence = finding.sentence, finding.evidence
                insight.severity, insight.last_found = finding.severity, day
                if insight.status == InsightStatus.RESOLVED:
                    insight.status = InsightStatus.OPEN
                to_update.append(insight)
                counts["updated"] += 1
            for key, insight in mine.items():
                if key not in found and insight.is_active:
                    insight.status = InsightStatus.RESOLVED
                    to_update.append(insight)
                    counts["resolved"] += 1
        Insight.objects.bulk_create(to_create)
        Insight.objects.bulk_update(
            to_update, ["sentence", "evidence", "severity", "last_found", "status", "updated_at"]
        )
    return counts


def _editable(actor: Any, insight: Insight) -> Insight:
    found = Insight.objects.visible_to(actor, "change").filter(pk=insight.pk).first()
    if found is None:
        raise ValidationError(_("You cannot change this insight."))
    return found


@transaction.atomic
def insight_assign(*, actor: Any, insight: Insight, follow_up_on: dt.date | None, note: str = "") -> Insight:
    """The actor takes the insight on, with a follow-up date and a note (the plan's owner + date)."""
    insight = _editable(actor, insight)
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": _("The follow-up date is in the past.")})
    insight.status = InsightStatus.ASSIGNED
    insight.assignee = actor
    insight.follow_up_on = follow_up_on
    insight.note = note.strip()
    insight.save(update_fields=["status", "assignee", "follow_up_on", "note", "updated_at"])
    ensure_visible_after_write(actor, insight, "change")
    return insight


@transaction.atomic
def insight_dismiss(*, actor: Any, insight: Insight, reason: str) -> Insight:
    """Dismiss with a reason (required), so that false alarms can be counted per rule."""
    insight = _editable(actor, insight)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for dismissing.")})
    insight.status = InsightStatus.DISMISSED
    insight.dismissed_reason = reason
    insight.dismissed_by = actor
    insight.dismissed_at = timezone.now()
    insight.save(update_fields=["status", "dismissed_reason", "dismissed_by", "dismissed_at", "updated_at"])
    ensure_visible_after_write(actor, insight, "change")
    return insight
