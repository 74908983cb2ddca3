"""調査書: 換算内申 and 調査書点 against hand-worked cases (SCHOOL_AFFAIRS.md §6), and the 中3 class list,
the pupil's page and the PDF through the pages, with 評定 set in the grades app (term 2)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.testing import force_login
from tsunagu.attendance.tests.builders import _user
from tsunagu.core.scope import system_scope
from tsunagu.core.wareki import school_year_bounds, school_year_of
from tsunagu.grades.models import EvaluationPlan, Rating
from tsunagu.org.models import Board, GradeLevel, Homeroom, Municipality, School, SchoolYear, Subject, Term
from tsunagu.records.models import AdmissionWeighting, TranscriptForAdmission
from tsunagu.records.rules import TranscriptError, Weighting, converted_rating_score, transcript_points
from tsunagu.students.models import Enrolment, Student

ALL_THREE = {c: 3 for c in ("JJA", "JSS", "JMA", "JSC", "JFL", "JMU", "JAR", "JPE", "JTH")}
_n = itertools.count(1)


# --- hand-worked cases ------------------------------------------------------------------------------


def test_all_threes_give_39() -> None:
    # 5 × 3 = 15; 4 × 3 = 12, doubled 24; 15 + 24 = 39.
    assert converted_rating_score(ALL_THREE) == 39


def test_all_fives_give_the_maximum_65() -> None:
    assert converted_rating_score(dict.fromkeys(ALL_THREE, 5)) == 65


def test_all_ones_give_13() -> None:
    # 5 + 2 × 4 = 13.
    assert converted_rating_score(dict.fromkeys(ALL_THREE, 1)) == 13


def test_a_mixed_pupil() -> None:
    ratings = {"JJA": 5, "JSS": 4, "JMA": 3, "JSC": 4, "JFL": 5, "JMU": 3, "JAR": 4, "JPE": 5, "JTH": 2}
    # 5 subjects: 5+4+3+4+5 = 21; practical: 3+4+5+2 = 14, doubled 28; 21 + 28 = 49.
    assert converted_rating_score(ratings) == 49


def test_practical_subjects_weigh_twice() -> None:
    strong_core = {**ALL_THREE, "JJA": 5}  # +2 in 国語 → 41
    strong_practical = {**ALL_THREE, "JMU": 5}  # +2 in 音楽, doubled → 43
    assert converted_rating_score(strong_core) == 41
    assert converted_rating_score(strong_practical) == 43


def test_a_missing_rating_refuses_the_calculation_in_japanese() -> None:
    ratings = {**ALL_THREE, "JMU": None, "JTH": None}
    with pytest.raises(TranscriptError) as caught:
        converted_rating_score(ratings)
    assert (
        caught.value.message
        == "評定が入っていない教科があるため、換算内申を計算できません（音楽、技術・家庭）。"
    )


def test_a_subject_absent_from_the_results_is_missing_too() -> None:
    ratings = {k: v for k, v in ALL_THREE.items() if k != "JFL"}
    with pytest.raises(TranscriptError, match="英語"):
        converted_rating_score(ratings)


def test_a_rating_outside_1_to_5_is_refused() -> None:
    with pytest.raises(TranscriptError, match=r"1～5でない.*数学"):
        converted_rating_score({**ALL_THREE, "JMA": 6})


@pytest.mark.parametrize(
    ("score", "points"),
    [
        (65, 300),  # the maximum
        (39, 180),  # 39 ÷ 65 × 300 = 180 exactly
        (49, 226),  # 226.15… → 226
        (45, 208),  # 207.69… → 208 (rounded up)
        (13, 60),
    ],
)
def test_transcript_points_for_the_tokyo_7_to_3_weighting(score: int, points: int) -> None:
    assert transcript_points(score, Weighting()) == points


def test_transcript_points_follow_another_weighting() -> None:
    # 6:4 of 1000 → the 調査書 counts 400; 45 ÷ 65 × 400 = 276.92… → 277.
    weighting = Weighting(exam_share=6, transcript_share=4)
    assert weighting.transcript_max == 400
    assert transcript_points(45, weighting) == 277


# --- the pages ---------------------------------------------------------------------------------------


@dataclass
class JuniorHigh:
    school: School
    year: SchoolYear
    room: Homeroom
    teacher: User
    principal: User
    other_teacher: User
    pupils: list[Student]


def _school_year() -> SchoolYear:
    year = school_year_of(timezone.localdate())
    start, end = school_year_bounds(year)
    return SchoolYear.objects.get_or_create(year=year, defaults={"start_date": start, "end_date": end})[0]


@pytest.fixture
def jh(db: Any) -> JuniorHigh:
    n = next(_n)
    with system_scope(reason="test builds a junior high school"):
        year = _school_year()
        muni = Municipality.objects.create(name=f"調査区{n}", code=f"96{n:04d}", prefecture="東京都")
        board = Board.objects.create(municipality=muni, name=f"調査区{n}教育委員会")
        school = School.objects.create(
            board=board, mext_code=f"C1131960{n:04d}1", name=f"調査中{n}", kind="C1"
        )
        j3 = GradeLevel.objects.get(code="J3")
        room = Homeroom.objects.create(school=school, school_year=year, grade_level=j3, name="1組", order=1)
        other = Homeroom.objects.create(school=school, school_year=year, grade_level=j3, name="2組", order=2)
        terms = [
            Term.objects.create(
                school=school,
                school_year=year,
                number=i,
                name=f"{i}学期",
                start_date=year.start_date,
                end_date=year.end_date,
            )
            for i in (1, 2, 3)
        ]
        pupils = []
        for roll in (1, 2):
            pupil = Student.objects.create(
                family_name="調査",
                given_name=f"生徒{roll}",
                family_name_kana="ちょうさ",
                given_name_kana="せいと",
                sex="F",
                birth_date=dt.date(2011, 6, 1),
            )
            Enrolment.objects.create(
                student=pupil,
                school=school,
                school_year=year,
                grade_level=j3,
                homeroom=room,
                roll_number=roll,
                start_date=year.start_date,
            )
            pupils.append(pupil)
        teacher = _user("j3teacher", "homeroom_teacher", year, homeroom=room)
        other_teacher = _user("j3teacher2", "homeroom_teacher", year, homeroom=other)
        principal = _user("j3principal", "principal", year, school=school)
        # 評定 of term 2 set by the teachers (overrides with a reason), all nine subjects for pupil 1 and
        # all but 音楽 for pupil 2.
        ratings = {"JJA": 5, "JSS": 4, "JMA": 3, "JSC": 4, "JFL": 5, "JMU": 3, "JAR": 4, "JPE": 5, "JTH": 2}
        for code, value in ratings.items():
            plan = EvaluationPlan.objects.create(
                school=school,
                school_year=year,
                term=terms[1],
                subject=Subject.objects.get(code=code),
                grade_level=j3,
            )
            Rating.objects.create(student=pupils[0], plan=plan, value=value, reason="テスト")
            if code != "JMU":
                Rating.objects.create(student=pupils[1], plan=plan, value=value, reason="テスト")
    return JuniorHigh(school, year, room, teacher, principal, other_teacher, pupils)


def client_for(user: User) -> Client:
    return force_login(Client(), user)


def test_the_class_list_shows_the_score_per_pupil_and_why_one_is_missing(jh: JuniorHigh) -> None:
    response = client_for(jh.teacher).get(reverse("records:transcripts", args=[jh.room.uuid]))
    assert response.status_code == 200
    rows = {r.enrolment.student_id: r for r in response.context["rows"]}
    assert rows[jh.pupils[0].pk].score == 49 and rows[jh.pupils[0].pk].points == 226
    assert rows[jh.pupils[1].pk].score is None
    assert "音楽" in rows[jh.pupils[1].pk].error
    page = response.content.decode()
    assert "換算内申を計算できません" in page


def test_a_board_weighting_changes_the_points(jh: JuniorHigh) -> None:
    AdmissionWeighting.objects.create(
        board=jh.school.board, school_year=jh.year, exam_share=6, transcript_share=4
    )
    response = client_for(jh.principal).get(reverse("records:transcripts", args=[jh.room.uuid]))
    rows = {r.enrolment.student_id: r for r in response.context["rows"]}
    assert rows[jh.pupils[0].pk].points == 302  # 49 ÷ 65 × 400 = 301.5… → 302


def test_the_teacher_writes_the_reason_for_absences_stored_encrypted_and_prints_the_form(
    jh: JuniorHigh,
) -> None:
    client = client_for(jh.teacher)
    url = reverse("records:transcript", args=[jh.room.uuid, jh.pupils[0].uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, {"absence_reason": "起立性調節障害のため", "remarks": "体調に合わせて登校"})
    assert response.status_code == 302
    with system_scope(reason="test reads the transcript"):
        transcript = TranscriptForAdmission.objects.get(student=jh.pupils[0])
    assert (transcript.absence_reason, transcript.remarks) == ("起立性調節障害のため", "体調に合わせて登校")
    # Class I (decision 0020): the columns hold tokens, not the text.
    table = connection.ops.quote_name(TranscriptForAdmission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT absence_reason, remarks FROM {table} WHERE id = %s",
            [transcript.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in stored)
    assert "起立性" not in stored[0] and "体調" not in stored[1]
    pdf = client.get(reverse("records:transcript_pdf", args=[jh.room.uuid, jh.pupils[0].uuid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_class_teacher_gets_404_and_a_pupil_outside_the_class_too(jh: JuniorHigh) -> None:
    client = client_for(jh.other_teacher)
    assert client.get(reverse("records:transcripts", args=[jh.room.uuid])).status_code == 404
    assert (
        client.get(reverse("records:transcript", args=[jh.room.uuid, jh.pupils[0].uuid])).status_code == 404
    )
