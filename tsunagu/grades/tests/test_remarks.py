"""所見 and the other texts through the pages the homeroom teacher uses: the class page with every
subject's results, いいところ and attendance at hand; autosave with versions (a stale save is a
conflict showing both texts); the school's character limits; the principal's corrections (decision
0013); the phrase bank; the page without JavaScript."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades import selectors
from tsunagu.grades.models import Phrase, Remark, RemarkKind
from tsunagu.observations.models import GoodPoint
from tsunagu.org.models import Term

pytestmark = pytest.mark.django_db


def save(
    client: Client, room: Any, pupil: Any, kind: str, text: str, version: int, term: int | None = 2
) -> Any:
    return client.post(
        reverse("grades:remark_save", args=[room.uuid]),
        json.dumps(
            {"student": str(pupil.uuid), "term": term, "kind": kind, "text": text, "version": version}
        ),
        content_type="application/json",
    )


def stored(pupil: Any, kind: str = RemarkKind.GENERAL, term: int | None = 2) -> Remark | None:
    with system_scope(reason="test reads back"):
        today = timezone.localdate()
        rows = Remark.objects.filter(
            student=pupil,
            kind=kind,
            subject__isnull=True,
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        )
        rows = rows.filter(term__number=term) if term else rows.filter(term__isnull=True)
        return rows.select_related("updated_by").first()


def test_the_page_shows_everything_at_hand(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    pupil = places.classmate
    with system_scope(reason="test set-up"):
        note = GoodPoint.objects.filter(student=pupil).first()
    response = client_as("teacher").get(
        reverse("grades:remarks", args=[places.homeroom.uuid, 1]) + f"?pupil={pupil.uuid}"
    )
    assert response.status_code == 200
    page = response.context["page"]
    assert page.current.student == pupil
    # Every subject's results of the term, in the subjects' order, with 観点 graded.
    codes = [r.subject.code for r in page.results]
    assert {"JA", "SS", "MA", "SC"} <= set(codes) and any(r.rating for r in page.results)
    assert [b.kind for b in page.boxes] == [
        RemarkKind.GENERAL,
        RemarkKind.MORAL,
        RemarkKind.FOREIGN_LANGUAGE,
        RemarkKind.INTEGRATED_ACTIVITY,
        RemarkKind.INTEGRATED_VIEWPOINT,
        RemarkKind.INTEGRATED_EVALUATION,
    ]
    general = page.boxes[0]
    assert general.limit == 200 and general.text  # term 1 is over: the demo wrote it
    html = response.content.decode()
    assert f"{general.length} / 200" in html and 'data-limit="200"' in html
    if note is not None:
        assert note.text in html
    assert page.attendance is not None and page.attendance.days_instructional > 0
    assert page.phrases[RemarkKind.GENERAL]


def test_autosave_versions_and_a_conflict_shows_both_texts(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    room, pupil = places.homeroom, places.classmate
    teacher, principal = client_as("teacher"), client_as("principal")
    first = save(teacher, room, pupil, RemarkKind.GENERAL, "  係の仕事に進んで取り組みました。\r\n  ", 0)
    assert first.status_code == 200 and first.json() == {"version": 1, "length": 16}
    second = save(teacher, room, pupil, RemarkKind.GENERAL, "係の仕事に責任をもって取り組みました。", 1)
    assert second.json()["version"] == 2
    # The principal corrects it (decision 0013) …
    corrected = save(principal, room, pupil, RemarkKind.GENERAL, "係の仕事に責任をもって取り組みました！", 2)
    assert corrected.status_code == 200
    # … and the teacher's page, still at version 2, gets a conflict with the principal's text.
    stale = save(teacher, room, pupil, RemarkKind.GENERAL, "私の版", 2)
    assert stale.status_code == 409
    assert stale.json()["theirs"] == "係の仕事に責任をもって取り組みました！" and stale.json()["version"] == 3
    remark = stored(pupil)
    assert remark is not None and remark.text.endswith("！") and remark.version == 3
    history = list(remark.history.order_by("history_date").values_list("text", "history_user__username"))
    assert [u for _, u in history] == ["teacher", "teacher", "principal"]
    assert history[0][0] == "係の仕事に進んで取り組みました。"
    # Keeping one's own text after seeing theirs: saved from their version.
    assert save(teacher, room, pupil, RemarkKind.GENERAL, "私の版", 3).status_code == 200


def test_the_limit_is_the_schools_and_is_enforced(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    room, pupil = places.homeroom, places.own_child
    teacher = client_as("teacher")
    long_text = "あ" * 201
    refused = save(teacher, room, pupil, RemarkKind.GENERAL, long_text, 0)
    assert refused.status_code == 400 and "200" in refused.json()["error"]
    assert stored(pupil) is None or stored(pupil).text != long_text  # type: ignore[union-attr]
    # Line breaks do not count.
    assert (
        save(teacher, room, pupil, RemarkKind.GENERAL, "あ" * 100 + "\n" + "い" * 100, 0).status_code == 200
    )
    # The principal raises the school's limit; the teacher's page shows it and the save passes.
    url = reverse("grades:remark_limits", args=[places.school.uuid])
    form = {f"{k}-{p}": "300" for k in [*RemarkKind.values] for p in ("term", "year")}
    assert client_as("principal").post(url, form).status_code == 302
    assert selectors.remark_limits_of(places.school.pk)[(RemarkKind.GENERAL, False)] == 300
    version = stored(pupil).version  # type: ignore[union-attr]
    assert save(teacher, room, pupil, RemarkKind.GENERAL, long_text, version).status_code == 200
    bad = dict(form, **{"general-term": "5"})
    assert client_as("principal").post(url, bad).status_code == 400
    assert client_as("teacher").post(url, form).status_code == 403


def test_kinds_follow_the_grade_and_the_year_page_writes_the_years_text(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    room, pupil = places.homeroom, places.classmate
    teacher = client_as("teacher")
    assert save(teacher, room, pupil, "subject", "教科の所見", 0).status_code == 400
    assert save(teacher, room, pupil, "nonsense", "x", 0).status_code == 400
    saved = save(
        teacher, room, pupil, RemarkKind.GENERAL, "一年間、学級のリーダーとして活躍した。", 0, term=None
    )
    assert saved.status_code == 200
    assert stored(pupil, term=None).text == "一年間、学級のリーダーとして活躍した。"  # type: ignore[union-attr]
    page = teacher.get(reverse("grades:remarks_year", args=[room.uuid]) + f"?pupil={pupil.uuid}")
    assert page.status_code == 200 and page.context["page"].boxes[0].limit == 300
    assert "一年間、学級のリーダーとして活躍した。" in page.content.decode()
    # 小1 has neither 外国語活動 nor 総合.
    assert selectors.remark_kinds_for("P1") == [RemarkKind.GENERAL, RemarkKind.MORAL]


def test_pupils_of_other_classes_and_other_schools_are_out_of_reach(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    teacher = client_as("teacher")
    assert save(teacher, places.homeroom, places.other_class_pupil, "general", "x", 0).status_code == 404
    assert (
        save(client_as("outsider"), places.homeroom, places.classmate, "general", "x", 0).status_code == 404
    )
    assert (
        save(client_as("subject_teacher"), places.homeroom, places.classmate, "general", "x", 0).status_code
        == 403
    )
    url = reverse("grades:remarks", args=[places.homeroom.uuid, 1])
    assert teacher.get(url + f"?pupil={places.other_class_pupil.uuid}").status_code == 404
    assert stored(places.other_class_pupil) is None


def test_without_javascript_a_pupil_is_saved_and_the_next_one_opens(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    teacher = client_as("teacher")
    url = reverse("grades:remarks", args=[places.homeroom.uuid, 2])
    page = teacher.get(url).context["page"]
    first, second = page.pupils[0].student, page.pupils[1].student
    response = teacher.post(
        url,
        {
            "student": str(first.uuid),
            "text-general": "音読を毎日続けました。",
            "version-general": "0",
            "text-moral": "",
            "version-moral": "0",
            "then": "next",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?pupil={second.uuid}")
    assert stored(first).text == "音読を毎日続けました。"  # type: ignore[union-attr]
    assert stored(first, RemarkKind.MORAL) is None
    # A stale form: nothing overwritten, both texts on the page (409).
    stale = teacher.post(
        url, {"student": str(first.uuid), "text-general": "古い画面からの保存", "version-general": "0"}
    )
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "古い画面からの保存" in html and "音読を毎日続けました。" in html
    assert stored(first).text == "音読を毎日続けました。"  # type: ignore[union-attr]
    # The principal reads and may correct; the page has the boxes.
    assert 'name="text-general"' in client_as("principal").get(url).content.decode()


def test_the_phrase_bank(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    teacher = client_as("teacher")
    url = reverse("grades:phrases")
    assert (
        teacher.post(
            url, {"kind": "general", "topic": "生活", "text": "明るいあいさつで学級を元気にしました。"}
        ).status_code
        == 302
    )
    with system_scope(reason="test reads back"):
        phrase = Phrase.objects.get(text="明るいあいさつで学級を元気にしました。")
    assert phrase.school == places.school and phrase.created_by == User.objects.get(username="teacher")
    assert teacher.post(url, {"kind": "general", "text": ""}).status_code == 400
    edit = reverse("grades:phrase_edit", args=[phrase.uuid])
    principal = client_as("principal")
    assert (
        principal.post(edit, {"action": "save", "topic": "生活", "text": "明るいあいさつ。"}).status_code
        == 302
    )
    phrase.refresh_from_db()
    assert phrase.text == "明るいあいさつ。"
    # Another school's teacher cannot touch it.
    assert client_as("outsider").post(edit, {"action": "delete"}).status_code == 404
    # It is offered on the writing page, then deleted.
    page = teacher.get(reverse("grades:remarks", args=[places.homeroom.uuid, 2]))
    assert "明るいあいさつ。" in page.content.decode()
    assert teacher.post(edit, {"action": "delete"}).status_code == 302
    with system_scope(reason="test reads back"):
        assert not Phrase.objects.filter(pk=phrase.pk).exists()


def test_the_page_costs_a_fixed_number_of_queries(
    ward: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    places = find_places(ward)
    teacher = client_as("teacher")
    url = reverse("grades:remarks", args=[places.homeroom.uuid, 1])
    teacher.get(url)
    with django_assert_max_num_queries(45):
        assert teacher.get(url).status_code == 200


def test_index_lists_the_class(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    html = client_as("teacher").get(reverse("grades:remarks_index")).content.decode()
    assert reverse("grades:remarks", args=[places.homeroom.uuid, 1]) in html
    assert reverse("grades:sheets", args=[places.homeroom.uuid, 1]) in html
    terms = Term.objects.filter(school=places.school, school_year=places.homeroom.school_year)
    assert terms.count() >= 2
