"""Contract C1 (grades → report_cards, records): results, year-end results, texts and ○ marks of many
pupils at once, narrowed to the actor, in a fixed number of queries whatever the number of pupils."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades import selectors, services
from tsunagu.grades.models import RemarkKind, ViewpointGrade
from tsunagu.org.models import Term
from tsunagu.students.models import Enrolment, Student

pytestmark = pytest.mark.django_db


class Class:
    """さくら小 4年1組 (the cast teacher's class): its pupils and terms."""

    def __init__(self, ward: Any) -> None:
        self.places = find_places(ward)
        self.teacher = User.objects.get(username="teacher")
        self.principal = User.objects.get(username="principal")
        with system_scope(reason="test set-up"):
            self.pupils: list[Student] = [
                e.student
                for e in Enrolment.objects.filter(homeroom=self.places.homeroom, end_date__isnull=True)
                .select_related("student")
                .order_by("roll_number")
            ]
            self.school_pupils: list[Student] = [
                e.student
                for e in Enrolment.objects.filter(school=self.places.school, end_date__isnull=True)
                .select_related("student")
                .order_by("pk")
            ]
        self.terms = list(
            Term.objects.filter(
                school=self.places.school, school_year=self.places.homeroom.school_year
            ).order_by("number")
        )
        self.year = self.places.homeroom.school_year


@pytest.fixture
def c(ward: Any) -> Class:
    return Class(ward)


def test_results_equal_the_class_list_every_pupil_present(c: Class) -> None:
    term = c.terms[0]
    results = selectors.results_for(actor=c.teacher, students=c.pupils, term=term)
    assert set(results) == {p.pk for p in c.pupils}
    listing = selectors.class_list_get(actor=c.teacher, homeroom=c.places.homeroom, term=term)
    assert listing.plans, "the demo has plans in term 1"
    for row in listing.rows:
        mine = {r.subject.pk: r for r in results[row.student.pk]}
        orders = [r.subject.order for r in results[row.student.pk]]
        assert orders == sorted(orders)
        for plan, result in zip(listing.plans, row.by_subject, strict=True):
            assert result is not None
            got = mine[plan.subject_id]
            assert dict(got.viewpoints) == {str(v): result.grades[v] for v in selectors.VIEWPOINTS}
            assert got.rating == result.rating
            if all(got.viewpoints.values()):
                assert got.rating is not None  # 小4: 評定 1–3 once every 観点 is graded
    # Either spelling of the 観点 answers.
    first = results[c.pupils[0].pk][0]
    assert first.viewpoints["KNOWLEDGE"] == first.viewpoints["knowledge"] == first.viewpoints.get("KNOWLEDGE")


def test_an_override_stands_in_the_results(c: Class) -> None:
    with system_scope(reason="test set-up"):
        override = ViewpointGrade.objects.select_related("plan__term", "plan__subject").get(
            plan__school=c.places.school, plan__grade_level=c.places.homeroom.grade_level
        )
        override.value = "C"
        override.save()
    results = selectors.results_for(actor=c.teacher, students=c.pupils, term=override.plan.term)
    subject = next(r for r in results[override.student_id] if r.subject.pk == override.plan.subject_id)
    assert subject.viewpoints["attitude"] == "C"


def test_queries_do_not_grow_with_the_pupils(c: Class, django_assert_max_num_queries: Any) -> None:
    term = c.terms[0]
    counts = []
    # One pupil, then every pupil of the school (six grades: more plans, same queries).
    for pupils in (c.pupils[:1], c.school_pupils):
        selectors.results_for(actor=c.principal, students=pupils, term=term)  # warm the actor's grants
        with CaptureQueriesContext(connection) as ctx:
            selectors.results_for(actor=c.principal, students=pupils, term=term)
            selectors.year_results_for(actor=c.principal, students=pupils, school_year=c.year)
            selectors.narratives_for(actor=c.principal, students=pupils, school_year=c.year, term=term)
            selectors.narratives_for(actor=c.principal, students=pupils, school_year=c.year, term=None)
            selectors.marks_for(actor=c.principal, students=pupils, term=term)
            selectors.marks_for(actor=c.principal, students=pupils, term=None, school_year=c.year)
        counts.append(len(ctx.captured_queries))
    assert len(c.school_pupils) > 30 and counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        selectors.results_for(actor=c.principal, students=c.school_pupils, term=term)
    with django_assert_max_num_queries(9):
        selectors.year_results_for(actor=c.principal, students=c.pupils, school_year=c.year)
    with django_assert_max_num_queries(1):
        selectors.narratives_for(actor=c.principal, students=c.pupils, school_year=c.year, term=None)
    with django_assert_max_num_queries(4):
        selectors.marks_for(actor=c.principal, students=c.pupils, term=None, school_year=c.year)


def test_year_end_is_the_last_terms_result(c: Class) -> None:
    year_end = selectors.year_results_for(actor=c.teacher, students=c.pupils, school_year=c.year)
    last = selectors.results_for(actor=c.teacher, students=c.pupils, term=c.terms[-1])
    assert year_end == last and set(year_end) == {p.pk for p in c.pupils}


def test_a_subject_teacher_sees_only_their_subject(ward: Any) -> None:
    places = find_places(ward)
    teacher = User.objects.get(username="subject_teacher")
    term = Term.objects.get(school=places.junior_high, school_year=places.homeroom.school_year, number=1)
    results = selectors.results_for(actor=teacher, students=[places.sibling], term=term)
    graded = [r.subject.code for r in results[places.sibling.pk] if any(r.viewpoints.values())]
    assert graded == ["JMA"]


def test_texts_of_the_term_and_of_the_year(c: Class) -> None:
    # The current term (2): the demo leaves its texts to the teacher.
    pupil, other = c.pupils[0], c.pupils[1]
    school = c.places.school
    for term, kind, text in (
        (c.terms[1], RemarkKind.GENERAL, "係の仕事に責任をもって取り組みました。"),
        (c.terms[1], RemarkKind.MORAL, "友達の考えを聞いて自分の考えを深めました。"),
        (None, RemarkKind.GENERAL, "学級のリーダーとして活躍した。"),
        (None, RemarkKind.INTEGRATED_ACTIVITY, "地域の川の環境調べ"),
    ):
        services.remark_save(
            actor=c.teacher,
            student=pupil,
            school=school,
            school_year=c.year,
            term=term,
            kind=kind,
            text=text,
            version=0,
        )
    term_texts = selectors.narratives_for(
        actor=c.teacher, students=c.pupils, school_year=c.year, term=c.terms[1]
    )
    assert term_texts[pupil.pk] == selectors.Narratives(
        remark="係の仕事に責任をもって取り組みました。", moral="友達の考えを聞いて自分の考えを深めました。"
    )
    assert term_texts[other.pk] == selectors.Narratives()
    # Term 1 is over: the demo wrote every pupil's texts (the 通知表 has real text).
    ended = selectors.narratives_for(actor=c.teacher, students=c.pupils, school_year=c.year, term=c.terms[0])
    assert all(n.remark and n.moral and n.integrated_evaluation for n in ended.values())
    year_texts = selectors.narratives_for(actor=c.principal, students=[pupil], school_year=c.year, term=None)
    assert year_texts[pupil.pk].remark == "学級のリーダーとして活躍した。"
    assert year_texts[pupil.pk].integrated_activity == "地域の川の環境調べ"
    # Another school's teacher reads nothing of it.
    outsider = User.objects.get(username="outsider")
    assert selectors.narratives_for(actor=outsider, students=[pupil], school_year=c.year, term=None) == {
        pupil.pk: selectors.Narratives()
    }


def test_marks_of_a_term_and_of_the_year_end(c: Class) -> None:
    pupil = c.pupils[0]
    services.class_records_save(
        actor=c.teacher,
        term=c.terms[1],
        marks={pupil: ({"service", "basic_habits"}, {"club"})},
        elementary=True,
    )
    services.class_records_save(
        actor=c.teacher, term=c.terms[-1], marks={pupil: ({"fairness"}, set())}, elementary=True
    )
    first = selectors.marks_for(actor=c.teacher, students=c.pupils, term=c.terms[1])
    assert first[pupil.pk] == (["basic_habits", "service"], ["club"])
    assert first[c.pupils[1].pk] == ([], [])
    year_end = selectors.marks_for(actor=c.teacher, students=[pupil], term=None, school_year=c.year)
    assert year_end == {pupil.pk: (["fairness"], [])}
    assert selectors.marks_for(actor=c.teacher, students=[], term=None) == {}
