"""The health exams pages through the real paths: grids save row by row with an error per cell, the
follow-ups and letters, the pupil's years across schools, who sees what, and the access log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tsunagu.checkups.models import DentalExamRecord, ExamFollowUp, GeneralExamRecord, HealthExam
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places
from tsunagu.students.models import Enrolment

pytestmark = pytest.mark.django_db


def _general(student: Any, year: Any) -> GeneralExamRecord | None:
    with system_scope(reason="test reads a record"):
        return GeneralExamRecord.objects.filter(exam__student=student, exam__school_year=year).first()


def _row(enrolment: Enrolment, **cells: str) -> dict[str, str]:
    key = enrolment.student.uuid
    data = {f"row-{key}": "1"}
    data.update({f"{name}-{key}": value for name, value in cells.items()})
    return data


def test_measurement_grid_saves_good_rows_and_keeps_bad_cells_with_a_message(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    first, second = class_enrolments[:2]
    url = reverse("checkups:measure_grid", args=[places.homeroom.uuid])
    data = {
        "exam_date": "2026-04-20",
        **_row(first, height_cm="１３５．２", weight_kg="31.4", vision_right="1.0", vision_left="0.7"),
        **_row(second, height_cm="abc", weight_kg="31.4", vision_right="3.0", vision_left="0.7"),
    }
    before = _general(second.student, ward.school_year)
    response = client_as("nurse").post(url, data, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    text = response.content.decode()
    assert "数字で入力してください" in text
    assert "0.01 から 2.0 までの値を入力してください" in text
    saved = _general(first.student, ward.school_year)
    assert saved is not None and saved.height_cm == Decimal("135.2") and saved.weight_kg == Decimal("31.4")
    assert saved.vision_grades["left"] == "B"
    after = _general(second.student, ward.school_year)
    assert (after.height_cm if after else None) == (before.height_cm if before else None), (
        "bad row not written"
    )


def test_measurement_grid_redirects_when_every_row_is_good_and_logs_the_read(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    first = class_enrolments[0]
    url = reverse("checkups:measure_grid", args=[places.homeroom.uuid])
    client = client_as("nurse")
    response = client.post(url, _row(first, height_cm="140.0", weight_kg="35.0"))
    assert response.status_code == 302
    with system_scope(reason="test reads the access log"):
        logged_before = AccessLog.objects.filter(actor_username="nurse", model="checkups.HealthExam").count()
    assert client.get(url).status_code == 200
    with system_scope(reason="test reads the access log"):
        logged = AccessLog.objects.filter(actor_username="nurse", model="checkups.HealthExam").count()
    assert logged > logged_before
    record = _general(first.student, ward.school_year)
    assert record is not None and record.height_cm == Decimal("140.0")


def test_dental_grid_derives_the_counts_and_reports_bad_symbols(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    first, second = class_enrolments[:2]
    url = reverse("checkups:dental_grid", args=[places.homeroom.uuid])
    data = {
        **_row(
            first,
            UR="/ / d/ dC d○ C",
            UL="/ / d/ d/ d/ /",
            LL="/ / d/ d/ d/ ○",
            LR="/ / d/ d/ d/ /",
            plaque="1",
        ),
        **_row(second, UR="/ Z", UL="", LL="", LR="", gingiva="5"),
    }
    response = client_as("nurse").post(url, data, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    text = response.content.decode()
    assert "「Z」は歯式の記号ではありません" in text
    assert "0、1、2 のどれかを入力してください" in text
    with system_scope(reason="test reads a record"):
        record = DentalExamRecord.objects.get(exam__student=first.student, exam__school_year=ward.school_year)
    counts = record.counts
    assert (counts.d, counts.f, counts.primary_d, counts.primary_f) == (1, 1, 1, 1)
    assert record.plaque == 1


def test_follow_ups_issue_letters_print_and_record_returns(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    pupil = class_enrolments[0]
    nurse = client_as("nurse")
    nurse.post(
        reverse("checkups:measure_grid", args=[places.homeroom.uuid]),
        _row(
            pupil, vision_right="0.4", vision_left="1.0", vision_right_corrected="", vision_left_corrected=""
        ),
    )
    response = nurse.post(reverse("checkups:followups_issue", args=[places.homeroom.uuid]))
    assert response.status_code == 302
    with system_scope(reason="test reads follow-ups"):
        vision = ExamFollowUp.objects.get(
            exam__student=pupil.student, exam__school_year=ward.school_year, item="vision"
        )
    assert vision.letter_date is not None and "C" in vision.finding
    pdf = nurse.get(reverse("checkups:letters_pdf", args=[places.homeroom.uuid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Issuing again changes nothing (idempotent).
    nurse.post(reverse("checkups:followups_issue", args=[places.homeroom.uuid]))
    with system_scope(reason="test reads follow-ups"):
        assert ExamFollowUp.objects.filter(exam__student=pupil.student, item="vision").count() >= 1
        assert ExamFollowUp.objects.get(pk=vision.pk).letter_date == vision.letter_date
    response = nurse.post(
        reverse("checkups:followup_return", args=[vision.uuid]),
        {"returned_on": vision.letter_date.isoformat(), "result": "近視 眼鏡処方", "clinic": "すずかけ眼科"},
    )
    assert response.status_code == 302
    with system_scope(reason="test reads follow-ups"):
        vision.refresh_from_db()
    assert vision.status == "returned" and vision.result == "近視 眼鏡処方"


def test_the_homeroom_teacher_sees_the_status_but_never_the_finding(places: Places, client_as: Any) -> None:
    with system_scope(reason="test finds a follow-up of the class"):
        follow_up = ExamFollowUp.objects.filter(exam__homeroom=places.homeroom).exclude(finding="").first()
    assert follow_up is not None, "the demo gives 4年1組 follow-ups"
    response = client_as("teacher").get(
        reverse("checkups:class_followups", args=[places.homeroom.uuid]), HTTP_ACCEPT_LANGUAGE="ja"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert follow_up.student.full_name in text
    assert follow_up.finding not in text
    assert "/return/" not in text, "no return form for the class teacher"
    nurse_text = (
        client_as("nurse").get(reverse("checkups:class_followups", args=[places.homeroom.uuid])).content
    )
    assert follow_up.finding in nurse_text.decode()


def test_a_school_a_pupil_left_keeps_only_its_own_years(places: Places, client_as: Any, ward: Any) -> None:
    graduate = places.graduate
    response = client_as("nurse").get(reverse("checkups:pupil_detail", args=[graduate.uuid]))
    text = response.content.decode()
    assert response.status_code == 200
    assert ward.schools["sakura"].name in text
    assert ward.schools["midori"].name not in text


def test_the_receiving_school_sees_the_earlier_years(
    places: Places, client_for_nurse_of: Any, ward: Any
) -> None:
    client = client_for_nurse_of(ward.schools["midori"])
    response = client.get(reverse("checkups:pupil_detail", args=[places.graduate.uuid]))
    text = response.content.decode()
    assert response.status_code == 200
    assert ward.schools["sakura"].name in text and ward.schools["midori"].name in text
    # ... but the elementary school's year stays the elementary school's to correct.
    with system_scope(reason="test finds the exam"):
        old = HealthExam.objects.get(student=places.graduate, school=ward.schools["sakura"])
    assert client.get(reverse("checkups:exam_edit", args=[old.uuid])).status_code == 404


def test_a_guardian_sees_their_childs_results(places: Places, client_as: Any) -> None:
    response = client_as("guardian").get(reverse("checkups:pupil_detail", args=[places.own_child.uuid]))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()  # the growth chart


def test_the_exam_card_renders_every_year(places: Places, client_as: Any) -> None:
    response = client_as("nurse").get(reverse("checkups:exam_card_pdf", args=[places.graduate.uuid]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_exam_form_changes_findings_and_the_chart(places: Places, client_as: Any, ward: Any) -> None:
    with system_scope(reason="test finds the exam"):
        exam = HealthExam.objects.get(student=places.classmate, school_year=ward.school_year)
    url = reverse("checkups:exam_edit", args=[exam.uuid])
    nurse = client_as("nurse")
    assert nurse.get(url).status_code == 200
    data = {
        "g-height_cm": "133.0",
        "g-weight_kg": "30.0",
        "g-eye_disease": "アレルギー性結膜炎",
        "d-UR": "/ / d/ dC",
        "d-UL": "",
        "d-LL": "",
        "d-LR": "",
        "d-jaw_joint": "0",
    }
    response = nurse.post(url, data)
    assert response.status_code == 302
    with system_scope(reason="test reads the records"):
        general = GeneralExamRecord.objects.get(exam=exam)
        dental = DentalExamRecord.objects.get(exam=exam)
    assert general.eye_disease == "アレルギー性結膜炎" and general.height_cm == Decimal("133.0")
    assert dental.counts.primary_d == 1
    bad = nurse.post(url, {**data, "d-UR": "Q"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert bad.status_code == 200 and "歯式の記号ではありません" in bad.content.decode()


def test_statistics_count_the_schools_exams(places: Places, client_as: Any, ward: Any) -> None:
    from tsunagu.accounts.models import User
    from tsunagu.checkups.selectors import school_statistics

    with system_scope(reason="test counts exams"):
        total = HealthExam.objects.filter(school=places.school, school_year=ward.school_year).count()
        heights = [
            g.height_cm
            for g in GeneralExamRecord.objects.filter(
                exam__school=places.school, exam__school_year=ward.school_year, exam__student__sex="M"
            )
            if g.height_cm is not None
        ]
        nurse = User.objects.get(username="nurse")
    rows = school_statistics(actor=nurse, school=places.school, school_year=ward.school_year)
    by_grade = [r for r in rows if r.label]
    totals = [r for r in rows if not r.label]
    assert sum(r.pupils for r in by_grade) == total == sum(r.pupils for r in totals)
    boys = next(r for r in totals if r.sex == "M")
    assert boys.height_mean == (sum(heights) / len(heights)).quantize(Decimal("0.1"))
    response = client_as("principal").get(reverse("checkups:statistics", args=[places.school.uuid]))
    assert response.status_code == 200


def test_the_menu_and_home_lead_each_role_to_their_pages(places: Places, client_as: Any) -> None:
    nurse_home = client_as("nurse").get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert reverse("checkups:school_index", args=[places.school.uuid]) in nurse_home
    assert "件の受診結果が未回答" in nurse_home
    guardian_home = client_as("guardian").get("/").content.decode()
    assert reverse("checkups:pupil_detail", args=[places.own_child.uuid]) in guardian_home
    assert reverse("checkups:pupil_detail", args=[places.sibling.uuid]) in guardian_home
    teacher_home = client_as("teacher").get("/").content.decode()
    assert reverse("checkups:class_followups", args=[places.homeroom.uuid]) in teacher_home
    assert "/checkups/schools/" not in teacher_home
    for role in ("office", "helpdesk", "board", "student", "subject_teacher"):
        assert "/checkups/" not in client_as(role).get("/").content.decode(), role
