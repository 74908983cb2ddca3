"""Writes of the karte app: refreshing insights from the records, taking one on, dismissing one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.karte.history import histories_for
from tsunagu.karte.models import Insight, InsightSettings, InsightStatus
from tsunagu.karte.rules import EPISODE_RULES, Finding, Thresholds, evaluate
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
        thresholds = thresholds_for(school.board_id)
        histories = histories_for(
            school_id=school.pk,
            student_ids=ids,
            day=day,
            school_year=year,
            answer_days=thresholds.correct_recent_days + thresholds.correct_baseline_days,
        )
        existing: dict[int, dict[str, Insight]] = defaultdict(dict)
        for insight in Insight.objects.filter(student_id__in=ids, school_year=year):
            existing[insight.student_id][insight.rule_key] = insight
        counts = {"pupils": len(ids), "opened": 0, "updated": 0, "resolved": 0}
        to_create: list[Insight] = []
        to_update: list[Insight] = []
        for student_id in ids:
            found = {f.key: f for f in evaluate(histories[student_id], thresholds)}
            mine = existing[student_id]
            kept: set[str] = set()
            for key, finding in found.items():
                insight = mine.get(key) or _same_episode(mine, finding, day)
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
                kept.add(insight.rule_key)
                insight.sentence, insight.evidence = finding.sentence, finding.evidence
                insight.severity, insight.last_found = finding.severity, day
                if insight.status == InsightStatus.RESOLVED:
                    insight.status = InsightStatus.OPEN
                to_update.append(insight)
                counts["updated"] += 1
            for key, insight in mine.items():
                if key not in kept and insight.is_active:
                    insight.status = InsightStatus.RESOLVED
                    to_update.append(insight)
                    counts["resolved"] += 1
        Insight.objects.bulk_create(to_create)
        Insight.objects.bulk_update(
            to_update, ["sentence", "evidence", "severity", "last_found", "status", "updated_at"]
        )
    return counts


def _episode(key: str) -> str:
    """A moving-window key without its window's date: "correct_rate_drop:MA:2026-11-10" →
    "correct_rate_drop:MA" (the same rule about the same subject is the same episode)."""
    return key.rsplit(":", 1)[0]


def _same_episode(mine: dict[str, Insight], finding: Finding, day: dt.date) -> Insight | None:
    """For a rule whose key moves with its window (a drop measured over the last days), the pupil's
    insight of that rule (and subject) still open, followed up or dismissed and seen within the last
    week: the same episode, so it keeps its owner and its dismissal rather than opening a new insight
    every day."""
    if finding.rule not in EPISODE_RULES:
        return None
    recent = day - dt.timedelta(days=7)
    candidates = [
        i
        for i in mine.values()
        if i.rule == finding.rule
        and _episode(i.rule_key) == _episode(finding.key)
        and i.last_found >= recent
        and (i.is_active or i.status == InsightStatus.DISMISSED)
    ]
    return max(candidates, key=lambda i: i.last_found, default=None)


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


@transaction.atomic
def insight_settings_save(*, actor: Any, board: Any, values: dict[str, Any]) -> InsightSettings:
    """Save a board's thresholds (board staff of that board). Every value within its range and the
    pairs consistent (a warning before its limit, a baseline no shorter than what it must hold);
    everything or nothing. Only values that differ from the defaults are stored, so a later change of
    a default reaches boards that never set it. The change is written to the audit log."""
    from dataclasses import asdict

    from tsunagu.core.audit import audit_event
    from tsunagu.core.policy import registry
    from tsunagu.karte.forms import THRESHOLD_FIELDS
    from tsunagu.org.models import Board

    if not registry.narrow(Board.objects.filter(pk=board.pk), actor, "manage_insight_settings").exists():
        raise PermissionDenied
    defaults = asdict(Thresholds())
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, _label, low, high in THRESHOLD_FIELDS:
        value = values.get(name, defaults[name])
        try:
            value = int(value) if isinstance(defaults[name], int) else float(value)
        except (TypeError, ValueError):
            errors[name] = "数値で入れてください。"
            continue
        if not low <= value <= high:
            errors[name] = f"{low:g}〜{high:g}の範囲で入れてください。"
            continue
        cleaned[name] = value
    merged = {**defaults, **cleaned}
    pairs = [
        ("min_hits", "min_weekday_days", "その曜日の授業日数より多くはできません。"),
        ("yearly_absence_warning", "yearly_absence_limit", "基準の日数より少なくしてください。"),
        ("absence_streak", "legal_absence_streak", "7日（通知）より少なくしてください。"),
        ("min_baseline_observations", "baseline_days", "比べる日数より多くはできません。"),
        ("study_min_active_days", "study_baseline_days", "比べる日数より多くはできません。"),
    ]
    for small, large, message in pairs:
        if small in cleaned and merged[small] > merged[large] - (
            1 if small.startswith(("yearly", "absence")) else 0
        ):
            errors.setdefault(small, message)
    if errors:
        raise ValidationError(errors)
    stored = {k: v for k, v in cleaned.items() if v != defaults[k]}
    current = InsightSettings.objects.filter(board=board).first() or InsightSettings(board=board)
    before = current.as_dict()
    current.values = stored
    current.full_clean()
    current.save()
    changed = {
        k: f"{before.get(k, defaults[k])}→{stored.get(k, defaults[k])}"
        for k in defaults
        if before.get(k, defaults[k]) != stored.get(k, defaults[k])
    }
    audit_event(
        kind="karte_thresholds_saved",
        actor=actor,
        detail={
            "board": str(board.uuid),
            "changed": ", ".join(f"{k}: {v}" for k, v in changed.items()) or "—",
        },
    )
    return current
