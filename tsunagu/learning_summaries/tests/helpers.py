"""Helpers of the learning-summaries tests: pupils of the demo ward and statements as apps send them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tsunagu.core.scope import system_scope
from tsunagu.learning.xapi.store import issuer
from tsunagu.learning_summaries.models import LearningSummary
from tsunagu.learning_summaries.subjects import COS_EXT, GRADE_EXT, SUBJECT_EXT
from tsunagu.students.models import Enrolment, Student

ADL = "http://adlnet.gov/expapi/verbs/"
JST = dt.timezone(dt.timedelta(hours=9))


def class_pupils(ward: Any, school: str = "sakura", grade: str = "P4", room: str = "1組") -> list[Student]:
    """The pupils of a class this year, by roll number."""
    with system_scope(reason="test: pupils of a demo class"):
        return [
            e.student
            for e in Enrolment.objects.filter(
                school=ward.schools[school],
                school_year=ward.school_year,
                grade_level__code=grade,
                homeroom__name=room,
                end_date__isnull=True,
            )
            .select_related("student")
            .order_by("roll_number")
        ]


def actor(pupil: Student) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil.uuid)}}


def answered(
    pupil: Student | None,
    when: dt.datetime,
    *,
    correct: bool | None = True,
    seconds: int = 40,
    subject: str | None = "算数",
    grade: str | None = "P4",
    cos: str | None = None,
    grouping: str | None = None,
    score: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``answered`` statement of a drill question."""
    extensions: dict[str, Any] = {}
    if subject is not None:
        extensions[SUBJECT_EXT] = subject
    if grade is not None:
        extensions[GRADE_EXT] = grade
    if cos is not None:
        extensions[COS_EXT] = cos
    context: dict[str, Any] = {"platform": "テストドリル", "language": "ja", "extensions": extensions}
    if grouping:
        context["contextActivities"] = {"grouping": [{"id": grouping}]}
    result: dict[str, Any] = {"duration": f"PT{seconds}S"}
    if correct is not None:
        result["success"] = correct
    if score is not None:
        result["score"] = score
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(pupil)
        if pupil
        else {"objectType": "Agent", "account": {"homePage": "https://other.example.jp", "name": "guest-1"}},
        "verb": {"id": ADL + "answered", "display": {"ja": "回答した"}},
        "object": {"id": f"https://drill.example.jp/q/{uuid.uuid4().hex[:8]}"},
        "result": result,
        "context": context,
        "timestamp": when.isoformat(),
    }


def finished(
    pupil: Student,
    when: dt.datetime,
    *,
    raw: float,
    top: float = 100,
    seconds: int = 600,
    verb: str = "completed",
    subject: str = "国語",
    grade: str = "P4",
) -> dict[str, Any]:
    """A ``completed``/``passed``/``failed`` statement ending an online test."""
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(pupil),
        "verb": {"id": ADL + verb},
        "object": {"id": "https://webtest.example.jp/tests/t1"},
        "result": {
            "score": {"raw": raw, "min": 0, "max": top},
            "duration": f"PT{seconds}S",
            "completion": True,
        },
        "context": {"extensions": {SUBJECT_EXT: subject, GRADE_EXT: grade}},
        "timestamp": when.isoformat(),
    }


def voiding(target: str) -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:admin@example.jp"},
        "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},
    }


def snapshot(student_ids: list[int]) -> dict[tuple[int, str, dt.date], tuple[int, ...]]:
    """Every summary row of the pupils, keyed by (pupil, subject code, day)."""
    with system_scope(reason="test: read summaries"):
        return {
            (r.student_id, r.subject.code, r.day): (
                r.attempts,
                r.answered,
                r.correct,
                r.score_milli,
                r.score_max_milli,
                r.seconds,
            )
            for r in LearningSummary.objects.filter(student_id__in=student_ids).select_related("subject")
        }
