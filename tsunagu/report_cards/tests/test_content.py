"""A card's printed values: the same as the grades and the register say, read through their selectors;
and one pupil whose values are set by hand and checked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.attendance.selectors import attendance_summaries
from tsunagu.attendance.services import marks_write
from tsunagu.core.scope import system_scope
from tsunagu.grades.models import EvaluationPlan, RemarkKind
from tsunagu.grades.selectors import marks_for, narratives_for, results_for
from tsunagu.grades.services import class_records_save, remark_save, result_override
from tsunagu.org.models import DayKind, SchoolDay
from tsunagu.report_cards import selectors, services
from tsunagu.report_cards.selectors import BEHAVIOUR_LABELS, SPECIAL_LABELS

pytestmark = pytest.mark.django_db


def _content(actor: Any, room: Any, term: Any) -> dict[int, dict[str, Any]]:
    enrolments = selectors.class_enrolments(actor=actor, homeroom=room, term=term)
    return selectors.cards_content(actor=actor, term=term, enrolments=enrolments)


def test_every_pupils_card_says_what_grades_and_register_say(room: Any, term1: Any, users: Any) -> None:
    teacher = users["teacher"]
    enrolments = selectors.class_enrolments(actor=teacher, homeroom=room, term=term1)
    assert len(enrolments) > 3
    contents = selectors.cards_content(actor=teacher, term=term1, enrolments=enrolments)
    students = [e.student for e in enrolments]
    results = results_for(actor=teacher, students=students, term=term1)
    narratives = narratives_for(actor=teacher, students=students, school_year=term1.school_year, term=term1)
    marks = marks_for(actor=teacher, students=students, term=term1)
    day = min(term1.end_date, timezone.localdate())
    register = attendance_summaries(
        actor=teacher,
        school=room.school,
        start=term1.start_date,
        end=day,
        student_ids=[s.pk for s in students],
    )
    graded = 0
    for student in students:
        card = contents[student.pk]
        printed = {s["name"]: s for s in card["subjects"]}
        for result in results[student.pk]:
            row = printed[result.subject.name]
            expected = [result.viewpoints.get(v) or "" for v in ("knowledge", "thinking", "attitude")]
            assert row["viewpoints"] == expected
            assert row["rating"] == ("" if result.rating is None else str(result.rating))
            graded += any(expected)
        assert card["remark"] == narratives[student.pk].remark
        behaviour, special = marks[student.pk]
        assert [b["label"] for b in card["behaviour"] if b["mark"]] == [
            BEHAVIOUR_LABELS[c] for c in behaviour
        ]
        assert [s["label"] for s in card["special"] if s["mark"]] == [SPECIAL_LABELS["P"][c] for c in special]
        summary = register[student.pk]
        assert card["attendance"]["term"] == {
            "instructional": str(summary.days_instructional),
            "excused": str(summary.days_excused),
            "required": str(summary.days_required),
            "absent": str(summary.days_absent),
            "present": str(summary.days_present),
            "late": str(summary.days_late),
            "early_leave": str(summary.days_early_leave),
        }
    assert graded, "the demo's 1st-term grades reach the cards"


def _free_days(student: Any, room: Any, term: Any, n: int) -> list[dt.date]:
    """``n`` instructional days of the term up to today on which the pupil has no mark."""
    with system_scope(reason="test picks unmarked days"):
        marked = set(AttendanceMark.objects.filter(student=student).values_list("date", flat=True))
        days = SchoolDay.objects.filter(
            school=room.school,
            kind=DayKind.INSTRUCTIONAL,
            date__gte=term.start_date,
            date__lte=min(term.end_date, timezone.localdate() - dt.timedelta(days=1)),
        ).order_by("-date")
        return [d for d in days.values_list("date", flat=True) if d not in marked][:n]


def test_a_hand_checked_pupil(room: Any, term2: Any, users: Any, child: Any) -> None:
    """The cast pupil in the 2nd term: 観点 and 評定 set by the teacher, a 所見, ○ marks, two more days
    of illness and one of mourning — each shows on the card exactly as set."""
    teacher = users["teacher"]
    before = _content(teacher, room, term2)[child.pk]
    with system_scope(reason="test finds the 国語 plan"):
        plan = EvaluationPlan.objects.get(term=term2, subject__code="JA", grade_level=room.grade_level)
    result_override(
        actor=teacher,
        plan=plan,
        student=child,
        grades={"knowledge": "A", "thinking": "B", "attitude": "C"},
        rating=2,
        reason="面談で確認",
        max_rating=3,
    )
    remark_save(
        actor=teacher,
        student=child,
        school=room.school,
        school_year=room.school_year,
        term=term2,
        kind=RemarkKind.GENERAL,
        text="係の仕事に責任をもって取り組みました。",
        version=0,
    )
    class_records_save(
        actor=teacher, term=term2, marks={child: ({"basic_habits", "service"}, {"club"})}, elementary=True
    )
    days = _free_days(child, room, term2, 3)
    ill = marks_write(actor=teacher, student=child, days=days[:2], kind=Mark.ABSENT_ILLNESS)
    mourning = marks_write(actor=teacher, student=child, days=days[2:], kind=Mark.MOURNING)
    assert len(ill.written) == 2 and len(mourning.written) == 1

    card = _content(teacher, room, term2)[child.pk]
    japanese = next(s for s in card["subjects"] if s["name"] == "国語")
    assert japanese == {"name": "国語", "viewpoints": ["A", "B", "C"], "rating": "2"}
    assert card["rating_scale"] == "1〜3"
    assert card["remark"] == "係の仕事に責任をもって取り組みました。"
    assert [b["label"] for b in card["behaviour"] if b["mark"] == "○"] == ["基本的な生活習慣", "勤労・奉仕"]
    assert [s["label"] for s in card["special"] if s["mark"] == "○"] == ["クラブ活動"]
    was, now = before["attendance"]["term"], card["attendance"]["term"]
    assert int(now["instructional"]) == int(was["instructional"])
    assert int(now["excused"]) == int(was["excused"]) + 1
    assert int(now["required"]) == int(was["required"]) - 1
    assert int(now["absent"]) == int(was["absent"]) + 2
    assert int(now["present"]) == int(was["present"]) - 3
    # 出席しなければならない日数 = 授業日数 − 出席停止・忌引等; 出席日数 = それ − 欠席日数
    assert int(now["required"]) == int(now["instructional"]) - int(now["excused"])
    assert int(now["present"]) == int(now["required"]) - int(now["absent"])
    year = card["attendance"]["year"]
    assert int(year["absent"]) == int(before["attendance"]["year"]["absent"]) + 2
    assert card["pupil"]["name"] == child.full_name
    assert card["teacher"] and card["principal"]


def test_lower_elementary_cards_have_no_ratings(ward: Any, users: Any) -> None:
    from tsunagu.org.models import Homeroom, Term

    room = Homeroom.objects.select_related("school", "grade_level").get(
        school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P1", name="1組"
    )
    term = Term.objects.select_related("school", "school_year").get(
        school=room.school, school_year=room.school_year, number=1
    )
    card = next(iter(_content(users["principal"], room, term).values()))
    assert card["rated"] is False and card["rating_scale"] == ""
    assert all(s["rating"] == "" for s in card["subjects"])
    assert "生活" in [s["name"] for s in card["subjects"]]
    assert not card["has_integrated"] and not card["has_foreign_language"]


def test_content_is_a_fixed_number_of_queries(
    room: Any, term1: Any, users: Any, django_assert_max_num_queries: Any
) -> None:
    """The whole school's cards cost the same number of queries as one class's."""
    principal = users["principal"]
    enrolments = selectors.school_enrolments(actor=principal, school=room.school, term=term1)
    assert len({e.homeroom_id for e in enrolments}) > 1
    with django_assert_max_num_queries(30):
        contents = selectors.cards_content(actor=principal, term=term1, enrolments=enrolments)
    assert len(contents) == len(enrolments)


def test_template_wording_reaches_the_card(room: Any, term1: Any, users: Any) -> None:
    template = selectors.template_for(room.school)
    assert template.pk is not None  # the demo saved every school's defaults
    template.title = "なかよし"
    template.label_attitude = "すすんで学ぶ"
    services.report_card_template_save(actor=users["principal"], template=template)
    card = next(iter(_content(users["teacher"], room, term1).values()))
    assert card["form"]["title"] == "なかよし"
    assert card["form"]["viewpoints"][2] == "すすんで学ぶ"
