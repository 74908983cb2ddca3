"""What one stored statement adds to a pupil's learning summary (pure functions, no queries).

The receiver and the rebuild both use :func:`contribution`, so the two agree by construction; the test
"incremental equals rebuild" checks the rest (voiding, batches, order). Rules (decision 0017):

- ``answered`` (ADL): one answered question; correct when ``result.success`` is true (or, without
  ``success``, when the score is full marks);
- ``completed`` / ``passed`` / ``failed``: one finished attempt, with its ``result.score``
  (``raw − min`` of ``max − min``; ``scaled`` alone counts as that share of one point);
- time: ``result.duration`` of finished attempts, answers and ``experienced`` statements — except an
  answer or view that names a ``grouping`` activity: it is part of an attempt whose finishing statement
  carries the attempt's whole time (Japan xAPI assessment profile), and counting both would double it.
  One statement counts at most :data:`MAX_SECONDS` (a tab left open overnight is not study time).

Statements of other verbs, of unknown actors (no pupil) or without a subject add nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from tsunagu.learning_summaries import subjects

ADL = "http://adlnet.gov/expapi/verbs/"
ANSWERED = ADL + "answered"
EXPERIENCED = ADL + "experienced"
FINISHED = {ADL + "completed", ADL + "passed", ADL + "failed"}
VOIDED = ADL + "voided"
TIMED = FINISHED | {ANSWERED, EXPERIENCED}
MAX_SECONDS = 4 * 3600

_NUMBER = r"(\d+(?:[.,]\d+)?)"
DURATION = re.compile(
    rf"^P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)
_UNIT_SECONDS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


@dataclass(frozen=True)
class Contribution:
    """One statement's share of a summary row; ``subject`` is None while ``needs_stage`` is True."""

    subject: str | None
    needs_stage: bool
    subject_name: str
    day: dt.date
    attempts: int = 0
    answered: int = 0
    correct: int = 0
    score_milli: int = 0
    score_max_milli: int = 0
    seconds: int = 0


def duration_seconds(value: Any) -> int:
    """Whole seconds of an ISO 8601 duration (``PT1M30.5S`` → 90, rounded half up), capped; 0 if invalid."""
    if not isinstance(value, str):
        return 0
    match = DURATION.match(value.strip())
    if not match or value.strip() in ("P", "PT"):
        return 0
    total = Decimal(0)
    for part, unit in zip(match.groups(), _UNIT_SECONDS, strict=True):
        if part:
            total += Decimal(part.replace(",", ".")) * unit
    return min(int(total + Decimal("0.5")), MAX_SECONDS)


def _milli(value: Any) -> int | None:
    """Thousandths of a JSON number (exact for decimal literals); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return int((Decimal(str(value)) * 1000).to_integral_value())
    except InvalidOperation:
        return None


def _score(result: dict[str, Any]) -> tuple[int, int] | None:
    """(score, maximum) in thousandths of a point from ``result.score``; None without a usable score."""
    score = result.get("score")
    if not isinstance(score, dict):
        return None
    raw, top, low = _milli(score.get("raw")), _milli(score.get("max")), _milli(score.get("min"))
    if raw is not None and top is not None and top > (low or 0):
        base = low or 0
        return raw - base, top - base
    scaled = _milli(score.get("scaled"))
    if scaled is not None:
        return scaled, 1000
    return None


def _extension_maps(data: dict[str, Any]) -> list[dict[str, Any]]:
    maps: list[dict[str, Any]] = []
    context = data.get("context")
    if isinstance(context, dict) and isinstance(context.get("extensions"), dict):
        maps.append(context["extensions"])
    obj = data.get("object")
    if isinstance(obj, dict):
        definition = obj.get("definition")
        if isinstance(definition, dict) and isinstance(definition.get("extensions"), dict):
            maps.append(definition["extensions"])
    return maps


def _grouped(data: dict[str, Any]) -> bool:
    context = data.get("context")
    if not isinstance(context, dict):
        return False
    activities = context.get("contextActivities")
    return isinstance(activities, dict) and bool(activities.get("grouping"))


def local_day(timestamp: dt.datetime) -> dt.date:
    """The school's calendar day of a statement (Japan time, the project's ``TIME_ZONE``)."""
    # The default zone, not the request's current one: a day is the school's, whoever asks (and
    # ``localtime`` looked the current zone up per statement, a seventh of the summaries' cost).
    return timestamp.astimezone(timezone.get_default_timezone()).date()


def contribution(data: dict[str, Any], verb: str, timestamp: dt.datetime) -> Contribution | None:
    """What the statement ``data`` (as stored) adds, or None when it adds nothing (module docstring)."""
    if verb not in TIMED:
        return None
    result = data.get("result") if isinstance(data.get("result"), dict) else {}
    assert isinstance(result, dict)
    attempts = answered = correct = score_milli = score_max_milli = 0
    seconds = duration_seconds(result.get("duration"))
    if verb == ANSWERED:
        answered = 1
        success = result.get("success")
        if success is True:
            correct = 1
        elif success is None:
            score = _score(result)
            correct = 1 if score is not None and score[1] > 0 and score[0] >= score[1] else 0
        if _grouped(data):
            seconds = 0
    elif verb in FINISHED:
        attempts = 1
        score = _score(result)
        if score is not None:
            score_milli, score_max_milli = score
    elif _grouped(data):  # experienced inside an attempt
        seconds = 0
    if not (attempts or answered or seconds):
        return None
    maps = _extension_maps(data)
    code, _stage, needs_stage = subjects.resolve(maps)
    if code is None and not needs_stage:
        return None
    raw_subject = next((m.get(subjects.SUBJECT_EXT) for m in maps if m.get(subjects.SUBJECT_EXT)), "")
    return Contribution(
        subject=code,
        needs_stage=needs_stage,
        subject_name=str(raw_subject or ""),
        day=local_day(timestamp),
        attempts=attempts,
        answered=answered,
        correct=correct,
        score_milli=score_milli,
        score_max_milli=score_max_milli,
        seconds=seconds,
    )
