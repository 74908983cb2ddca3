"""Reads of いいところ and 共有TOPIC. Every selector takes the ``actor`` and narrows with ``visible_to``.

``good_points_for`` (the grades app offers them when a teacher writes 所見) and ``topics_for`` (the
karte) are the public entry points for other apps. Pages are built with a fixed number of queries
whatever the number of pupils or notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from tsunagu.core.policy import registry
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Tag
from tsunagu.org.models import Homeroom, SchoolYear
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on, search_filter

#: A pupil with fewer notes than this in the school year is flagged on the class overview.
FEW_NOTES = 2
#: How far back the guardian's home card and the "new" marks look.
RECENT_DAYS = 14


def _today() -> dt.date:
    return timezone.localdate()


# --- public selectors for other apps ----------------------------------------------------------------


def good_points_for(
    *, actor: Any, student: Student, school_year: SchoolYear | int | None = None, tag: str | None = None
) -> list[GoodPoint]:
    """The pupil's いいところ that ``actor`` may read, newest first (of ``school_year`` if given).

    The grades app calls this to offer notes when a teacher writes 所見; the karte to show them.
    """
    points = GoodPoint.objects.visible_to(actor, "view").filter(student=student)
    if school_year is not None:
        points = points.filter(school_year=school_year)
    if tag:
        points = points.filter(tag=tag)
    return list(points.select_related("author", "school_year").order_by("-date", "-created_at", "-id"))


def topics_for(
    *,
    actor: Any,
    student: Student,
    area: str | None = None,
    school_year: SchoolYear | int | None = None,
    since: dt.date | None = None,
) -> list[SharedTopic]:
    """The pupil's 共有TOPIC that ``actor`` may read, newest first, optionally of one area, one school
    year, or from ``since``. Sensitive topics are class I: the caller logs their reads
    (:func:`class_i_topics`)."""
    topics = SharedTopic.objects.visible_to(actor, "view").filter(student=student)
    if area:
        topics = topics.filter(area=area)
    if school_year is not None:
        topics = topics.filter(school_year=school_year)
    if since is not None:
        topics = topics.filter(date__gte=since)
    return list(topics.select_related("author", "acknowledged_by").order_by("-date", "-created_at", "-id"))


def class_i_topics(topics: list[SharedTopic]) -> list[SharedTopic]:
    """The sensitive (class I) topics among ``topics``: their reads go to the access log."""
    return [t for t in topics if t.sensitive]


# --- the pupil's page ---------------------------------------------------------------------------------


@dataclass
class YearCount:
    """いいところ of one school year: total and per tag."""

    school_year: SchoolYear
    total: int = 0
    learning: int = 0
    life: int = 0


@dataclass
class PupilObservations:
    """What the pupil's observations page shows to ``actor``."""

    student: Student
    enrolment: Enrolment | None
    good_points: list[GoodPoint]
    year_counts: list[YearCount]
    topics: list[SharedTopic]
    area: str
    may_add_good_point: bool
    may_add_topic: bool
    may_read_topics: bool
    may_view_history: bool = False
    changeable_topic_ids: set[int] = field(default_factory=set)

    @property
    def this_year(self) -> YearCount | None:
        return self.year_counts[0] if self.year_counts else None


def good_point_year_counts(*, actor: Any, student: Student) -> list[YearCount]:
    """Counts of the pupil's いいところ per school year and tag, latest year first (one query)."""
    rows = (
        GoodPoint.objects.visible_to(actor, "view")
        .filter(student=student)
        .values("school_year")
        .annotate(
            total=Count("id"),
            learning=Count("id", filter=Q(tag=Tag.LEARNING)),
            life=Count("id", filter=Q(tag=Tag.LIFE)),
        )
        .order_by()
    )
    by_year = {r["school_year"]: r for r in rows}
    years = SchoolYear.objects.filter(pk__in=list(by_year)).order_by("-year")
    return [
        YearCount(
            school_year=y,
            total=by_year[y.pk]["total"],
            learning=by_year[y.pk]["learning"],
            life=by_year[y.pk]["life"],
        )
        for y in years
    ]


def current_enrolment(*, actor: Any, student: Student, day: dt.date | None = None) -> Enrolment | None:
    """The pupil's enrolment today as ``actor`` sees it (school, class)."""
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day or _today()), student=student)
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
        .order_by("-start_date")
        .first()
    )


def pupil_observations_get(*, actor: Any, student: Student, area: str = "") -> PupilObservations:
    """The pupil's いいところ of this school year with counts for every year, and the topics timeline
    (of one area when ``area`` is given), as ``actor`` may see them."""
    enrolment = current_enrolment(actor=actor, student=student)
    year = enrolment.school_year if enrolment else None
    area = area if area in Area.values else ""
    may_read_topics = registry.allows_any(actor, SharedTopic, "view")
    topics = topics_for(actor=actor, student=student, area=area or None) if may_read_topics else []
    changeable: set[int] = set()
    if topics and registry.allows_any(actor, SharedTopic, "change"):
        changeable = set(
            SharedTopic.objects.visible_to(actor, "change")
            .filter(pk__in=[t.pk for t in topics])
            .values_list("pk", flat=True)
        )
    teaches = Student.objects.filter(pk=student.pk).visible_to(actor, "add_topic").exists()
    return PupilObservations(
        student=student,
        enrolment=enrolment,
        good_points=good_points_for(actor=actor, student=student, school_year=year) if year else [],
        year_counts=good_point_year_counts(actor=actor, student=student),
        topics=topics,
        area=area,
        may_add_good_point=enrolment is not None and teaches and registry.allows_any(actor, GoodPoint, "add"),
        may_add_topic=enrolment is not None and teaches,
        may_read_topics=may_read_topics,
        may_view_history=registry.allows_any(actor, SharedTopic, "view_history"),
        changeable_topic_ids=changeable,
    )


def topic_history(*, actor: Any, topic: SharedTopic) -> list[Any]:
    """Every version of ``topic``, newest first; the caller has fetched it through ``visible_to``."""
    history_model = SharedTopic.history.model
    return list(
        history_model.objects.filter(id=topic.pk).select_related("history_user").order_by("-history_date")
    )


# --- the class overview ------------------------------------------------------------------------------


@dataclass
class ClassLine:
    """One pupil of the class overview."""

    student: Student
    roll_number: int | None
    year_total: int = 0
    month_total: int = 0
    learning: int = 0
    life: int = 0
    last_good_point: dt.date | None = None
    topics: int = 0
    last_topic: dt.date | None = None

    @property
    def few(self) -> bool:
        """Fewer than :data:`FEW_NOTES` notes this year: someone should look for this pupil's strengths."""
        return self.year_total < FEW_NOTES


@dataclass
class ClassOverview:
    """いいところ and topics per pupil of one homeroom this school year."""

    homeroom: Homeroom
    day: dt.date
    lines: list[ClassLine]

    @property
    def few(self) -> list[ClassLine]:
        return [line for line in self.lines if line.few]

    @property
    def none_this_month(self) -> list[ClassLine]:
        return [line for line in self.lines if line.month_total == 0]

    @property
    def total(self) -> int:
        return sum(line.year_total for line in self.lines)


def class_pupils(*, actor: Any, homeroom: Homeroom, day: dt.date) -> list[tuple[Student, int | None]]:
    """Pupils of ``homeroom`` on ``day`` that ``actor`` may view, by roll number (one query)."""
    visible = Student.objects.visible_to(actor, "view").values("pk")
    enrolments = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom, student__in=visible)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana", "student__given_name_kana")
    )
    return [(e.student, e.roll_number) for e in enrolments]


def class_overview_get(*, actor: Any, homeroom: Homeroom, day: dt.date | None = None) -> ClassOverview:
    """Per pupil of the class: いいところ this school year (total, per tag, this month, the last date)
    and topics this year (count, last date). Three queries whatever the size of the class."""
    day = day or _today()
    pupils = class_pupils(actor=actor, homeroom=homeroom, day=day)
    lines = {s.pk: ClassLine(student=s, roll_number=n) for s, n in pupils}
    month_start = day.replace(day=1)
    points = (
        GoodPoint.objects.visible_to(actor, "view")
        .filter(student_id__in=list(lines), school_year=homeroom.school_year_id)
        .values("student_id")
        .annotate(
            total=Count("id"),
            learning=Count("id", filter=Q(tag=Tag.LEARNING)),
            life=Count("id", filter=Q(tag=Tag.LIFE)),
            month=Count("id", filter=Q(date__gte=month_start)),
            last=Max("date"),
        )
        .order_by()
    )
    for row in points:
        line = lines[row["student_id"]]
        line.year_total, line.learning, line.life = row["total"], row["learning"], row["life"]
        line.month_total, line.last_good_point = row["month"], row["last"]
    if registry.allows_any(actor, SharedTopic, "view"):
        topics = (
            SharedTopic.objects.visible_to(actor, "view")
            .filter(student_id__in=list(lines), school_year=homeroom.school_year_id)
            .values("student_id")
            .annotate(n=Count("id"), last=Max("date"))
            .order_by()
        )
        for row in topics:
            lines[row["student_id"]].topics, lines[row["student_id"]].last_topic = row["n"], row["last"]
    return ClassOverview(homeroom=homeroom, day=day, lines=list(lines.values()))


# --- the quick entry ---------------------------------------------------------------------------------


def entry_homerooms(*, actor: Any, day: dt.date | None = None) -> list[Homeroom]:
    """This year's homerooms whose pupils ``actor`` may pick on the quick entry: their own class first,
    then the classes they teach or oversee, in grade and class order."""
    day = day or _today()
    rooms = list(
        Homeroom.objects.visible_to(actor, "view")
        .filter(school_year__start_date__lte=day, school_year__end_date__gte=day)
        .select_related("grade_level", "school")
        .order_by("school", "grade_level__order", "is_special_needs", "order")
    )
    from tsunagu.accounts.selectors import actor_assignments

    own = {a.homeroom_id for a in actor_assignments(actor) if a.role == "homeroom_teacher"}
    return sorted(rooms, key=lambda h: h.pk not in own)


def pickable_pupils(
    *, actor: Any, homeroom: Homeroom | None = None, query: str = "", limit: int = 60
) -> list[tuple[Student, Enrolment]]:
    """Pupils enrolled today that ``actor`` teaches and may write いいところ about: those of ``homeroom``,
    or those whose name or reading contains ``query`` (width- and kana-insensitive), at most ``limit``."""
    if homeroom is None and not query.strip():
        return []
    visible = Student.objects.visible_to(actor, "add_topic").values("pk")
    enrolments = Enrolment.objects.visible_to(actor, "view").filter(
        enrolled_on(_today()), student__in=visible
    )
    if homeroom is not None and not query.strip():
        enrolments = enrolments.filter(homeroom=homeroom)
    else:
        enrolments = enrolments.filter(search_filter(query, "student__"))
    rows = enrolments.select_related("student", "homeroom__grade_level", "grade_level").order_by(
        "grade_level__order", "homeroom__order", "roll_number", "student__family_name_kana"
    )[:limit]
    return [(e.student, e) for e in rows]


def my_recent_good_points(*, actor: Any, limit: int = 10) -> list[GoodPoint]:
    """The notes ``actor`` wrote lately, newest first."""
    return list(
        GoodPoint.objects.visible_to(actor, "view")
        .filter(author=actor)
        .select_related("student")
        .order_by("-created_at", "-date", "-id")[:limit]
    )


def deletable_ids(*, actor: Any, points: list[GoodPoint]) -> set[int]:
    """Which of ``points`` the actor may still take back (their own, this school year)."""
    if not points or not registry.allows_any(actor, GoodPoint, "delete"):
        return set()
    rows = GoodPoint.objects.visible_to(actor, "delete").filter(pk__in=[p.pk for p in points])
    return set(rows.values_list("pk", flat=True))


def my_count_on(*, actor: Any, day: dt.date) -> int:
    """How many notes ``actor`` wrote for ``day``."""
    return GoodPoint.objects.visible_to(actor, "view").filter(author=actor, date=day).count()


# --- home pages ----------------------------------------------------------------------------------------


def home_notes_waiting(*, actor: Any) -> list[SharedTopic]:
    """家庭のようす notes from guardians that the homeroom teacher has not read yet, oldest first."""
    return list(
        SharedTopic.objects.visible_to(actor, "acknowledge")
        .filter(source=Source.GUARDIAN, acknowledged_at__isnull=True)
        .select_related("student", "author")
        .order_by("created_at")[:50]
    )


@dataclass
class ChildNews:
    """What is new about one child for a guardian: notes shared with home, topics for the family."""

    student: Student
    good_points: list[GoodPoint] = field(default_factory=list)
    topics: list[SharedTopic] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.good_points) + len(self.topics)


def guardian_news(*, actor: Any, since: dt.date | None = None) -> list[ChildNews]:
    """Per child: いいところ shared with home and staff topics for the family since ``since`` (the last
    :data:`RECENT_DAYS` days). Three queries."""
    since = since or _today() - dt.timedelta(days=RECENT_DAYS)
    children = list(Student.objects.visible_to(actor, "send_home_note").order_by("birth_date"))
    news = {c.pk: ChildNews(student=c) for c in children}
    points: QuerySet[GoodPoint] = (
        GoodPoint.objects.visible_to(actor, "view")
        .filter(student_id__in=list(news), date__gte=since)
        .order_by("-date", "-id")
    )
    for p in points:
        news[p.student_id].good_points.append(p)
    topics = (
        SharedTopic.objects.visible_to(actor, "view")
        .filter(student_id__in=list(news), date__gte=since, source=Source.STAFF)
        .order_by("-date", "-id")
    )
    for t in topics:
        news[t.student_id].topics.append(t)
    return list(news.values())


def teacher_card_get(*, actor: Any, homerooms: list[Homeroom], day: dt.date | None = None) -> dict[str, Any]:
    """The teacher's home card: notes written today, per own class the pupils without a note this month,
    and guardians' notes waiting to be read."""
    day = day or _today()
    overviews = [class_overview_get(actor=actor, homeroom=h, day=day) for h in homerooms]
    return {
        "today_count": my_count_on(actor=actor, day=day),
        "overviews": overviews,
        "waiting": home_notes_waiting(actor=actor),
    }
