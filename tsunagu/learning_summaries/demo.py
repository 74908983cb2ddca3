"""Demo step: two learning apps post the school year's statements through the real LRS API, and さくら小
imports a 学力経年調査 (after the LRS's step 80, which registers the demo apps; before the karte's 890).

The drill app (デモ計算ドリル) posts drill sessions — a few ``answered`` statements each, with the
Japan xAPI profile's subject and grade extensions — and the online test app (デモWebテスト) a monthly
test per pupil: ``answered`` statements grouped under the attempt and one ``completed`` with the score
and the attempt's whole time. Both go through ``django.test.Client`` to ``/xapi/statements`` with the
apps' Basic credentials and the version header, in batches of 100, exactly as an app would; the
summaries are kept by the receiver, as in production.

Each pupil has a study habit (minutes a day, likelier on weekdays, longest on Monday–Thursday, short on
Friday and at weekends) and a correct rate per subject. In さくら小 4年1組, picked as the other demos
pick the class's pupils (by roll number, not the cast pupil, not under 住所秘匿): story pupil 4
(:data:`STUDY_DROP`; 松本 陸 in the seed-1 ward) studies far less over the last three weeks — the karte's
study-time insight — and story pupil 6 (:data:`RATE_DROP`) answers worse over the same weeks.

Volume: on ``tiny`` (the tests' ward) the story class gets the last 45 days, every other pupil one
sampled day; on ``small`` every pupil gets the school year to date on sampled days (and a test a term)
and the story class every day; ``city`` stays like ``tiny``, for the cast's schools only
(``DemoContext.detailed_schools``: its seeding is measured). The
step's time is logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tsunagu.core.scope import system_scope
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.learning.demo import DRILL_KEY, DRILL_SECRET, TEST_KEY, TEST_SECRET
from tsunagu.learning.xapi.store import issuer
from tsunagu.learning_summaries.subjects import GRADE_EXT, SUBJECT_EXT
from tsunagu.students.models import Enrolment

logger = logging.getLogger("tsunagu.demo")

JST = dt.timezone(dt.timedelta(hours=9))
ADL = "http://adlnet.gov/expapi/verbs/"
JP_CATEGORY = "https://w3id.org/xapi/jpedudataspec/v/1"
STUDY_DROP, RATE_DROP = 4, 6
DROP_DAYS = 21
#: Minutes-a-day factor per weekday (Monday first).
WEEKDAY = (1.2, 1.1, 1.0, 1.1, 0.6, 0.4, 0.5)
#: Drill subjects per stage (the subject extension's value, as apps write it).
DRILLS = {"P": ("算数", "国語", "理科", "社会"), "J": ("数学", "英語", "国語", "理科")}
BATCH = 100
#: On ``small``, the share of the year's days drawn for a pupil outside the story class (~7 a year:
#: 0.08 gave 152,000 statements and 110 CPU-seconds of `make demo`'s first run; class averages need
#: only a few days per pupil).
SMALL_SAMPLE = 0.03
#: Months of the online test for pupils outside the story class (once a term so far).
TERM_TEST_MONTHS = {7, 11, 2}


@dataclass
class Pupil:
    """One pupil as the apps see them: account name, grade, habit and correct rates."""

    uuid: uuid.UUID
    grade: str  # P4, J2 …
    stage: str
    minutes: float
    weekday_chance: float
    rates: dict[str, float]
    story: int | None = None  # index among the story class's pupils


class Poster:
    """Posts statements in batches of 100 as one app, through the test client (the real stack)."""

    def __init__(self, key: str, secret: str) -> None:
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.client = Client()
        self.headers: dict[str, Any] = {
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3",
        }
        self.pending: list[dict[str, Any]] = []
        self.posted = 0

    def add(self, statement: dict[str, Any]) -> None:
        self.pending.append(statement)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        response = self.client.post(
            "/xapi/statements",
            json.dumps(self.pending, ensure_ascii=False),
            content_type="application/json",
            **self.headers,
        )
        if response.status_code != 200:
            raise RuntimeError(f"demo LRS post refused: {response.status_code} {response.content[:300]!r}")
        self.posted += len(self.pending)
        self.pending = []


def _id(rng: random.Random) -> str:
    """A statement id drawn from the demo's seeded generator (the ward stays deterministic)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _actor(pupil: Pupil) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil.uuid)}}


def _context(platform: str, pupil: Pupil, subject: str, grouping: str | None = None) -> dict[str, Any]:
    activities: dict[str, Any] = {"category": [{"id": JP_CATEGORY}]}
    if grouping:
        activities["grouping"] = [{"id": grouping}]
    return {
        "platform": platform,
        "language": "ja",
        "contextActivities": activities,
        "extensions": {SUBJECT_EXT: subject, GRADE_EXT: pupil.grade},
    }


def _drill_session(
    poster: Poster, rng: random.Random, pupil: Pupil, day: dt.date, subject: str, seconds: float, rate: float
) -> None:
    """A drill session: 3–5 answered questions sharing the session's time."""
    questions = rng.randint(3, 5)
    start = dt.datetime.combine(day, dt.time(16 + rng.randint(0, 4), rng.randint(0, 59)), tzinfo=JST)
    unit = f"https://drill.example.jp/{pupil.grade}/{subject}/unit{rng.randint(1, 8)}"
    for q in range(questions):
        spent = max(5, round(seconds / questions * rng.uniform(0.6, 1.4)))
        poster.add(
            {
                "id": _id(rng),
                "actor": _actor(pupil),
                "verb": {"id": ADL + "answered", "display": {"ja": "回答した"}},
                "object": {
                    "objectType": "Activity",
                    "id": f"{unit}/q{rng.randint(1, 40)}",
                    "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction"},
                },
                "result": {"success": rng.random() < rate, "duration": f"PT{spent}S"},
                "context": _context("デモ計算ドリル", pupil, subject),
                "timestamp": (start + dt.timedelta(seconds=q * spent)).isoformat(),
            }
        )


def _online_test(
    poster: Poster, rng: random.Random, pupil: Pupil, day: dt.date, subject: str, rate: float
) -> None:
    """An online test: 10 answers grouped under the attempt, then ``completed`` with score and time."""
    attempt = f"https://webtest.example.jp/tests/{pupil.grade}/{subject}/{day:%Y%m}"
    start = dt.datetime.combine(day, dt.time(10, rng.randint(0, 40)), tzinfo=JST)
    right = 0
    for q in range(10):
        success = rng.random() < rate
        right += success
        poster.add(
            {
                "id": _id(rng),
                "actor": _actor(pupil),
                "verb": {"id": ADL + "answered"},
                "object": {"id": f"{attempt}/q{q + 1}"},
                "result": {"success": success, "duration": f"PT{rng.randint(40, 120)}S"},
                "context": _context("デモWebテスト", pupil, subject, grouping=attempt),
                "timestamp": (start + dt.timedelta(minutes=q * 2)).isoformat(),
            }
        )
    poster.add(
        {
            "id": _id(rng),
            "actor": _actor(pupil),
            "verb": {"id": ADL + "completed", "display": {"ja": "完了した"}},
            "object": {"id": attempt, "definition": {"name": {"ja": f"{subject} {day.month}月のWebテスト"}}},
            "result": {
                "score": {"raw": right * 10, "min": 0, "max": 100},
                "completion": True,
                "duration": f"PT{rng.randint(15, 25)}M",
            },
            "context": _context("デモWebテスト", pupil, subject),
            "timestamp": (start + dt.timedelta(minutes=25)).isoformat(),
        }
    )


def _pupils(ctx: DemoContext, rng: random.Random) -> tuple[list[Pupil], Any]:
    """Every pupil enrolled this year, with a habit and rates; the story class's pupils marked."""
    from tsunagu.karte.demo import story_pupils, story_room

    with system_scope(reason="demo: the pupils the learning apps serve"):
        room = story_room(ctx)
        story = {e.student_id: i for i, e in enumerate(story_pupils(room, ctx.today))} if room else {}
        rows = list(
            Enrolment.objects.filter(
                school__in=ctx.detailed_schools(), school_year=ctx.school_year, end_date__isnull=True
            )
            .order_by("school_id", "grade_level__order", "homeroom_id", "roll_number", "student_id")
            .values_list("student_id", "student__uuid", "grade_level__code", "grade_level__stage")
        )
    pupils = []
    for student_id, pupil_uuid, grade, stage in rows:
        ability = rng.uniform(0.5, 0.88)
        pupils.append(
            Pupil(
                uuid=pupil_uuid,
                grade=grade,
                stage=stage,
                minutes=rng.uniform(12, 35),
                weekday_chance=rng.uniform(0.55, 0.95),
                rates={s: min(0.97, max(0.2, ability + rng.uniform(-0.12, 0.12))) for s in DRILLS[stage]},
                story=story.get(student_id),
            )
        )
    for pupil in pupils:
        if pupil.story == STUDY_DROP:  # a keen pupil before the drop, so the fall is clear
            pupil.minutes, pupil.weekday_chance = 32.0, 0.92
    return pupils, room


def _days(ctx: DemoContext, pupil: Pupil, rng: random.Random) -> list[dt.date]:
    """The days a pupil's drill sessions are drawn for (module docstring: volume per scale)."""
    yesterday = ctx.today - dt.timedelta(days=1)
    if pupil.story is not None:
        first = ctx.school_year.start_date if ctx.scale == "small" else ctx.today - dt.timedelta(days=45)
        first = max(first, ctx.school_year.start_date)
        return [first + dt.timedelta(days=n) for n in range((yesterday - first).days + 1)]
    if ctx.scale == "small":
        first = ctx.school_year.start_date
        days = [first + dt.timedelta(days=n) for n in range((yesterday - first).days + 1)]
        return [d for d in days if rng.random() < SMALL_SAMPLE]
    return [yesterday - dt.timedelta(days=rng.randrange(14))]


def _post_year(ctx: DemoContext, rng: random.Random, pupils: list[Pupil]) -> int:
    drill, webtest = Poster(DRILL_KEY, DRILL_SECRET), Poster(TEST_KEY, TEST_SECRET)
    drop_from = ctx.today - dt.timedelta(days=DROP_DAYS)
    for pupil in pupils:
        subjects = DRILLS[pupil.stage]
        for day in _days(ctx, pupil, rng):
            weekend = day.weekday() >= 5
            chance = pupil.weekday_chance * (0.5 if weekend else 1.0)
            minutes = pupil.minutes * WEEKDAY[day.weekday()]
            if pupil.story == STUDY_DROP and day >= drop_from:
                chance, minutes = chance * 0.35, minutes * 0.12
            if pupil.story is None and ctx.scale != "small":
                chance = 1.0  # the few sampled days are study days
            if rng.random() >= chance:
                continue
            for subject in rng.sample(subjects[:2], 2 if rng.random() < 0.6 else 1) + (
                [rng.choice(subjects[2:])] if rng.random() < 0.3 else []
            ):
                rate = pupil.rates[subject]
                if pupil.story == RATE_DROP and day >= drop_from:
                    rate = max(0.1, rate - 0.5)
                seconds = 60 * minutes * rng.uniform(0.6, 1.3) / 2
                _drill_session(drill, rng, pupil, day, subject, seconds, rate)
        if pupil.story is not None or ctx.scale == "small":
            _monthly_tests(ctx, webtest, rng, pupil)
    drill.flush()
    webtest.flush()
    return drill.posted + webtest.posted


def _monthly_tests(ctx: DemoContext, webtest: Poster, rng: random.Random, pupil: Pupil) -> None:
    """One online test a month in the first subject (the story class: the last two months only on tiny;
    other pupils on ``small``: once a term)."""
    first = ctx.school_year.start_date if ctx.scale == "small" else ctx.today - dt.timedelta(days=60)
    day = dt.date(first.year, first.month, 20)
    while day < ctx.today:
        termly = pupil.story is None and day.month not in TERM_TEST_MONTHS
        if day >= first and day >= ctx.school_year.start_date and not termly:
            subject = DRILLS[pupil.stage][0]
            rate = pupil.rates[subject]
            if pupil.story == RATE_DROP and day >= ctx.today - dt.timedelta(days=DROP_DAYS):
                rate = max(0.1, rate - 0.5)
            _online_test(webtest, rng, pupil, day, subject, rate)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 20)


def _survey(ctx: DemoContext, rng: random.Random, pupils: list[Pupil]) -> int:
    """さくら小's 学力経年調査 of this April and last April (国語・算数, points per 観点), imported by the
    principal through the import service; returns the results written."""
    from tsunagu.accounts.models import User
    from tsunagu.learning_summaries.imports import test_results_commit

    school = ctx.schools.get("sakura")
    principal = User.objects.filter(username="principal").first()
    if school is None or principal is None:
        return 0
    rates = {p.uuid: p for p in pupils}
    with system_scope(reason="demo: pupils of さくら小 for the 学力経年調査"):
        enrolments = list(
            Enrolment.objects.filter(
                school=school,
                school_year__in=[ctx.school_year, ctx.previous_year],
                grade_level__code__in=["P3", "P4", "P5", "P6"],
            ).values_list("student__uuid", "school_year_id", "start_date")
        )
    lines = [
        "種別,テスト名,実施日,児童生徒ID,教科,得点,満点,知識・技能,思考・判断・表現,主体的に学習に取り組む態度"
    ]
    for year in (ctx.previous_year, ctx.school_year):
        day = dt.date(year.year, 4, 20)
        if day >= ctx.today:
            continue
        for pupil_uuid, year_id, start in enrolments:
            pupil = rates.get(pupil_uuid)
            if year_id != year.pk or pupil is None or start > day:
                continue
            for subject, key in (("国語", "国語"), ("算数", "算数")):
                growth = 0.04 if year == ctx.school_year else 0.0
                score = round(
                    min(100, max(0, 100 * (pupil.rates.get(key, 0.7) + growth + rng.uniform(-0.1, 0.1))))
                )
                knowledge = round(score * 0.5)
                thinking = round(score * 0.3)
                lines.append(
                    f"学力経年調査,{year.year}年度 学力経年調査,{day.isoformat()},{pupil_uuid},{subject},"
                    f"{score},100,{knowledge},{thinking},{score - knowledge - thinking}"
                )
    if len(lines) == 1:
        return 0
    plan, record = test_results_commit(
        actor=principal, school=school, data=("\n".join(lines) + "\n").encode(), file_name="学力経年調査.csv"
    )
    if not plan.ok:
        raise RuntimeError(f"demo survey import refused: {plan.problems[:3]}")
    return record.changed if record else 0


@demo_step(order=85)
def learning_year(ctx: DemoContext) -> None:
    """Post the learning apps' statements and import the 学力経年調査 (module docstring)."""
    started, cpu = time.perf_counter(), time.process_time()
    rng = random.Random(ctx.seed * 104729 + 85)  # noqa: S311 - demo data, not secrets
    pupils, _room = _pupils(ctx, rng)
    posted = _post_year(ctx, rng, pupils)
    written = _survey(ctx, rng, pupils)
    logger.info(
        "learning summaries demo: %d statements posted, %d survey results imported in %.1f s (CPU %.1f s)",
        posted,
        written,
        time.perf_counter() - started,
        time.process_time() - cpu,
    )
