"""年次更新: the 仮 run lists every change, the commit does exactly that, atomically, and a second run
changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, SchoolYear
from tsunagu.students import services
from tsunagu.students.imports import Status, register_import_plan
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import ClientAs
from tsunagu.students.tests.test_imports_register import csv_bytes, row

pytestmark = pytest.mark.django_db

as_user = cast.as_user


def principal() -> User:
    return User.objects.get(username="principal")


def snapshot(school: Any) -> dict[str, Any]:
    """Everything a roll-over may touch, to compare before and after."""
    with system_scope(reason="test takes a snapshot"):
        return {
            "enrolments": sorted(
                Enrolment.objects.filter(school=school).values_list(
                    "id", "end_date", "homeroom_id", "roll_number"
                )
            ),
            "events": EnrolmentEvent.objects.filter(enrolment__school=school).count(),
            "homerooms": Homeroom.objects.filter(school=school).count(),
            "years": SchoolYear.objects.count(),
            "grants": sorted(
                RoleAssignment.objects.filter(school_year__homerooms__school=school)
                .distinct()
                .values_list("id", "ends_on")
            ),
        }


def open_this_year(ward: Any, school: Any) -> list[Enrolment]:
    with system_scope(reason="test reads enrolments"):
        return list(
            Enrolment.objects.filter(school=school, school_year=ward.school_year, end_date__isnull=True)
            .select_related("grade_level", "homeroom", "student")
            .order_by("id")
        )


def test_the_provisional_run_lists_every_change_and_writes_nothing(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    before = snapshot(sakura)
    enrolments = open_this_year(ward, sakura)
    plan = services.year_rollover_plan(actor=principal(), school=sakura, from_year=ward.school_year)
    assert snapshot(sakura) == before
    assert len(plan.changes) == len(enrolments)
    sixth = [e for e in enrolments if e.grade_level.code == "P6"]
    assert len(plan.graduations) == len(sixth) > 0
    assert all(c.to_grade for c in plan.promotions)
    # Next year keeps the class structure: every class of this year, the special-needs class included.
    with system_scope(reason="test reads homerooms"):
        this_year = Homeroom.objects.filter(school=sakura, school_year=ward.school_year).count()
    assert len(plan.new_homerooms) == this_year
    assert plan.assignments_to_close  # the principal's, office's, teachers' grants of this year


def test_the_roll_over_promotes_graduates_and_creates_next_year(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    enrolments = open_this_year(ward, sakura)
    plan = services.year_rollover_commit(actor=principal(), school=sakura, from_year=ward.school_year)
    year = ward.school_year
    with system_scope(reason="test checks the roll-over"):
        next_year = SchoolYear.objects.get(year=year.year + 1)
        for old in enrolments:
            old.refresh_from_db()
            events = {e.kind for e in EnrolmentEvent.objects.filter(student=old.student_id)}
            if old.grade_level.code == "P6":
                assert old.end_date == year.end_date and EventKind.GRADUATION in events
                assert not Enrolment.objects.filter(student=old.student_id, school_year=next_year).exists()
                continue
            assert old.end_date == year.end_date  # closed, not overwritten
            latest = Enrolment.history.filter(id=old.pk).order_by("-history_id").first()
            assert (
                latest.end_date == year.end_date and latest.history_user == principal()
            )  # the change is logged
            new = Enrolment.objects.select_related("grade_level", "homeroom").get(
                student=old.student_id, end_date__isnull=True
            )
            assert new.school_year == next_year and new.start_date == next_year.start_date
            assert new.grade_level.order == old.grade_level.order + 1
            assert old.homeroom is not None and new.homeroom is not None
            if old.homeroom.is_special_needs:
                assert new.homeroom.name == old.homeroom.name and new.roll_number is None
            else:
                assert new.homeroom.name == old.homeroom.name  # the default keeps the class number
                assert new.homeroom.grade_level == new.grade_level and new.roll_number
            assert EventKind.PROMOTION in events
        # Roll numbers in each new class run 1..n in kana order.
        for room in Homeroom.objects.filter(school=sakura, school_year=next_year, is_special_needs=False):
            members = list(
                Enrolment.objects.filter(homeroom=room).order_by("roll_number").select_related("student")
            )
            assert [e.roll_number for e in members] == list(range(1, len(members) + 1))
            assert [e.student.full_name_kana for e in members] == sorted(
                e.student.full_name_kana for e in members
            )
        closed = RoleAssignment.objects.filter(pk__in=[a for a, _ in plan.assignments_to_close])
        assert {a.ends_on for a in closed} == {year.end_date}


def test_a_second_run_changes_nothing(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    services.year_rollover_commit(actor=principal(), school=sakura, from_year=ward.school_year)
    after_first = snapshot(sakura)
    plan = services.year_rollover_plan(actor=principal(), school=sakura, from_year=ward.school_year)
    assert plan.is_empty and plan.already_rolled > 0
    services.year_rollover_commit(actor=principal(), school=sakura, from_year=ward.school_year)
    assert snapshot(sakura) == after_first


def test_a_failure_midway_leaves_the_year_intact(ward: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sakura = ward.schools["sakura"]
    before = snapshot(sakura)
    seen: list[Any] = []

    def fail_at_the_sixth_pupil(change: Any) -> None:
        seen.append(change)
        if len(seen) == 6:
            raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_rollover_checkpoint", fail_at_the_sixth_pupil)
    with pytest.raises(RuntimeError):
        services.year_rollover_commit(actor=principal(), school=sakura, from_year=ward.school_year)
    assert len(seen) == 6
    assert snapshot(sakura) == before  # no closed enrolment, no homeroom, no school year, no grant ended


def test_the_class_formation_table_moves_pupils_and_sets_roll_numbers(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    rows = list(
        csv.reader(
            io.StringIO(
                "\n".join(
                    ",".join(r)
                    for r in services.formation_template_rows(
                        actor=principal(), school=sakura, from_year=ward.school_year
                    )
                )
            )
        )
    )
    header, lines = rows[0], rows[1:]
    assert header[0] == "児童生徒ID" and "新学級" in header
    mover = next(line for line in lines if line[1] == "3年" and line[7] == "1組")
    mover[7], mover[8] = "2組", "40"
    formation = {line[0]: (line[7], int(line[8]) if line[8] else None) for line in [mover]}
    import uuid

    plan = services.year_rollover_commit(
        actor=principal(),
        school=sakura,
        from_year=ward.school_year,
        formation={uuid.UUID(k): v for k, v in formation.items()},
    )
    change = next(c for c in plan.changes if str(c.student_uuid) == mover[0])
    assert change.from_table and change.to_class == "4年2組" and change.to_roll == 40
    with system_scope(reason="test checks the move"):
        new = Enrolment.objects.select_related("homeroom").get(student__uuid=mover[0], end_date__isnull=True)
    assert new.homeroom.display_name == "4年2組" and new.roll_number == 40


def test_a_bad_table_or_date_is_refused(ward: Any) -> None:
    import uuid

    sakura = ward.schools["sakura"]
    with pytest.raises(ValidationError) as caught:
        services.year_rollover_plan(
            actor=principal(),
            school=sakura,
            from_year=ward.school_year,
            formation={uuid.uuid4(): ("1組", None)},
        )
    assert "進級しない児童生徒" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        services.year_rollover_plan(
            actor=principal(),
            school=sakura,
            from_year=ward.school_year,
            graduation_date=ward.school_year.end_date + dt.timedelta(days=1),
        )
    assert "卒業の日" in " ".join(caught.value.messages)
    plan = services.year_rollover_plan(actor=principal(), school=sakura, from_year=ward.school_year)
    with pytest.raises(ValidationError):
        services.year_rollover_commit(
            actor=principal(), school=sakura, from_year=ward.school_year, expected_digest=plan.digest + "x"
        )


def test_graduates_can_enter_the_junior_high_from_the_register(ward: Any) -> None:
    """After さくら小's roll-over, みどり中's 学齢簿 row for a 6th-grader adds the 入学 to the same pupil."""
    sakura, midori = ward.schools["sakura"], ward.schools["midori"]
    sixth = next(e for e in open_this_year(ward, sakura) if e.grade_level.code == "P6")
    pupil = sixth.student
    data = csv_bytes(
        [
            row(
                midori,
                学年="J1",
                入学年月日=f"{ward.school_year.year + 1}-04-07",
                氏=pupil.family_name,
                名=pupil.given_name,
                氏ふりがな=pupil.family_name_kana,
                名ふりがな=pupil.given_name_kana,
                生年月日=pupil.birth_date.isoformat(),
            )
        ]
    )
    board = User.objects.get(username="board")
    assert not register_import_plan(actor=board, data=data).ok  # still enrolled at さくら小
    services.year_rollover_commit(actor=principal(), school=sakura, from_year=ward.school_year)
    plan = register_import_plan(actor=board, data=data)
    assert plan.ok and plan.rows[0].status == Status.LINK and plan.rows[0].student_id == pupil.pk


# --- the page ------------------------------------------------------------------------------------


def test_the_page_previews_then_commits(as_user: ClientAs, ward: Any) -> None:
    sakura = ward.schools["sakura"]
    url = reverse("students:year_rollover", args=[sakura.uuid])
    office = as_user("office")
    assert office.get(url).status_code == 200
    fields = {"from_year": ward.school_year.pk, "graduation_date": ward.school_year.end_date.isoformat()}
    preview = office.post(url, {**fields, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "仮実行の結果" in html and "年次更新を実行する" in html
    plan = preview.context["plan"]
    assert open_this_year(ward, sakura) != []  # nothing written yet
    done = office.post(url, {**fields, "commit": "1", "digest": plan.digest, "formation_data": ""})
    assert "完了しました" in done.content.decode()
    assert open_this_year(ward, sakura) == []
    again = office.post(url, {**fields, "commit": "1", "digest": plan.digest})
    assert "すでに済んでいた" in again.content.decode()  # a second click changes nothing
    assert "年次更新は済んでいます" in office.post(url, {**fields, "preview": "1"}).content.decode()


def test_the_page_takes_an_uploaded_formation_table(as_user: ClientAs, ward: Any) -> None:
    sakura = ward.schools["sakura"]
    office = as_user("office")
    template = office.get(reverse("students:rollover_formation_csv", args=[sakura.uuid]))
    assert template["Content-Type"].startswith("text/csv")
    text = template.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    lines[1][7] = "7組"  # a class that does not exist yet: the roll-over creates it
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    upload = SimpleUploadedFile("formation.csv", out.getvalue().encode("cp932"), content_type="text/csv")
    response = office.post(
        reverse("students:year_rollover", args=[sakura.uuid]),
        {
            "from_year": ward.school_year.pk,
            "graduation_date": ward.school_year.end_date.isoformat(),
            "formation": upload,
            "preview": "1",
        },
    )
    plan = response.context["plan"]
    assert any(h.name == "7組" for h in plan.new_homerooms)
    assert response.context["formation_data"]  # carried to the confirm form


def test_a_bad_formation_table_is_reported_by_row(as_user: ClientAs, ward: Any) -> None:
    sakura = ward.schools["sakura"]
    upload = SimpleUploadedFile(
        "f.csv", "児童生徒ID,新学級,新出席番号\nxyz,1組,\n".encode(), content_type="text/csv"
    )
    response = as_user("office").post(
        reverse("students:year_rollover", args=[sakura.uuid]),
        {
            "from_year": ward.school_year.pk,
            "graduation_date": ward.school_year.end_date.isoformat(),
            "formation": upload,
            "preview": "1",
        },
    )
    problems = response.context["formation_problems"]
    assert [(p.row, p.column) for p in problems] == [(2, "児童生徒ID")]
    assert "ひな形の児童生徒IDではありません" in response.content.decode()


def test_a_pupil_arriving_after_the_graduation_ceremony_is_still_promoted(ward: Any) -> None:
    sakura, year = ward.schools["sakura"], ward.school_year
    graduation = year.end_date - dt.timedelta(days=12)
    with system_scope(reason="test picks a grade"):
        p3 = Homeroom.objects.get(school=sakura, school_year=year, grade_level__code="P3", name="1組")
    arrival = services.student_arrival_record(
        actor=principal(),
        school=sakura,
        kind=EventKind.TRANSFER_IN,
        date=graduation + dt.timedelta(days=3),
        grade_level=p3.grade_level,
        homeroom=p3,
        pupil=services.PupilData("春野", "陽", "はるの", "よう", "M", dt.date(year.year - 9, 5, 1)),
        previous_school_name="みなと市立ひばり小学校",
        reason="転居",
    )
    plan = services.year_rollover_plan(
        actor=principal(), school=sakura, from_year=year, graduation_date=graduation
    )
    change = next(c for c in plan.changes if c.enrolment_id == arrival.pk)
    assert not change.graduates and change.to_class == "4年1組"


# --- next year's homeroom teachers from the 担任 column -------------------------------------------


def _table_with_teacher(ward: Any, teacher: str, *, second: str = "") -> bytes:
    """The formation table of さくら小 with ``teacher`` written for every pupil of 3年1組 (going to 4年1組),
    and ``second`` for the first of them only (to name two teachers for one class)."""
    rows = list(
        services.formation_template_rows(
            actor=principal(), school=ward.schools["sakura"], from_year=ward.school_year
        )
    )
    at = rows[0].index("担任")
    movers = [r for r in rows[1:] if r[1] == "3年" and r[2] == "3年1組"]
    assert movers, "さくら小 has pupils in 3年1組"
    for r in movers:
        r[at] = teacher
    if second:
        movers[0][at] = second
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _next_years_grants(ward: Any) -> list[RoleAssignment]:
    with system_scope(reason="test reads next year's grants"):
        return list(
            RoleAssignment.objects.filter(
                user__username="teacher", role="homeroom_teacher", school_year__year=ward.school_year.year + 1
            ).select_related("homeroom__grade_level")
        )


def test_the_teacher_column_assigns_next_years_homeroom_teacher(ward: Any) -> None:
    from tsunagu.students.imports import parse_formation, parse_formation_teachers

    data = _table_with_teacher(ward, "青山　はるか")
    formation, problems = parse_formation(data)
    assert not problems
    teachers = parse_formation_teachers(data)
    arguments = {"actor": principal(), "school": ward.schools["sakura"], "from_year": ward.school_year}
    plan = services.year_rollover_plan(**arguments, formation=formation, teachers=teachers)
    assert [(t.label, t.staff_name, t.exists) for t in plan.homeroom_teachers] == [
        ("4年1組", "青山 はるか", False)
    ]
    assert not _next_years_grants(ward)
    services.year_rollover_commit(
        **arguments, formation=formation, teachers=teachers, expected_digest=plan.digest
    )
    grants = _next_years_grants(ward)
    assert len(grants) == 1 and grants[0].homeroom is not None
    assert (
        grants[0].homeroom.display_name == "4年1組"
        and grants[0].homeroom.school_year.year == ward.school_year.year + 1
    )
    # Run again (the pupils are rolled over already): nothing left to do, no second grant.
    assert services.year_rollover_plan(**arguments).is_empty
    services.year_rollover_commit(**arguments)
    assert len(_next_years_grants(ward)) == 1


def test_an_unknown_or_doubled_teacher_is_refused(ward: Any) -> None:
    from tsunagu.students.imports import parse_formation, parse_formation_teachers

    arguments = {"actor": principal(), "school": ward.schools["sakura"], "from_year": ward.school_year}
    for data, text in (
        (_table_with_teacher(ward, "山田 花子"), "教職員に見つかりません"),
        (_table_with_teacher(ward, "青山 はるか", second="principal"), "２人の担任"),
    ):
        formation, _ = parse_formation(data)
        with pytest.raises(ValidationError) as error:
            services.year_rollover_plan(
                **arguments, formation=formation, teachers=parse_formation_teachers(data)
            )
        assert text in " ".join(error.value.messages)


def test_a_failure_after_the_pupils_are_written_leaves_the_year_intact(
    ward: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure comes after the enrolments were closed and opened, while assigning the teachers."""
    from tsunagu.students.imports import parse_formation, parse_formation_teachers

    sakura = ward.schools["sakura"]
    data = _table_with_teacher(ward, "teacher")  # the login name works as well as the name
    before = snapshot(sakura)

    def broken(**_: Any) -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "teaching_assignment_create", broken)
    with pytest.raises(RuntimeError):
        services.year_rollover_commit(
            actor=principal(),
            school=sakura,
            from_year=ward.school_year,
            formation=parse_formation(data)[0],
            teachers=parse_formation_teachers(data),
        )
    assert snapshot(sakura) == before
    assert not _next_years_grants(ward)
