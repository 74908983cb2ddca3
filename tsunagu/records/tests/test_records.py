"""指導要録 through the pages and services: 出欠の記録 equal to the register, submission and sign-off,
the lock, amendments as versions, retention, logging, PDF, the transfer package and encryption at rest.

The world is the attendance tests' hand-made school (tests/builders.py of attendance: 44 instructional
days in June and September 2026, a 4年 class, its teacher and the principal).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import zipfile
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.testing import force_login
from tsunagu.attendance import services as attendance
from tsunagu.attendance.models import Mark
from tsunagu.attendance.selectors import attendance_summaries
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil
from tsunagu.core import crypto
from tsunagu.core.fields import canonical_json
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import stored_value
from tsunagu.records import services
from tsunagu.records.models import (
    CumulativeRecord,
    EnrolmentSection,
    EnrolmentSectionVersion,
    GuidanceSection,
    GuidanceSectionVersion,
    SectionStatus,
    content_digest,
)
from tsunagu.students.models import EventKind, Student
from tsunagu.students.services import PupilData, student_arrival_record

pytestmark = pytest.mark.django_db
D = dt.date
PASSWORD = "kouchou-pass-2026"
COLUMNS = ("days_instructional", "days_excused", "days_required", "days_absent", "days_present")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> World:
    w = builders.build_world()
    w.principal.set_password(PASSWORD)
    w.principal.save()
    return w


def client_for(user: Any) -> Client:
    return force_login(Client(), user)


def register_totals(world: World) -> dict[int, tuple[int, ...]]:
    """The register's aggregation (attendance's own selector) of the class over the year."""
    found = attendance_summaries(
        actor=world.principal, school=world.school, start=world.year.start_date, end=world.year.end_date
    )
    return {sid: tuple(getattr(s, c) for c in COLUMNS) for sid, s in found.items()}


def open_class(world: World, user: Any = None) -> Client:
    client = client_for(user or world.teacher)
    assert client.get(reverse("records:homeroom", args=[world.homeroom.uuid])).status_code == 200
    return client


def record_of(world: World, pupil: Student) -> CumulativeRecord:
    with system_scope(reason="test looks up a record"):
        return CumulativeRecord.objects.select_related("student", "school").get(
            student=pupil, school=world.school
        )


def shown_attendance(client: Client, record: CumulativeRecord, year: int = 2026) -> tuple[int, ...]:
    response = client.get(reverse("records:record", args=[record.uuid]))
    assert response.status_code == 200
    view = next(y for y in response.context["years"] if y.school_year.year == year)
    return tuple(view.form2["attendance"][c] for c in COLUMNS)


def submit_and_sign(world: World) -> None:
    teacher = open_class(world)
    response = teacher.post(reverse("records:homeroom_submit", args=[world.homeroom.uuid]), {"all": "1"})
    assert response.status_code == 302
    principal = client_for(world.principal)
    response = principal.post(
        reverse("records:homeroom_sign", args=[world.homeroom.uuid]),
        {"all": "1", "action": "sign", "password": PASSWORD},
    )
    assert response.status_code == 302


# --- 出欠の記録 equals the register --------------------------------------------------------------


def test_form2_attendance_of_a_pupil_who_transferred_in_mid_year_equals_the_register(world: World) -> None:
    enrolment = student_arrival_record(
        actor=world.principal,
        school=world.school,
        kind=EventKind.TRANSFER_IN,
        date=D(2026, 9, 7),
        grade_level=world.grade,
        pupil=PupilData("転入", "花子", "てんにゅう", "はなこ", "F", D(2016, 8, 1), address="区内1-2-3"),
        homeroom=world.homeroom,
        roll_number=30,
        previous_school_name="みなと市立第一小学校",
        previous_school_address="みなと市1-1",
        reason="転居のため",
    )
    pupil = enrolment.student
    attendance.marks_write(actor=world.teacher, student=pupil, days=[D(2026, 9, 8)], kind=Mark.ABSENT_ILLNESS)
    attendance.marks_write(
        actor=world.teacher, student=pupil, days=[D(2026, 9, 9)], kind=Mark.MOURNING, detail="祖母"
    )
    client = open_class(world)
    record = record_of(world, pupil)
    # Counted on paper: September from Mon 7 = 18 instructional days; 1 忌引 → 17 required; 1 病欠 → 16.
    assert shown_attendance(client, record) == (18, 1, 17, 1, 16)
    assert shown_attendance(client, record) == register_totals(world)[pupil.pk]
    form1 = client.get(reverse("records:record", args=[record.uuid])).context["form1"]
    assert form1["transfer_in"]["school"] == "みなと市立第一小学校"
    assert form1["transfer_in"]["reason"] == "転居のため"
    assert form1["entry"] is None


def test_form2_attendance_of_a_class_with_a_class_closure_equals_the_register(world: World) -> None:
    pupils = [add_pupil(world.homeroom, roll=n) for n in (1, 2, 3)]
    attendance.closure_create(
        actor=world.principal,
        school=world.school,
        scope="homeroom",
        start_date=D(2026, 6, 15),
        end_date=D(2026, 6, 17),
        reason="インフルエンザによる学級閉鎖",
        homeroom=world.homeroom,
    )
    attendance.marks_write(
        actor=world.teacher, student=pupils[0], days=[D(2026, 6, 2)], kind=Mark.ABSENT_OTHER
    )
    client = open_class(world)
    register = register_totals(world)
    for pupil in [*pupils, world.child]:
        assert shown_attendance(client, record_of(world, pupil)) == register[pupil.pk]
    # 学級閉鎖 keeps the 44 days and counts its 3 days under 出席停止・忌引等.
    assert shown_attendance(client, record_of(world, pupils[0])) == (44, 3, 41, 1, 40)
    assert shown_attendance(client, record_of(world, pupils[1])) == (44, 3, 41, 0, 41)
    # A pupil of the class next door is untouched by the closure.
    other = add_pupil(world.sibling_homeroom, roll=1)
    assert register_totals(world)[other.pk] == (44, 0, 44, 0, 44)


# --- submission, sign-off, lock ------------------------------------------------------------------


def test_sign_off_freezes_the_year_and_locks_it(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    submit_and_sign(world)
    record = record_of(world, pupil)
    with system_scope(reason="test reads the section"):
        section = GuidanceSection.objects.get(record=record, school_year=world.year)
        version = GuidanceSectionVersion.objects.get(section=section)
    assert section.status == SectionStatus.SIGNED
    assert version.signed_by == world.principal and version.signed_at is not None
    assert version.content_sha256 == content_digest(version.content) and version.intact
    client = client_for(world.teacher)
    before = shown_attendance(client, record)
    # The register changes after sign-off: the signed record does not follow.
    attendance.marks_write(actor=world.teacher, student=pupil, days=[D(2026, 9, 1)], kind=Mark.ABSENT_ILLNESS)
    assert register_totals(world)[pupil.pk] == (44, 0, 44, 1, 43)
    assert shown_attendance(client, record) == before == (44, 0, 44, 0, 44)
    # Edits are refused, through the page and the service.
    url = reverse("records:record_drafts", args=[record.uuid, world.year.uuid])
    response = client.post(
        url, {"prior_history": "さくら幼稚園", "next_destination": "", "attendance_note": ""}
    )
    assert response.status_code == 400
    assert "署名済みの指導要録は変更できません" in response.content.decode()
    with pytest.raises(ValidationError):
        services.section_drafts_save(
            actor=world.principal,
            record=record,
            school_year=world.year,
            prior_history="x",
            next_destination="",
            attendance_note="",
        )
    with system_scope(reason="test tries to rewrite a signed version"):
        version.content = {"tampered": True}
        with pytest.raises(ValidationError):
            version.save()


def test_a_wrong_password_signs_nothing(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    teacher = open_class(world)
    teacher.post(reverse("records:homeroom_submit", args=[world.homeroom.uuid]), {"all": "1"})
    response = client_for(world.principal).post(
        reverse("records:homeroom_sign", args=[world.homeroom.uuid]),
        {"all": "1", "action": "sign", "password": "wrong"},
        follow=True,
    )
    assert "パスワードが違います" in response.content.decode()
    with system_scope(reason="test reads the section"):
        section = GuidanceSection.objects.get(record__student=pupil, school_year=world.year)
        assert section.status == SectionStatus.SUBMITTED
        assert not GuidanceSectionVersion.objects.filter(section=section, signed_at__isnull=False).exists()


def test_the_teacher_cannot_sign_and_an_empty_post_submits_nothing(world: World) -> None:
    add_pupil(world.homeroom, roll=1)
    teacher = open_class(world)
    url = reverse("records:homeroom_sign", args=[world.homeroom.uuid])
    assert teacher.post(url, {"all": "1", "password": "x"}).status_code == 403
    teacher.post(reverse("records:homeroom_submit", args=[world.homeroom.uuid]))
    with system_scope(reason="test reads the sections"):
        assert (
            not GuidanceSection.objects.exclude(status=SectionStatus.DRAFT)
            .filter(record__school=world.school)
            .exists()
        )


def test_the_principal_sends_a_year_back_and_it_is_live_again(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    teacher = open_class(world)
    teacher.post(reverse("records:homeroom_submit", args=[world.homeroom.uuid]), {"all": "1"})
    client_for(world.principal).post(
        reverse("records:homeroom_sign", args=[world.homeroom.uuid]), {"all": "1", "action": "return"}
    )
    with system_scope(reason="test reads the section"):
        section = GuidanceSection.objects.get(record__student=pupil, school_year=world.year)
        assert section.status == SectionStatus.DRAFT
        assert not section.versions.exists()


def test_retention_dates_count_from_the_end_of_the_final_year(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    submit_and_sign(world)
    with system_scope(reason="test reads the sections"):
        record = CumulativeRecord.objects.get(student=pupil)
        g = record.guidance_sections.get()
        e = record.enrolment_sections.get()
    # 4年 in 2026 → 6年 ends 2029-03-31; 学籍 20 years, 指導 5 years from then.
    assert e.retention_until == D(2049, 3, 31)
    assert g.retention_until == D(2034, 3, 31)


# --- amendments -----------------------------------------------------------------------------------


def test_an_amendment_is_a_new_signed_version_and_the_first_stays(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    submit_and_sign(world)
    record = record_of(world, pupil)
    url = reverse("records:record_amend", args=[record.uuid, world.year.uuid, "form2"])
    principal = client_for(world.principal)
    assert principal.get(url).status_code == 200
    form = {f"item:{k}": "" for k in services.FORM2_TEXT}
    # Nothing changed: refused.
    response = principal.post(url, {**form, "reason": "確認", "password": PASSWORD})
    assert response.status_code == 400 and "同じです" in response.content.decode()
    # No reason: refused by the form.
    assert principal.post(url, {**form, "item:remark": "訂正", "password": PASSWORD}).status_code == 400
    response = principal.post(
        url,
        {
            **form,
            "item:remark": "計算が得意で、友達に教える姿が見られた。",
            "reason": "所見の記入漏れ",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    with system_scope(reason="test reads the versions"):
        versions = list(GuidanceSectionVersion.objects.filter(section__record=record).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["remark"] == "" and versions[0].intact
    assert versions[1].content["remark"] == "計算が得意で、友達に教える姿が見られた。"
    assert versions[1].reason == "所見の記入漏れ" and versions[1].signed_by == world.principal
    page = principal.get(reverse("records:record", args=[record.uuid]))
    assert "所見の記入漏れ" in page.content.decode()
    assert page.context["years"][-1].form2["remark"] == "計算が得意で、友達に教える姿が見られた。"
    # The homeroom teacher may not amend.
    assert client_for(world.teacher).get(url).status_code == 403


def test_an_amendment_can_read_the_register_again(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    submit_and_sign(world)
    attendance.marks_write(actor=world.teacher, student=pupil, days=[D(2026, 9, 1)], kind=Mark.ABSENT_ILLNESS)
    record = record_of(world, pupil)
    services.section_amend(
        actor=world.principal,
        record=record,
        school_year=world.year,
        form="form2",
        changes={},
        reason="9月1日の欠席の入力漏れ",
        password=PASSWORD,
        reread=True,
    )
    assert shown_attendance(client_for(world.principal), record) == register_totals(world)[pupil.pk]


def test_an_amendment_of_a_year_not_signed_is_refused(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    open_class(world)
    with pytest.raises(ValidationError, match="署名前"):
        services.section_amend(
            actor=world.principal,
            record=record_of(world, pupil),
            school_year=world.year,
            form="form2",
            changes={"remark": "x"},
            reason="r",
            password=PASSWORD,
        )


# --- access, logging, print, package ---------------------------------------------------------------


def test_reading_a_record_is_logged_and_other_teachers_get_404(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    open_class(world)
    record = record_of(world, pupil)
    url = reverse("records:record", args=[record.uuid])
    assert client_for(world.teacher).get(url).status_code == 200
    assert AccessLog.objects.filter(
        actor=world.teacher, student_uuid=pupil.uuid, model="records.CumulativeRecord"
    ).exists()
    assert client_for(world.other_teacher).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.nurse).get(url).status_code == 403
    assert client_for(world.office).get(url).status_code == 403
    assert client_for(world.guardian).get(url).status_code == 403


def test_the_record_prints_as_a_pdf(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    open_class(world)
    response = client_for(world.teacher).get(
        reverse("records:record_pdf", args=[record_of(world, pupil).uuid])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    url = reverse("records:record_pdf", args=[record_of(world, pupil).uuid])
    for query in ("?layout=years", "?copy=1"):
        response = client_for(world.teacher).get(url + query)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_transfer_package_carries_the_copy_for_the_principal_only(world: World) -> None:
    from tsunagu.students.package import transfer_package

    pupil = add_pupil(world.homeroom, roll=1)
    submit_and_sign(world)
    body, manifest = transfer_package(actor=world.principal, student=pupil, school=world.school)
    guidance = next(s for s in manifest["sections"] if s["key"] == "guidance")
    assert guidance["status"] == "included"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        copy = json.loads(archive.read("sections/guidance/copy.json"))
    assert copy["years"][0]["final"] is True
    assert copy["years"][0]["form2"]["attendance"]["days_instructional"] == 44
    _, manifest = transfer_package(actor=world.office, student=pupil, school=world.school)
    assert next(s for s in manifest["sections"] if s["key"] == "guidance")["status"] == "pending"


# --- encryption at rest (decision 0020) -----------------------------------------------------------

HISTORY = "小児慢性疾患で1年間入院の後に入学"
ABSENCE_NOTE = "通院のため月2回の欠席"
AMENDED_REMARK = "病気療養中も課題に粘り強く取り組んだ。"
AMEND_REASON = "療養中の記述の追加"


def _signed_and_amended(world: World, pupil: Student) -> CumulativeRecord:
    """The pupil's year with the teacher's class-I items, signed off, then amended by the principal."""
    teacher = open_class(world)  # opening the class page opens the records
    record = record_of(world, pupil)
    response = teacher.post(
        reverse("records:record_drafts", args=[record.uuid, world.year.uuid]),
        {"prior_history": HISTORY, "next_destination": "", "attendance_note": ABSENCE_NOTE},
    )
    assert response.status_code == 302
    submit_and_sign(world)
    services.section_amend(
        actor=world.principal,
        record=record,
        school_year=world.year,
        form="form2",
        changes={"remark": AMENDED_REMARK},
        reason=AMEND_REASON,
        password=PASSWORD,
    )
    return record


def test_the_frozen_year_and_its_items_are_stored_encrypted_and_the_signature_still_verifies(
    world: World,
) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    record = _signed_and_amended(world, pupil)
    with system_scope(reason="test reads the versions and sections"):
        versions = list(GuidanceSectionVersion.objects.filter(section__record=record).order_by("number"))
        form1 = EnrolmentSectionVersion.objects.get(section__record=record)
        section = GuidanceSection.objects.get(record=record, school_year=world.year)
        enrolment = EnrolmentSection.objects.get(record=record, school_year=world.year)
    stored = [
        stored_value(GuidanceSectionVersion, "content", versions[0].pk),
        stored_value(GuidanceSectionVersion, "content", versions[1].pk),
        stored_value(GuidanceSectionVersion, "reason", versions[1].pk),
        stored_value(EnrolmentSectionVersion, "content", form1.pk),
        stored_value(GuidanceSection, "attendance_note", section.pk),
        stored_value(EnrolmentSection, "prior_history", enrolment.pk),
    ]
    for value in stored:
        assert value.startswith("enc1:"), value[:40]
        for plain in (HISTORY, ABSENCE_NOTE, AMENDED_REMARK, AMEND_REASON, pupil.full_name):
            assert plain not in value
    # The application reads the values; the digests are over the plain content, so both versions verify.
    assert form1.content["prior_history"] == HISTORY and form1.intact
    assert versions[0].content["attendance"]["note"] == ABSENCE_NOTE and versions[0].intact
    assert versions[1].content["remark"] == AMENDED_REMARK and versions[1].intact
    assert [v.content_sha256 for v in versions] == [content_digest(v.content) for v in versions]
    assert versions[1].reason == AMEND_REASON
    page = client_for(world.principal).get(reverse("records:record", args=[record.uuid])).content.decode()
    assert AMENDED_REMARK in page and AMEND_REASON in page and HISTORY in page


def test_the_migration_step_decrypts_for_a_rollback_and_encrypts_again(world: World) -> None:
    """records 0003: backwards the columns hold plain canonical JSON and text (what 0002's reversal turns
    back into json/varchar), forwards tokens again; the content and its digest do not change."""
    step = importlib.import_module("tsunagu.records.migrations.0003_encrypt_existing_rows")
    pupil = add_pupil(world.homeroom, roll=1)
    record = _signed_and_amended(world, pupil)
    with system_scope(reason="test reads the versions"):
        before = {v.pk: v for v in GuidanceSectionVersion.objects.filter(section__record=record)}
    editor = SimpleNamespace(connection=connection)
    step.decrypt_rows(django_apps, editor)
    for pk, version in before.items():
        plain = stored_value(GuidanceSectionVersion, "content", pk)
        assert (
            plain == canonical_json(version.content)
            and content_digest(json.loads(plain)) == version.content_sha256
        )
    assert stored_value(GuidanceSectionVersion, "reason", max(before)) == AMEND_REASON
    step.encrypt_rows(django_apps, editor)
    step.encrypt_rows(django_apps, editor)  # a second run leaves tokens as they are
    with system_scope(reason="test reads the versions"):
        after = {v.pk: v for v in GuidanceSectionVersion.objects.filter(section__record=record)}
    for pk, version in after.items():
        assert crypto.is_token(stored_value(GuidanceSectionVersion, "content", pk))
        assert version.content == before[pk].content and version.intact
    assert crypto.is_token(stored_value(GuidanceSectionVersion, "reason", max(before)))


def test_frozen_content_cannot_be_searched_in_sql(world: World) -> None:
    with system_scope(reason="test"), pytest.raises(FieldError):
        list(GuidanceSectionVersion.objects.filter(content__remark=AMENDED_REMARK))
