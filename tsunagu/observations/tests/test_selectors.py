"""Reads of いいところ and 共有TOPIC: each visibility level reaches exactly its readers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.scope import system_scope
from tsunagu.observations import selectors, services
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Tag, Visibility

pytestmark = pytest.mark.django_db


def _topic(places: Any, user: Any, level: str, *, sensitive: bool = False, pupil: Any = None) -> SharedTopic:
    return services.topic_create(
        actor=user("teacher"),
        student=pupil or places.own_child,
        area=Area.LIFE,
        text=f"level {level}",
        visibility=level,
        sensitive=sensitive,
    )


def _sees(user: Any, username: str, places: Any, topic: SharedTopic) -> bool:
    return topic in selectors.topics_for(actor=user(username), student=topic.student)


def test_each_visibility_level_adds_its_readers(places: Any, user: Any) -> None:
    topics = {level: _topic(places, user, level) for level in Visibility.values}
    readers = {
        level: {
            name
            for name in (
                "teacher",
                "principal",
                "nurse",
                "board",
                "guardian",
                "student",
                "outsider",
                "office",
            )
            if _sees(user, name, places, topic)
        }
        for level, topic in topics.items()
    }
    assert readers[Visibility.TEACHERS] == {"teacher", "principal"}
    assert readers[Visibility.CARE] == {"teacher", "principal", "nurse"}
    # The cast's board member has no case assignment: the board reads no pupil's topics.
    assert readers[Visibility.BOARD] == {"teacher", "principal", "nurse"}
    assert readers[Visibility.GUARDIANS] == {"teacher", "principal", "nurse", "guardian"}


def test_board_staff_read_the_topics_of_a_pupil_assigned_to_them(places: Any, user: Any) -> None:
    board = user("board")
    with system_scope(reason="test assigns a case to the board member"):
        year = places.homeroom.school_year
        mine = RoleAssignment.objects.get(user=board, role="board", school_year=year, student__isnull=True)
        RoleAssignment.objects.create(
            user=board, role="board", board=mine.board, school_year=year, student=places.own_child
        )
    topics = {level: _topic(places, user, level) for level in Visibility.values}
    other = _topic(places, user, Visibility.BOARD, pupil=places.classmate)
    board = user("board")
    seen = set(selectors.topics_for(actor=board, student=places.own_child))
    assert seen == {topics[Visibility.BOARD], topics[Visibility.GUARDIANS]}
    assert selectors.topics_for(actor=board, student=places.classmate) == []
    assert other not in seen


def test_a_sensitive_topic_is_flagged_for_the_access_log(places: Any, user: Any) -> None:
    plain = _topic(places, user, Visibility.CARE)
    secret = _topic(places, user, Visibility.CARE, sensitive=True)
    shown = selectors.topics_for(actor=user("nurse"), student=places.own_child)
    assert selectors.class_i_topics(shown) == [secret]
    assert plain in shown


def test_the_nurse_reads_her_own_topics_whatever_their_level(places: Any, user: Any) -> None:
    topic = services.topic_create(
        actor=user("nurse"),
        student=places.classmate,
        area=Area.LIFE,
        text="保健室で",
        visibility=Visibility.TEACHERS,
    )
    assert topic in selectors.topics_for(actor=user("nurse"), student=places.classmate)


def test_guardians_and_the_pupil_read_only_notes_shared_with_home(places: Any, user: Any) -> None:
    teacher = user("teacher")
    shared = services.good_point_create(
        actor=teacher, student=places.own_child, tag=Tag.LIFE, text="共有", shared_with_home=True
    )
    private = services.good_point_create(actor=teacher, student=places.own_child, tag=Tag.LIFE, text="校内")
    year = places.homeroom.school_year
    for name in ("guardian", "student"):
        seen = selectors.good_points_for(actor=user(name), student=places.own_child, school_year=year)
        assert shared in seen and private not in seen
        assert all(p.shared_with_home for p in seen)
    staff_seen = selectors.good_points_for(actor=user("nurse"), student=places.own_child, school_year=year)
    assert {shared, private} <= set(staff_seen)
    assert selectors.good_points_for(actor=user("outsider"), student=places.own_child) == []
    # Pupils read no shared topics at all.
    _topic(places, user, Visibility.GUARDIANS)
    assert selectors.topics_for(actor=user("student"), student=places.own_child) == []


def test_counts_per_year_and_tag(places: Any, user: Any) -> None:
    with system_scope(reason="test clears the pupil's notes"):
        GoodPoint.objects.filter(student=places.classmate)._raw_delete(using="default")
        GoodPoint.objects.create(
            student=places.classmate,
            school=places.school,
            school_year=places.teachers_last_year_homeroom.school_year,
            date=places.teachers_last_year_homeroom.school_year.start_date,
            tag=Tag.LIFE,
            text="去年",
            author=user("teacher"),
        )
    for tag in (Tag.LEARNING, Tag.LEARNING, Tag.LIFE):
        services.good_point_create(actor=user("teacher"), student=places.classmate, tag=tag, text="今年")
    counts = selectors.good_point_year_counts(actor=user("principal"), student=places.classmate)
    assert [(c.school_year.year, c.total, c.learning, c.life) for c in counts] == [
        (places.homeroom.school_year.year, 3, 2, 1),
        (places.teachers_last_year_homeroom.school_year.year, 1, 0, 1),
    ]
    this_year = selectors.good_points_for(
        actor=user("teacher"), student=places.classmate, school_year=places.homeroom.school_year
    )
    assert len(this_year) == 3


def test_the_class_overview_flags_pupils_with_few_notes_in_fixed_queries(places: Any, user: Any) -> None:
    teacher = user("teacher")
    with system_scope(reason="test clears the class's notes"):
        GoodPoint.objects.filter(
            school_year=places.homeroom.school_year, student__enrolments__homeroom=places.homeroom
        )._raw_delete(using="default")
    for _ in range(selectors.FEW_NOTES):
        services.good_point_create(actor=teacher, student=places.classmate, tag=Tag.LIFE, text="えらい")
    selectors.class_overview_get(actor=teacher, homeroom=places.homeroom)  # warm the role cache
    with CaptureQueriesContext(connection) as queries:
        overview = selectors.class_overview_get(actor=teacher, homeroom=places.homeroom)
    assert len(queries) == 3
    by_pupil = {line.student: line for line in overview.lines}
    assert not by_pupil[places.classmate].few
    assert by_pupil[places.classmate].month_total == selectors.FEW_NOTES
    assert by_pupil[places.own_child].few and by_pupil[places.own_child].year_total == 0
    assert len(overview.few) == len(overview.lines) - 1


def test_the_quick_entry_finds_pupils_by_reading_in_any_width(places: Any, user: Any) -> None:
    teacher = user("teacher")
    kana = places.classmate.family_name_kana
    import jaconv

    half_width_katakana = jaconv.z2h(jaconv.hira2kata(kana), kana=True)
    found = [s for s, _ in selectors.pickable_pupils(actor=teacher, query=half_width_katakana)]
    assert places.classmate in found
    assert all(s != places.other_class_pupil for s in found)
    room = [s for s, _ in selectors.pickable_pupils(actor=teacher, homeroom=places.homeroom)]
    assert places.classmate in room and places.own_child in room
    assert selectors.pickable_pupils(actor=user("outsider"), homeroom=places.homeroom) == []
