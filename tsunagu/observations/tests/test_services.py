"""Writes of いいところ and 共有TOPIC: who may write about whom, validation, history, nothing half-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.core.scope import system_scope
from tsunagu.observations import services
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Tag, Visibility

pytestmark = pytest.mark.django_db


def _count(model: Any) -> int:
    with system_scope(reason="test counts rows"):
        return model.objects.count()


def test_the_class_teacher_records_a_good_point(places: Any, user: Any) -> None:
    teacher = user("teacher")
    point = services.good_point_create(
        actor=teacher,
        student=places.classmate,
        tag=Tag.LEARNING,
        text="  発表をがんばった ",
        shared_with_home=True,
    )
    assert point.text == "発表をがんばった"
    assert point.school == places.school
    assert point.school_year == places.homeroom.school_year
    assert point.date == services.observation_today()
    assert point.author == teacher and point.shared_with_home
    assert point.history.count() == 1


def test_a_subject_teacher_writes_about_a_pupil_they_teach(places: Any, user: Any) -> None:
    point = services.good_point_create(
        actor=user("subject_teacher"), student=places.sibling, tag=Tag.LEARNING, text="証明をていねいに書いた"
    )
    assert point.school == places.junior_high


@pytest.mark.parametrize(
    ("username", "pupil"),
    [
        ("teacher", "other_class_pupil"),
        ("teacher", "other_school_pupil"),
        ("outsider", "classmate"),
        ("subject_teacher", "classmate"),
        ("office", "classmate"),
        ("guardian", "own_child"),
        ("student", "own_child"),
        ("board", "classmate"),
    ],
)
def test_nobody_writes_about_a_pupil_they_do_not_teach(
    places: Any, user: Any, username: str, pupil: str
) -> None:
    before = _count(GoodPoint)
    with pytest.raises(PermissionDenied):
        services.good_point_create(
            actor=user(username), student=getattr(places, pupil), tag=Tag.LIFE, text="x"
        )
    assert _count(GoodPoint) == before


@pytest.mark.parametrize(
    ("tag", "text", "day", "message"),
    [
        ("", "元気", None, "学習 or 生活"),
        ("sports", "元気", None, "学習 or 生活"),
        (Tag.LIFE, "   ", None, "write"),
        (Tag.LIFE, "あ" * 201, None, "200"),
        (Tag.LIFE, "元気", dt.date.today() + dt.timedelta(days=3), "future"),
    ],
)
def test_bad_input_writes_nothing(
    places: Any, user: Any, tag: str, text: str, day: dt.date | None, message: str
) -> None:
    before = _count(GoodPoint)
    with pytest.raises(ValidationError):
        services.good_point_create(
            actor=user("teacher"), student=places.classmate, tag=tag, text=text, day=day
        )
    assert _count(GoodPoint) == before


def test_only_the_author_takes_a_note_back(places: Any, user: Any) -> None:
    point = services.good_point_create(
        actor=user("teacher"), student=places.classmate, tag=Tag.LIFE, text="そうじ"
    )
    with pytest.raises(PermissionDenied):
        services.good_point_delete(actor=user("principal"), good_point=point)
    services.good_point_delete(actor=user("teacher"), good_point=point)
    with system_scope(reason="test checks the removal"):
        assert not GoodPoint.objects.filter(pk=point.pk).exists()
        assert GoodPoint.history.filter(id=point.pk, history_type="-").exists()


def test_a_sensitive_topic_never_goes_beyond_nurse_and_counsellor(places: Any, user: Any) -> None:
    before = _count(SharedTopic)
    for level in (Visibility.BOARD, Visibility.GUARDIANS):
        with pytest.raises(ValidationError):
            services.topic_create(
                actor=user("teacher"),
                student=places.classmate,
                area=Area.HOME,
                text="x",
                visibility=level,
                sensitive=True,
            )
    assert _count(SharedTopic) == before
    topic = services.topic_create(
        actor=user("teacher"),
        student=places.classmate,
        area=Area.HOME,
        text="家庭の事情",
        visibility=Visibility.CARE,
        sensitive=True,
    )
    assert topic.is_class_i and topic.source == Source.STAFF


def test_edits_are_versioned_and_only_the_author_edits(places: Any, user: Any) -> None:
    topic = services.topic_create(
        actor=user("teacher"), student=places.classmate, area=Area.LIFE, text="最初の記録"
    )
    with pytest.raises(PermissionDenied):
        services.topic_update(
            actor=user("principal"),
            topic=topic,
            area=Area.LIFE,
            text="校長が書き換え",
            visibility="teachers",
            sensitive=False,
        )
    services.topic_update(
        actor=user("teacher"),
        topic=topic,
        area=Area.LEARNING,
        text="書き直した記録",
        visibility="care",
        sensitive=False,
    )
    versions = list(topic.history.order_by("history_date").values_list("text", "area"))
    assert versions == [("最初の記録", "life"), ("書き直した記録", "learning")]


def test_a_guardian_sends_a_note_from_home_and_the_teacher_reads_it(places: Any, user: Any) -> None:
    topic = services.home_note_send(
        actor=user("guardian"), student=places.own_child, text="祖母が入院しました"
    )
    assert (topic.area, topic.source, topic.visibility) == (Area.HOME, Source.GUARDIAN, Visibility.GUARDIANS)
    assert topic.school == places.school and topic.acknowledged_at is None
    with pytest.raises(PermissionDenied):
        services.topic_acknowledge(actor=user("principal"), topic=topic)
    services.topic_acknowledge(actor=user("teacher"), topic=topic)
    topic.refresh_from_db()
    assert topic.acknowledged_at is not None and topic.acknowledged_by == user("teacher")


def test_a_guardian_writes_only_about_their_own_children(places: Any, user: Any) -> None:
    before = _count(SharedTopic)
    with pytest.raises(PermissionDenied):
        services.home_note_send(actor=user("guardian"), student=places.classmate, text="x")
    with pytest.raises(PermissionDenied):
        services.home_note_send(actor=user("teacher"), student=places.classmate, text="x")
    with pytest.raises(ValidationError):
        services.home_note_send(actor=user("guardian"), student=places.own_child, text="  ")
    assert _count(SharedTopic) == before
