"""The observations pages with the demo ward's cast: the quick entry, the pupil's page with its access
log, the class overview, topics with their history, the guardian's note from home and the home cards."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.observations import services
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Tag, Visibility

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"observations:{name}", args=args)


def text_of(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_teacher_enters_a_good_point_in_one_post(places: Any, client_as: Any) -> None:
    client = client_as("teacher")
    page = client.get(url("good_point_new"))
    assert page.status_code == 200
    body = page.content.decode()
    assert places.classmate.full_name in body and places.own_child.full_name in body
    assert places.other_class_pupil.full_name not in body
    response = client.post(
        url("good_point_new"),
        {
            "homeroom": str(places.homeroom.uuid),
            "student": str(places.classmate.uuid),
            "tag": Tag.LEARNING,
            "text": "進んで発表した",
            "shared_with_home": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?homeroom={places.homeroom.uuid}")
    with system_scope(reason="test reads the note"):
        point = GoodPoint.objects.filter(student=places.classmate).order_by("-id").first()
    assert point is not None and point.text == "進んで発表した" and point.shared_with_home
    after = client.get(response["Location"])
    assert "保存しました" in text_of(after) and "進んで発表した" in text_of(after)


def test_a_note_without_text_is_refused_in_japanese(places: Any, client_as: Any) -> None:
    with system_scope(reason="test counts notes"):
        before = GoodPoint.objects.count()
    response = client_as("teacher").post(
        url("good_point_new"), {"student": str(places.classmate.uuid), "tag": Tag.LIFE, "text": ""}
    )
    assert response.status_code == 200
    assert "気づいたことを書いてください" in text_of(response)
    with system_scope(reason="test counts notes"):
        assert GoodPoint.objects.count() == before


def test_a_note_about_a_pupil_out_of_scope_is_404(places: Any, client_as: Any) -> None:
    response = client_as("teacher").post(
        url("good_point_new"), {"student": str(places.other_school_pupil.uuid), "tag": Tag.LIFE, "text": "x"}
    )
    assert response.status_code == 404


def test_search_by_half_width_kana(places: Any, client_as: Any) -> None:
    import jaconv

    query = jaconv.z2h(jaconv.hira2kata(places.classmate.given_name_kana), kana=True)
    page = client_as("teacher").get(url("good_point_new"), {"q": query})
    assert places.classmate.full_name in page.content.decode()


def test_reading_a_sensitive_topic_is_logged(places: Any, client_as: Any, user: Any) -> None:
    plain = services.topic_create(
        actor=user("teacher"), student=places.classmate, area=Area.LIFE, text="ふつう"
    )
    secret = services.topic_create(
        actor=user("teacher"),
        student=places.classmate,
        area=Area.HOME,
        text="家庭の事情で休みがち",
        visibility=Visibility.CARE,
        sensitive=True,
    )
    response = client_as("nurse").get(url("pupil", places.classmate.uuid))
    body = text_of(response)
    assert "家庭の事情で休みがち" in body and "ふつう" not in body  # level (a) is not the nurse's
    logged = AccessLog.objects.filter(actor_username="nurse", object_uuid=secret.uuid)
    assert logged.count() == 1
    assert not AccessLog.objects.filter(object_uuid=plain.uuid).exists()
    only_life = client_as("teacher").get(url("pupil", places.classmate.uuid), {"area": "life"})
    assert "ふつう" in text_of(only_life) and "家庭の事情で休みがち" not in text_of(only_life)


def test_the_guardian_sees_only_what_is_shared_with_home(places: Any, client_as: Any, user: Any) -> None:
    teacher = user("teacher")
    services.good_point_create(
        actor=teacher,
        student=places.own_child,
        tag=Tag.LIFE,
        text="家庭にも共有したよいところ",
        shared_with_home=True,
    )
    services.good_point_create(actor=teacher, student=places.own_child, tag=Tag.LIFE, text="校内だけのメモ")
    services.topic_create(
        actor=teacher,
        student=places.own_child,
        area=Area.LEARNING,
        text="家庭向けの話題",
        visibility=Visibility.GUARDIANS,
    )
    services.topic_create(actor=teacher, student=places.own_child, area=Area.LIFE, text="職員だけの話題")
    for name in ("guardian", "student"):
        body = text_of(client_as(name).get(url("pupil", places.own_child.uuid)))
        assert "家庭にも共有したよいところ" in body
        assert "校内だけのメモ" not in body and "職員だけの話題" not in body
    assert "家庭向けの話題" in text_of(client_as("guardian").get(url("pupil", places.own_child.uuid)))
    assert "家庭向けの話題" not in text_of(client_as("student").get(url("pupil", places.own_child.uuid)))
    home = text_of(client_as("guardian").get("/"))
    assert "家庭にも共有したよいところ" in home


def test_a_note_from_home_reaches_the_teachers_home_page(places: Any, client_as: Any) -> None:
    guardian = client_as("guardian")
    form = guardian.get(url("home_note_new"))
    assert places.own_child.full_name in form.content.decode()
    response = guardian.post(
        url("home_note_new"), {"student": str(places.own_child.uuid), "text": "昨夜から咳が出ています"}
    )
    assert response.status_code == 302
    with system_scope(reason="test finds the note"):
        note = SharedTopic.objects.filter(student=places.own_child).latest("pk")  # text is encrypted
    assert note.text == "昨夜から咳が出ています"
    assert note.source == Source.GUARDIAN and note.area == Area.HOME
    teacher = client_as("teacher")
    assert "昨夜から咳が出ています" in text_of(teacher.get("/"))
    teacher.post(url("topic_acknowledge", note.uuid), {"next": "/"})
    assert "昨夜から咳が出ています" not in text_of(teacher.get("/"))
    assert "先生が読みました" in text_of(guardian.get(url("home_note_new")))


def test_a_guardian_cannot_send_about_another_child(places: Any, client_as: Any) -> None:
    response = client_as("guardian").post(
        url("home_note_new"), {"student": str(places.classmate.uuid), "text": "x"}
    )
    assert response.status_code == 200  # the form refuses a child that is not on its list
    with system_scope(reason="test checks nothing was written"):
        assert "x" not in [t.text for t in SharedTopic.objects.filter(student=places.classmate)]


def test_edit_and_history(places: Any, client_as: Any) -> None:
    teacher = client_as("teacher")
    response = teacher.post(
        url("topic_new", places.classmate.uuid),
        {"date": "2026-11-02", "area": "life", "text": "最初", "visibility": "teachers"},
    )
    assert response.status_code == 302
    with system_scope(reason="test finds the topic"):
        topic = SharedTopic.objects.filter(student=places.classmate).latest("pk")
    assert topic.text == "最初"
    response = teacher.post(
        url("topic_edit", topic.uuid),
        {"date": "2026-11-02", "area": "learning", "text": "書き直し", "visibility": "care"},
    )
    assert response.status_code == 302
    history = text_of(client_as("principal").get(url("topic_history", topic.uuid)))
    assert "最初" in history and "書き直し" in history
    refused = teacher.post(
        url("topic_new", places.classmate.uuid),
        {"date": "2026-11-02", "area": "home", "text": "秘密", "visibility": "guardians", "sensitive": "on"},
    )
    assert refused.status_code == 200
    assert "養護教諭とカウンセラーまで" in text_of(refused)


def test_the_class_overview_shows_pupils_without_notes(places: Any, client_as: Any) -> None:
    body = text_of(client_as("teacher").get(url("class_overview", places.homeroom.uuid)))
    assert places.classmate.full_name in body and "少ない" in body


def test_menus_and_home_cards(places: Any, client_as: Any) -> None:
    teacher = client_as("teacher").get("/").content.decode()
    assert url("good_point_new") in teacher and url("class_overview", places.homeroom.uuid) in teacher
    assert "今月まだ" in text_of(client_as("teacher").get("/"))
    guardian = client_as("guardian").get("/").content.decode()
    assert url("home_note_new") in guardian and f'href="{url("good_point_new")}"' not in guardian
    student = client_as("student").get("/").content.decode()
    assert url("pupil", places.own_child.uuid) in student
    office = client_as("office").get("/").content.decode()
    assert 'href="/observations/' not in office


def test_the_pupil_page_takes_the_same_queries_however_many_notes(
    places: Any, client_as: Any, user: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("teacher")
    page = url("pupil", places.classmate.uuid)
    client.get(page)
    with CaptureQueriesContext(connection) as before:
        client.get(page)
    for n in range(5):
        services.good_point_create(actor=user("teacher"), student=places.classmate, tag=Tag.LIFE, text=f"{n}")
        services.topic_create(actor=user("teacher"), student=places.classmate, area=Area.LIFE, text=f"{n}")
    with CaptureQueriesContext(connection) as after:
        client.get(page)
    assert len(after) == len(before)
