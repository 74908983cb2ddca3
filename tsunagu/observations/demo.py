"""Demo data of いいところ and 共有TOPIC.

いいところ: notes through the school year so far (and some of last year) in every class, mostly by the
class teacher, now and then by the nurse or the principal; some classes write many more than others,
about a third of the notes are shared with home. In さくら小 4年1組 (the cast teacher's class) two pupils
have no note at all — the pupils who are often away — so that the class overview and the home card
show the teacher whom nobody has praised yet. The cast pupil (``student``) has recent notes shared
with home, which the ``guardian`` sees.

共有TOPIC in 4年1組 (issue 7 §6), on the pupils of the attendance and health stories:

* the pupil whose absences rise through the year (attendance story ``approaching``): early in July
  the guardian writes that the grandmother is in hospital (家庭, from home, read by the teacher); in
  September the teacher notes, as a sensitive 家庭 topic for the nurse and counsellor, that the pupil
  has been absent more often since; a week ago the guardian wrote again (not read yet: it waits on
  the teacher's home card);
* the pupil whose mood declines (health story ``declining``): a 生活 topic about trouble with friends;
* the pupil with morning stomach aches and the one unwell on Mondays: the nurse's 生活 topics;
* 学習 topics (a unit test finished in time, the science experiment).

The parent of the ``approaching`` pupil gets a guardian login (``guardian_4_1``, no usable password) so
that the note from home has a real author. Rows are written in bulk (no change history, they were
never changed); the ``city`` ward gets notes at the cast's three schools only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from tsunagu.accounts.models import Role, RoleAssignment, User
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Tag, Visibility
from tsunagu.observations.phrases import PHRASES
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment, GuardianLink

BATCH = 2000
#: Notes per pupil over a whole year, per class (some classes write much more than others).
CLASS_RATES = [2, 4, 6, 10]
EXTRA_TEXTS = {
    Tag.LEARNING: [
        "25mをクロールで泳げるようになった",
        "リコーダーを何度も練習して上手にふけるようになった",
        "漢字テストで前回より点数が上がった",
        "理科の実験で結果を分かりやすくまとめた",
        "音読を大きな声ではっきりできた",
    ],
    Tag.LIFE: [
        "先生に元気にあいさつしていた",
        "給食当番をてきぱきとこなした",
        "落とし物を届けてくれた",
        "下級生にやさしく声をかけていた",
        "休み時間に友だちをあそびにさそっていた",
    ],
}


def _days(ctx: DemoContext, school_ids: list[int]) -> dict[int, list[dt.date]]:
    """Instructional days of this school year up to today per school (weekdays where none are listed)."""
    days: dict[int, list[dt.date]] = defaultdict(list)
    rows = SchoolDay.objects.filter(
        school_id__in=school_ids,
        kind=DayKind.INSTRUCTIONAL,
        date__gte=ctx.school_year.start_date,
        date__lte=ctx.today,
    ).values_list("school_id", "date")
    for school_id, day in rows:
        days[school_id].append(day)
    return days


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [
        start + dt.timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + dt.timedelta(days=n)).weekday() < 5
    ]


def _authors(ctx: DemoContext, year: Any) -> tuple[dict[int, int], dict[int, list[int]]]:
    """The class teacher of each homeroom, and the nurse and principal of each school, for ``year``."""
    teachers: dict[int, int] = {}
    others: dict[int, list[int]] = defaultdict(list)
    for a in RoleAssignment.objects.filter(
        school_year=year, role__in=["homeroom_teacher", "nurse", "principal"]
    ).order_by("role", "pk"):
        if a.role == "homeroom_teacher" and a.homeroom_id:
            teachers.setdefault(a.homeroom_id, a.user_id)
        elif a.school_id:
            others[a.school_id].append(a.user_id)
    return teachers, others


def _text(rng: random.Random, tag: Tag) -> str:
    return rng.choice(PHRASES[tag] + EXTRA_TEXTS[tag])


def _story_room(ctx: DemoContext) -> Homeroom | None:
    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return None
    return Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()


def _candidates(enrolments: list[Enrolment], room: Homeroom) -> list[Enrolment]:
    """Pupils of 4年1組 as the attendance and health demos pick them (by roll number; not the cast pupil,
    not under 住所秘匿): index 1 Mondays, 4 withdrawing, 5 approaching 30 days, 6 support centre (出欠);
    0 stomach aches, 1 Mondays, 2 declining mood, 3 always 晴れ (保健)."""
    return [
        e
        for e in sorted(enrolments, key=lambda e: (e.roll_number or 0, e.student_id))
        if e.homeroom_id == room.pk and e.student.user_id is None and not e.student.address_protected
    ]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@demo_step(order=60)
def observations(ctx: DemoContext) -> None:
    """いいところ of every class and the topics of 4年1組 (see the module docstring)."""
    rng = random.Random(ctx.seed * 31 + 60)  # noqa: S311 - demo data, not secrets
    schools = ctx.detailed_schools()
    if not schools:
        return
    school_ids = [s.pk for s in schools]
    room = _story_room(ctx)
    points: list[GoodPoint] = []
    no_notes: set[int] = set()
    candidates: list[Enrolment] = []

    for year, last_day in ((ctx.previous_year, ctx.previous_year.end_date), (ctx.school_year, ctx.today)):
        enrolments = list(
            Enrolment.objects.filter(school_year=year, homeroom__isnull=False, school_id__in=school_ids)
            .select_related("student__user")
            .order_by("homeroom_id", "roll_number", "student_id")
        )
        if year == ctx.school_year and room is not None:
            candidates = _candidates(enrolments, room)
            no_notes = {candidates[i].student_id for i in (4, 6, 9) if i < len(candidates)}
        teachers, others = _authors(ctx, year)
        days = _days(ctx, school_ids) if year == ctx.school_year else {}
        fallback = _weekdays(year.start_date, min(last_day, ctx.today))
        span = max((year.end_date - year.start_date).days, 1)
        share_of_year = min(1.0, (min(last_day, ctx.today) - year.start_date).days / span)
        rates: dict[int, int] = {}
        for e in enrolments:
            if e.student_id in no_notes and year == ctx.school_year:
                continue
            if e.homeroom_id not in rates:
                rates[e.homeroom_id] = rng.choice(CLASS_RATES)
            author = teachers.get(e.homeroom_id) or next(iter(others.get(e.school_id, [])), None)
            if author is None:
                continue
            open_days = [
                d
                for d in days.get(e.school_id) or fallback
                if d >= e.start_date and (e.end_date is None or d <= e.end_date)
            ]
            if not open_days:
                continue
            expected = rates[e.homeroom_id] * share_of_year * (0.5 if year != ctx.school_year else 1.0)
            count = max(0, round(rng.gauss(expected, expected / 3)))
            is_cast = e.student.user_id is not None and e.student.user.username == "student"
            for _ in range(count):
                tag = rng.choice([Tag.LEARNING, Tag.LIFE])
                writer = author
                if others.get(e.school_id) and rng.random() < 0.15:
                    writer = rng.choice(others[e.school_id])
                points.append(
                    GoodPoint(
                        student_id=e.student_id,
                        school_id=e.school_id,
                        school_year=year,
                        date=rng.choice(open_days),
                        tag=tag,
                        text=_text(rng, tag),
                        shared_with_home=rng.random() < 0.33,
                        author_id=writer,
                    )
                )
            if is_cast and year == ctx.school_year:
                # Recent notes shared with home: the guardian's home card has news.
                for days_ago, tag, text in (
                    (2, Tag.LEARNING, "算数の発表で、図を使って分かりやすく説明していた"),
                    (6, Tag.LIFE, "困っている友だちに声をかけて手伝っていた"),
                ):
                    day = next(
                        (
                            d
                            for d in sorted(open_days, reverse=True)
                            if d <= ctx.today - dt.timedelta(days=days_ago)
                        ),
                        None,
                    )
                    if day is not None:
                        points.append(
                            GoodPoint(
                                student_id=e.student_id,
                                school_id=e.school_id,
                                school_year=year,
                                date=day,
                                tag=tag,
                                text=text,
                                shared_with_home=True,
                                author_id=author,
                            )
                        )
    GoodPoint.objects.bulk_create(points, batch_size=BATCH)
    if room is not None and candidates:
        _story_topics(ctx, room, candidates)


def _guardian_user(enrolment: Enrolment, year: Any) -> int | None:
    """A login for the primary guardian of the story pupil (created once; no usable password)."""
    link = (
        GuardianLink.objects.filter(
            student_id=enrolment.student_id, has_custody=True, contact_restricted=False
        )
        .select_related("guardian")
        .order_by("-is_primary_contact", "pk")
        .first()
    )
    if link is None:
        return None
    guardian = link.guardian
    if guardian.user_id is None:
        user = User(
            username="guardian_4_1",
            display_name=guardian.full_name,
            email="guardian_4_1@demo.tsunagu.invalid",
        )
        user.set_unusable_password()
        user.save()
        guardian.user = user
        guardian.save(update_fields=["user"])
        RoleAssignment.objects.create(user=user, role=Role.GUARDIAN, school_year=year)
    return guardian.user_id


def _story_topics(ctx: DemoContext, room: Homeroom, candidates: list[Enrolment]) -> None:
    """The 共有TOPIC of 4年1組 (see the module docstring)."""
    teacher = (
        RoleAssignment.objects.filter(role="homeroom_teacher", homeroom=room)
        .values_list("user_id", flat=True)
        .first()
    )
    nurse = (
        RoleAssignment.objects.filter(role="nurse", school=room.school_id, school_year=ctx.school_year)
        .values_list("user_id", flat=True)
        .first()
    )
    if teacher is None:
        return
    start, today = ctx.school_year.start_date, ctx.today

    def on(days_after_start: int) -> dt.date:
        return min(start + dt.timedelta(days=days_after_start), today)

    topics: list[SharedTopic] = []

    def add(index: int, day: dt.date, area: str, text: str, **fields: Any) -> None:
        if index >= len(candidates):
            return
        e = candidates[index]
        fields.setdefault("author_id", teacher)
        fields.setdefault("visibility", Visibility.TEACHERS)
        topics.append(
            SharedTopic(
                student_id=e.student_id,
                school_id=room.school_id,
                school_year=ctx.school_year,
                date=day,
                area=area,
                text=text,
                **fields,
            )
        )

    # The pupil whose absences rise since a change at home.
    if len(candidates) > 5:
        parent = _guardian_user(candidates[5], ctx.school_year)
        if parent is not None:
            first = on(89)  # end of June
            add(
                5,
                first,
                Area.HOME,
                "先週から祖母が入院しています。母が付き添いで朝早く家を出るため、朝の支度を一人ですることが増えました。"
                "しばらく遅刻や欠席が増えるかもしれません。",
                source=Source.GUARDIAN,
                author_id=parent,
                visibility=Visibility.GUARDIANS,
                acknowledged_at=_at(first + dt.timedelta(days=1), 8),
                acknowledged_by_id=teacher,
            )
            add(
                5,
                today - dt.timedelta(days=min(7, (today - start).days)),
                Area.HOME,
                "祖母の退院が延びることになりました。朝なかなか起きられない日があり、本人も気にしています。",
                source=Source.GUARDIAN,
                author_id=parent,
                visibility=Visibility.GUARDIANS,
            )
        add(
            5,
            on(166),  # mid-September
            Area.HOME,
            "家庭環境の変化（祖母の入院）から1学期末より休みがち。2学期に入り欠席が増えている。"
            "本人は学校では落ち着いて過ごしている。保護者と連絡を取り合い、様子を見守る。",
            visibility=Visibility.CARE,
            sensitive=True,
        )
    add(
        2,
        today - dt.timedelta(days=min(10, (today - start).days)),
        Area.LIFE,
        "休み時間に仲の良かった友だちと口をきかなくなっている。本人に聞くと「けんかした」とのこと。"
        "双方から話を聞き、しばらく様子を見る。",
        visibility=Visibility.CARE,
    )
    if nurse is not None:
        add(
            0,
            on(200),
            Area.LIFE,
            "午前中は腹痛を訴える傾向があります。",
            author_id=nurse,
            visibility=Visibility.CARE,
        )
        add(
            1,
            on(205),
            Area.LIFE,
            "毎週月曜日は体調不良を訴える傾向があります。",
            author_id=nurse,
            visibility=Visibility.CARE,
        )
    add(
        3,
        on(190),
        Area.LEARNING,
        "単元7の練習問題を時間内に全て終えることができた。",
        visibility=Visibility.GUARDIANS,
    )
    add(1, on(120), Area.LEARNING, "理科の実験に積極的に参加し、班の記録係を進んで引き受けた。")
    SharedTopic.objects.bulk_create(topics, batch_size=BATCH)
