"""学齢簿 import: every row checked first, problems by row and column in Japanese, all or nothing,
idempotent, UTF-8 (BOM or not) and Shift_JIS accepted."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.students.imports import COLUMN_NAMES, Status, register_import_commit, register_import_plan
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import ClientAs

pytestmark = pytest.mark.django_db

as_user = cast.as_user

HEADER = list(COLUMN_NAMES)


def row(school: Any, **values: str) -> dict[str, str]:
    """A valid row for next year's 1st grade at ``school``; ``values`` override columns."""
    year = dt.date.today().year + (1 if dt.date.today().month >= 4 else 0)
    base = {
        "学校コード": school.mext_code,
        "入学年月日": f"{year}-04-06",
        "学年": "P1",
        "氏": "春野",
        "名": "さくら",
        "氏ふりがな": "はるの",
        "名ふりがな": "さくら",
        "性別": "女",
        "生年月日": f"{year - 7}/05/10",
        "郵便番号": "1000001",
        "住所": "東京都すずかけ区中央1-1-1",
        "保護者氏": "春野",
        "保護者名": "花子",
        "保護者氏ふりがな": "ハルノ",
        "保護者名ふりがな": "ハナコ",
        "続柄": "母",
        "保護者電話": "090-1234-5678",
    }
    base.update(values)
    return base


def csv_bytes(
    rows: list[dict[str, str]], *, encoding: str = "utf-8", header: list[str] | None = None
) -> bytes:
    columns = header or HEADER
    lines = [",".join(columns)] + [",".join(r.get(c, "") for c in columns) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def user(username: str) -> User:
    return User.objects.get(username=username)


def three_pupils(school: Any) -> list[dict[str, str]]:
    return [
        row(school),
        row(school, 氏="夏目", 名="蓮", 氏ふりがな="なつめ", 名ふりがな="れん", 性別="男", 保護者氏="夏目"),
        row(school, 氏="秋山", 名="楓", 氏ふりがな="あきやま", 名ふりがな="かえで", 保護者氏="", 保護者名="",
            保護者氏ふりがな="", 保護者名ふりがな="", 続柄=""),
    ]  # fmt: skip


def imported(school: Any) -> list[Enrolment]:
    with system_scope(reason="test reads the import"):
        return list(
            Enrolment.objects.filter(
                school=school, events__kind=EventKind.ENTRY, start_date__gt=dt.date.today()
            )
            .select_related("student")
            .order_by("id")
        )


# --- the good path -------------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_written_with_history(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    data = csv_bytes(three_pupils(sakura))
    plan = register_import_plan(actor=user("office"), data=data)
    assert plan.ok and plan.encoding == "UTF-8"
    assert [r.status for r in plan.rows] == [Status.NEW] * 3
    assert imported(sakura) == []  # the preview wrote nothing

    register_import_commit(actor=user("office"), data=data, expected_digest=plan.digest)
    enrolments = imported(sakura)
    assert len(enrolments) == 3
    first = enrolments[0]
    assert first.grade_level.code == "P1" and first.homeroom is None
    assert first.student.postal_code == "100-0001"
    with system_scope(reason="test reads the import"):
        event = EnrolmentEvent.objects.get(enrolment=first)
        link = first.student.guardian_links.select_related("guardian").get()
        assert enrolments[2].student.guardian_links.count() == 0
    assert event.kind == EventKind.ENTRY and event.date == first.start_date
    assert link.guardian.family_name_kana == "はるの"  # katakana readings are stored in hiragana


def test_importing_the_same_file_again_writes_nothing(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    data = csv_bytes(three_pupils(sakura))
    register_import_commit(actor=user("office"), data=data)
    with system_scope(reason="test counts"):
        before = (Student.objects.count(), Enrolment.objects.count(), EnrolmentEvent.objects.count())
    plan = register_import_plan(actor=user("office"), data=data)
    assert plan.ok and plan.to_write == [] and len(plan.already_there) == 3
    register_import_commit(actor=user("office"), data=data)
    with system_scope(reason="test counts"):
        assert (Student.objects.count(), Enrolment.objects.count(), EnrolmentEvent.objects.count()) == before


@pytest.mark.parametrize(
    "encoding,bom,label",
    [("utf-8", b"", "UTF-8"), ("utf-8", b"\xef\xbb\xbf", "UTF-8（BOM付き）"), ("cp932", b"", "Shift_JIS")],
)
def test_utf8_with_or_without_bom_and_shift_jis_are_read(
    ward: Any, encoding: str, bom: bytes, label: str
) -> None:
    data = bom + csv_bytes(three_pupils(ward.schools["sakura"]), encoding=encoding)
    plan = register_import_plan(actor=user("office"), data=data)
    assert plan.ok, plan.problems
    assert plan.encoding == label
    assert plan.rows[0].pupil.family_name == "春野"


def test_widths_and_kana_are_normalised(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    data = csv_bytes([row(sakura, 学年="小１", 氏ふりがな="ﾊﾙﾉ", 郵便番号="１００－０００１", 性別="2")])
    plan = register_import_plan(actor=user("office"), data=data)
    assert plan.ok, plan.problems
    (only,) = plan.rows
    assert only.grade.code == "P1" and only.pupil.family_name_kana == "はるの"
    assert only.pupil.postal_code == "100-0001" and only.pupil.sex == "F"


# --- problems: nothing written, each reported by row and column in Japanese -------------------------


def problems(plan: Any) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in plan.problems]


def test_a_file_in_another_encoding_is_refused(ward: Any) -> None:
    good = csv_bytes(three_pupils(ward.schools["sakura"]))
    for data in (good.decode().encode("utf-16"), good.decode().encode("euc_jp")):
        plan = register_import_plan(actor=user("office"), data=data)
        assert not plan.ok
        assert any("文字コード" in message or "UTF-16" in message for _, _, message in problems(plan))


def test_missing_columns_are_named(ward: Any) -> None:
    header = [c for c in HEADER if c not in ("生年月日", "性別")]
    plan = register_import_plan(
        actor=user("office"), data=csv_bytes([row(ward.schools["sakura"])], header=header)
    )
    assert {(r, c) for r, c, _ in problems(plan)} == {(1, "生年月日"), (1, "性別")}
    assert "必須の列「生年月日」がありません" in plan.problems[0].message + plan.problems[1].message


def test_every_bad_row_is_reported_and_nothing_is_written(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    rows = [
        row(sakura),
        row(sakura, 学校コード="B11319999999X"),  # no such school
        row(sakura, 氏="冬木", 生年月日="2020-02-30", 性別="?"),  # bad date and sex
        row(sakura, 氏="冬木", 名="", 氏ふりがな="ふゆき1"),  # missing name, bad reading
        row(sakura),  # the same pupil as row 2
        row(sakura, 氏="雪野", 学年="P3"),  # 入学 is into the first grade only
    ]
    data = csv_bytes(rows)
    plan = register_import_plan(actor=user("office"), data=data)
    found = {(r, c) for r, c, _ in problems(plan)}
    assert {
        (3, "学校コード"),
        (4, "生年月日"),
        (4, "性別"),
        (5, "名"),
        (5, "氏ふりがな"),
        (6, "氏"),
        (7, "学年"),
    } <= found
    messages = " ".join(m for _, _, m in problems(plan))
    for text in ("区内にありません", "2行目と同じ児童生徒です", "必須です", "ひらがなまたはカタカナ"):
        assert text in messages
    with pytest.raises(ValidationError) as caught:
        register_import_commit(actor=user("office"), data=data)
    assert "3行目 学校コード" in " ".join(caught.value.messages)
    assert imported(sakura) == []  # not even the good first row


def test_a_pupil_already_enrolled_in_the_ward_is_a_duplicate(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    with system_scope(reason="test picks a pupil"):
        pupil = Student.objects.filter(enrolments__school=sakura, enrolments__end_date__isnull=True).first()
    assert pupil is not None
    data = csv_bytes(
        [
            row(
                sakura,
                氏=pupil.family_name,
                名=pupil.given_name,
                氏ふりがな=pupil.family_name_kana,
                名ふりがな=pupil.given_name_kana,
                生年月日=pupil.birth_date.isoformat(),
            )
        ]
    )
    plan = register_import_plan(actor=user("office"), data=data)
    assert [(r, c) for r, c, _ in problems(plan)] == [(2, "氏")]
    assert "二重登録" in plan.problems[0].message


def test_a_school_may_import_only_its_own_pupils_and_the_board_any(ward: Any) -> None:
    data = csv_bytes([row(ward.schools["kaede"])])
    plan = register_import_plan(actor=user("office"), data=data)
    assert [(r, c) for r, c, _ in problems(plan)] == [(2, "学校コード")]
    assert "権限がありません" in plan.problems[0].message
    assert register_import_plan(actor=user("board"), data=data).ok


def test_a_class_must_exist_and_roll_numbers_must_be_free(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    data = csv_bytes([row(sakura, 学級="9組", 出席番号="1"), row(sakura, 氏="夏目", 出席番号="2")])
    found = {(r, c) for r, c, _ in problems(register_import_plan(actor=user("office"), data=data))}
    assert found == {(2, "学級"), (3, "出席番号")}


def test_a_late_digest_refuses_the_commit(ward: Any) -> None:
    data = csv_bytes(three_pupils(ward.schools["sakura"]))
    with pytest.raises(ValidationError):
        register_import_commit(actor=user("office"), data=data, expected_digest="stale")
    assert imported(ward.schools["sakura"]) == []


# --- the page ------------------------------------------------------------------------------------


def test_upload_preview_confirm_and_upload_again(as_user: ClientAs, ward: Any) -> None:
    sakura = ward.schools["sakura"]
    url = reverse("students:register_import")
    office = as_user("office")
    page = office.get(url)
    assert page.status_code == 200 and "学校コード" in page.content.decode()
    data = csv_bytes(three_pupils(sakura), encoding="cp932")
    preview = office.post(url, {"file": SimpleUploadedFile("gakureibo.csv", data, content_type="text/csv")})
    html = preview.content.decode()
    assert preview.status_code == 200 and "確定して書き込む" in html and "春野" in html
    assert imported(sakura) == []
    plan = preview.context["plan"]
    done = office.post(url, {"confirm": "1", "data": base64.b64encode(data).decode(), "digest": plan.digest})
    assert done.status_code == 200 and "3人の入学を記録しました" in done.content.decode()
    assert len(imported(sakura)) == 3
    again = office.post(url, {"file": SimpleUploadedFile("gakureibo.csv", data, content_type="text/csv")})
    assert "すべて取り込み済み" in again.content.decode()


def test_the_page_lists_problems_by_row(as_user: ClientAs, ward: Any) -> None:
    data = csv_bytes([row(ward.schools["sakura"], 学校コード="B11319999999X")])
    response = as_user("office").post(
        reverse("students:register_import"),
        {"file": SimpleUploadedFile("x.csv", data, content_type="text/csv")},
    )
    html = response.content.decode()
    assert "1件の問題があります" in html and "区内にありません" in html and "確定して書き込む" not in html


def test_the_template_download_has_the_columns(as_user: ClientAs) -> None:
    response = as_user("office").get(reverse("students:register_import") + "?template=1")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("学校コード,入学年月日,学年")
