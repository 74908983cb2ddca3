"""The fail-closed manager: scoped models cannot be read without an actor or a logged system scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.accounts.selectors import actor_assignments
from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import UnscopedQueryError, system_scope
from tsunagu.core.wareki import school_year_bounds, school_year_of
from tsunagu.org.models import Board, GradeLevel, Homeroom, Municipality, School, SchoolYear
from tsunagu.students.models import Enrolment, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_school() -> dict:
    """One school, two homerooms, a pupil in each, and a homeroom teacher of the first."""
    start, end = school_year_bounds(school_year_of(timezone.localdate()))
    year = SchoolYear.objects.get_or_create(year=start.year, defaults={"start_date": start, "end_date": end})[
        0
    ]
    muni = Municipality.objects.create(name="テスト区", code="990001", prefecture="東京都")
    board = Board.objects.create(municipality=muni, name="テスト区教育委員会")
    school = School.objects.create(board=board, mext_code="B113199000019", name="テスト小学校", kind="B1")
    grade = GradeLevel.objects.get_or_create(code="P4", defaults={"stage": "P", "number": 4, "order": 4})[0]
    rooms = [
        Homeroom.objects.create(school=school, school_year=year, grade_level=grade, name=f"{n}組", order=n)
        for n in (1, 2)
    ]
    pupils = []
    for n, room in enumerate(rooms):
        pupil = Student.objects.create(
            family_name="山田",
            given_name=f"太郎{n}",
            family_name_kana="やまだ",
            given_name_kana="たろう",
            sex="M",
            birth_date=dt.date(2080, 5, 1),
        )
        Enrolment.objects.create(
            student=pupil,
            school=school,
            school_year=year,
            grade_level=grade,
            homeroom=room,
            roll_number=1,
            start_date=year.start_date,
        )
        pupils.append(pupil)
    teacher = User.objects.create_user("scope-teacher", password="unused-password-123")
    RoleAssignment.objects.create(user=teacher, role="homeroom_teacher", school_year=year, homeroom=rooms[0])
    return {"year": year, "school": school, "rooms": rooms, "pupils": pupils, "teacher": teacher}


def test_unscoped_read_of_a_scoped_model_raises(small_school: dict) -> None:
    with pytest.raises(UnscopedQueryError):
        list(Student.objects.all())
    with pytest.raises(UnscopedQueryError):
        Student.objects.filter(family_name="山田").count()
    with pytest.raises(UnscopedQueryError):
        Student.objects.exists()
    with pytest.raises(UnscopedQueryError):
        Student.objects.get(pk=small_school["pupils"][0].pk)


def test_unscoped_bulk_write_of_a_scoped_model_raises(small_school: dict) -> None:
    with pytest.raises(UnscopedQueryError):
        Student.objects.update(needs_care=True)
    with pytest.raises(UnscopedQueryError):
        Student.objects.filter(pk=small_school["pupils"][0].pk).delete()


def test_reverse_relations_are_scoped_too(small_school: dict) -> None:
    pupil = small_school["pupils"][0]
    with pytest.raises(UnscopedQueryError):
        list(pupil.enrolments.all())
    assert pupil.enrolments.visible_to(small_school["teacher"], "view").count() == 1
    other = small_school["pupils"][1]
    assert other.enrolments.visible_to(small_school["teacher"], "view").count() == 0


def test_prefetch_needs_a_scoped_queryset(small_school: dict) -> None:
    teacher = small_school["teacher"]
    with pytest.raises(UnscopedQueryError):
        list(Student.objects.visible_to(teacher).prefetch_related("enrolments"))
    rows = list(
        Student.objects.visible_to(teacher).prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.visible_to(teacher))
        )
    )
    assert [len(r.enrolments.all()) for r in rows] == [1]


def test_visible_to_narrows_to_the_actor(small_school: dict) -> None:
    visible = list(Student.objects.visible_to(small_school["teacher"], "view"))
    assert visible == [small_school["pupils"][0]]


def test_an_actor_without_a_rule_sees_nothing(small_school: dict) -> None:
    nobody = User.objects.create_user("scope-nobody", password="unused-password-123")
    assert Student.objects.visible_to(nobody, "view").count() == 0
    # An action no rule mentions grants nothing, even to a teacher with a role.
    assert Student.objects.visible_to(small_school["teacher"], "obliterate").count() == 0


def test_a_role_of_another_school_year_grants_nothing(small_school: dict) -> None:
    other_year = SchoolYear.objects.create(
        year=2090, start_date=dt.date(2090, 4, 1), end_date=dt.date(2091, 3, 31)
    )
    former = User.objects.create_user("scope-former", password="unused-password-123")
    RoleAssignment.objects.create(
        user=former, role="homeroom_teacher", school_year=other_year, homeroom=small_school["rooms"][0]
    )
    assert Student.objects.visible_to(former, "view").count() == 0
    assert actor_assignments(former, on=dt.date(2090, 6, 1))
    assert actor_assignments(former) == []


def test_role_dates_inside_the_year_are_respected(small_school: dict) -> None:
    teacher = small_school["teacher"]
    RoleAssignment.objects.filter(user=teacher).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert Student.objects.visible_to(User.objects.get(pk=teacher.pk), "view").count() == 0


def test_system_scope_allows_and_is_logged(small_school: dict) -> None:
    before = AuditEvent.objects.filter(kind="system_scope").count()
    with system_scope(reason="nightly aggregate"):
        assert Student.objects.filter(enrolments__school=small_school["school"]).count() == 2
    events = AuditEvent.objects.filter(kind="system_scope")
    assert events.count() == before + 1
    assert events.filter(detail={"reason": "nightly aggregate"}).count() == 1
    with pytest.raises(UnscopedQueryError):
        Student.objects.count()


def test_system_scope_needs_a_reason() -> None:
    with pytest.raises(ValueError), system_scope(reason="  "):
        pass


def test_uniqueness_checks_run_without_a_scope(small_school: dict) -> None:
    pupil = small_school["pupils"][0]
    pupil.full_clean()  # validate_unique queries the scoped manager internally
