"""The karte's panels built from other apps' data, each read through that app's own selectors (so the
app's policy decides what this viewer sees): 生活・学習・家庭のようす (共有TOPIC and いいところ), 配慮事項.

Each builder returns ``(template, context)`` pairs and the class-I records it showed (for the access
log), or nothing when the viewer may see nothing of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from tsunagu.core.policy import registry
from tsunagu.students.models import Student


@dataclass
class Panels:
    """The panels of one karte, and the class-I records they show."""

    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    class_i: list[models.Model] = field(default_factory=list)


def observation_panels(actor: Any, student: Student, day: dt.date, school_year: Any, out: Panels) -> None:
    """生活のようす, 学習のようす (topics + いいところ of the area) and 家庭のようす (topics)."""
    from tsunagu.observations.models import Area, Tag
    from tsunagu.observations.selectors import (
        class_i_topics,
        good_point_year_counts,
        good_points_for,
        topics_for,
    )

    may_topics = registry.allows_any(actor, "observations.SharedTopic", "view")
    may_points = registry.allows_any(actor, "observations.GoodPoint", "view")
    if not (may_topics or may_points):
        return
    since = day - dt.timedelta(days=365)
    topics = topics_for(actor=actor, student=student, since=since) if may_topics else []
    points = good_points_for(actor=actor, student=student, school_year=school_year) if may_points else []
    counts = good_point_year_counts(actor=actor, student=student) if may_points else []
    this_year = next((c for c in counts if school_year and c.school_year.pk == school_year.pk), None)
    for t in topics:
        t.student = student  # the access log names the pupil of each record; no query per topic
    out.class_i += class_i_topics(topics)
    for area, tag, title in (
        (Area.LIFE, Tag.LIFE, "life"),
        (Area.LEARNING, Tag.LEARNING, "learning"),
    ):
        out.items.append(
            (
                "karte/panels/observations.html",
                {
                    "kind": title,
                    "topics": [t for t in topics if t.area == area][:5],
                    "points": [p for p in points if p.tag == tag][:5],
                    "count": (this_year.life if tag == Tag.LIFE else this_year.learning) if this_year else 0,
                    "may_points": may_points,
                    "student": student,
                },
            )
        )
    out.items.append(
        (
            "karte/panels/home.html",
            {"topics": [t for t in topics if t.area == Area.HOME][:5], "student": student},
        )
    )


def care_panel(actor: Any, student: Student, out: Panels) -> None:
    """配慮事項: the summaries every teacher of the pupil sees (detail stays on the care pages)."""
    from tsunagu.care.selectors import care_summary_for

    if not registry.allows_any(actor, "care.CareNote", "view"):
        return
    notes = care_summary_for(actor=actor, students=[student]).get(student.pk, [])
    out.items.append(("karte/panels/care.html", {"notes": notes, "student": student}))


def visits_panel(actor: Any, student: Student, day: dt.date, out: Panels) -> None:
    """保健室利用 over the past year: the count and each visit (date, weekday, time, 内科/外科, outcome);
    complaints only for the nurse and the principal, or when the nurse shared them (HEALTH.md §6)."""
    from tsunagu.health.models import NurseVisit

    if not registry.allows_any(actor, "health.NurseVisit", "view_outline"):
        return
    since = day - dt.timedelta(days=365)
    visits = list(
        NurseVisit.objects.visible_to(actor, "view_outline")
        .filter(student=student, date__gt=since, date__lte=day)
        .order_by("-date", "-time_in")
    )
    full = set(
        NurseVisit.objects.visible_to(actor, "view")
        .filter(pk__in=[v.pk for v in visits])
        .values_list("pk", flat=True)
    )
    for v in visits:
        v.student = student  # the access log names the pupil of each record; no query per visit
    rows = [(v, v.pk in full or v.shared_with_teacher) for v in visits]
    out.class_i += visits
    out.items.append(
        ("karte/panels/visits.html", {"rows": rows[:20], "count": len(visits), "student": student})
    )


#: Days of learning the karte shows (the plan's mock-up: the recent weeks).
LEARNING_DAYS = 28


def learning_panels(actor: Any, student: Student, day: dt.date, out: Panels) -> None:
    """成績(教科) and 学習ログ from the learning summaries (contract C3), through their own policy: per
    subject the correct rate, correct/answered and study time with the class averages (staff only),
    the test results and the 学力経年調査 trend, and the study time per day as a chart. Class II."""
    if not registry.allows_any(actor, "learning_summaries.LearningSummary", "view"):
        return
    from tsunagu.karte.chart import study_chart
    from tsunagu.learning_summaries.selectors import pupil_learning

    since = day - dt.timedelta(days=LEARNING_DAYS - 1)
    learning = pupil_learning(actor=actor, student=student, since=since, until=day)
    out.items.append(
        (
            "karte/panels/learning_subjects.html",
            {"learning": learning, "since": since, "until": day, "student": student},
        )
    )
    chart = study_chart(learning.daily_seconds, learning.class_daily_seconds or None)
    out.items.append(
        (
            "karte/panels/learning_log.html",
            {"learning": learning, "chart": chart, "since": since, "until": day, "student": student},
        )
    )


def panels_for(actor: Any, student: Student, day: dt.date, school_year: Any) -> Panels:
    """Every panel of other apps' data for this viewer, in the karte's order."""
    out = Panels()
    observation_panels(actor, student, day, school_year, out)
    visits_panel(actor, student, day, out)
    care_panel(actor, student, out)
    learning_panels(actor, student, day, out)
    return out
