"""Demo data of 配慮事項: care notes for about one pupil in twenty at every school.

In さくら小 4年1組 (the cast teacher's class) one pupil has a severe egg and milk allergy with an EpiPen
kept in the nurse's office, and the cast pupil (the guardian's child) has asthma with an inhaler before
P.E., so that the teacher's class list, the guardian's view and the nurse's detail all have something
to show. Elsewhere the kinds follow their rough frequency in schools: food allergies most, then asthma
and other chronic conditions, medication at school now and then. Rows are written in bulk (no history:
they were never changed).
"""

from __future__ import annotations

import random

from tsunagu.accounts.models import RoleAssignment
from tsunagu.care.models import CareKind, CareNote, Severity
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Enrolment

SHARE = 0.05
FOOD = [
    ["卵"],
    ["乳"],
    ["小麦"],
    ["落花生"],
    ["えび", "かに"],
    ["そば"],
    ["キウイフルーツ"],
    ["くるみ", "カシューナッツ"],
]
CHRONIC = [
    (
        "喘息",
        "運動前に吸入。発作時は保健室へ",
        "発作時: 吸入薬（本人所持）を使用し、改善しなければ保護者・主治医に連絡",
    ),
    ("てんかん", "プール・高所の活動は要相談", "発作時: 時間を計り、5分以上続けば救急要請"),
    ("心疾患", "学校生活管理指導表の運動区分に従う", "胸痛・動悸の訴えは直ちに保健室へ"),
    ("1型糖尿病", "補食を認める（低血糖時）", "低血糖時: ブドウ糖を摂取させ、改善しなければ救急要請"),
]


def _food_note(rng: random.Random, student_id: int, nurse_id: int | None) -> CareNote:
    allergens = rng.choice(FOOD)
    severe = rng.random() < 0.3
    return CareNote(
        student_id=student_id,
        kind=CareKind.FOOD_ALLERGY,
        allergens=allergens,
        severity=Severity.SEVERE if severe else rng.choice([Severity.MILD, Severity.MODERATE]),
        anaphylaxis_history=severe,
        epipen=severe,
        epipen_location="保健室（職員室にも1本）" if severe else "",
        essentials="給食は除去食" if not severe else "給食は除去食。誤食時はエピペン・救急要請",
        doctor="すずかけ区立病院 小児科",
        action_plan="誤食時: 症状を観察し、呼吸器症状があればエピペンを使用して救急要請。保護者に連絡",
        emergency_contacts="母 携帯 090-0000-0000",
        management_table=True,
        recorded_by_id=nurse_id,
    )


def _chronic_note(rng: random.Random, student_id: int, nurse_id: int | None) -> CareNote:
    condition, essentials, plan = rng.choice(CHRONIC)
    return CareNote(
        student_id=student_id,
        kind=CareKind.CHRONIC,
        condition=condition,
        essentials=essentials,
        doctor="すずかけクリニック",
        action_plan=plan,
        emergency_contacts="父 携帯 080-0000-0000",
        management_table=condition != "喘息",
        recorded_by_id=nurse_id,
    )


@demo_step(order=45)
def care_notes(ctx: DemoContext) -> None:
    """Care notes for about 5 % of the pupils (see the module docstring)."""
    rng = random.Random(ctx.seed * 7919 + 45)  # noqa: S311 - demo data, not secrets
    school_ids = [s.pk for s in ctx.schools.values()]
    enrolments = list(
        Enrolment.objects.filter(school_year=ctx.school_year, school_id__in=school_ids, end_date__isnull=True)
        .select_related("student")
        .order_by("school_id", "homeroom_id", "roll_number", "student_id")
    )
    nurses = {
        a.school_id: a.user_id
        for a in RoleAssignment.objects.filter(role="nurse", school_year=ctx.school_year).order_by("pk")
    }
    sakura = ctx.schools.get("sakura")
    room = (
        Homeroom.objects.filter(
            school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
        ).first()
        if sakura
        else None
    )
    notes: list[CareNote] = []
    chosen: set[int] = set()
    if room is not None:
        in_room = [e for e in enrolments if e.homeroom_id == room.pk]
        cast_child = next((e for e in in_room if e.student.user_id is not None), None)
        egg = next(
            (e for e in in_room if e.student.user_id is None and not e.student.address_protected), None
        )
        nurse = nurses.get(room.school_id)
        if egg is not None:
            notes.append(
                CareNote(
                    student_id=egg.student_id,
                    kind=CareKind.FOOD_ALLERGY,
                    allergens=["卵", "乳"],
                    severity=Severity.SEVERE,
                    anaphylaxis_history=True,
                    epipen=True,
                    epipen_location="保健室（校外学習時は担任が携帯）",
                    essentials="給食は卵・乳の除去食。調理実習・校外学習の食事は事前に保護者と確認",
                    doctor="すずかけ区立病院 小児科 田中医師",
                    action_plan="誤食時: ①エピペン使用 ②救急要請（119） ③保護者連絡。症状は時刻とともに記録",
                    emergency_contacts="母 携帯 090-1234-5678／父 勤務先 03-1234-5678",
                    management_table=True,
                    recorded_by_id=nurse,
                )
            )
            chosen.add(egg.student_id)
        if cast_child is not None:
            notes.append(
                CareNote(
                    student_id=cast_child.student_id,
                    kind=CareKind.CHRONIC,
                    condition="喘息",
                    essentials="運動前に吸入（本人所持）",
                    doctor="すずかけクリニック",
                    action_plan="発作時: 吸入薬を使用し、改善しなければ保護者に連絡",
                    medication="吸入薬（本人所持）",
                    emergency_contacts="母 携帯 090-0000-0001",
                    recorded_by_id=nurse,
                )
            )
            chosen.add(cast_child.student_id)
    for e in enrolments:
        if e.student_id in chosen or rng.random() >= SHARE:
            continue
        nurse = nurses.get(e.school_id)
        roll = rng.random()
        if roll < 0.6:
            notes.append(_food_note(rng, e.student_id, nurse))
        elif roll < 0.9:
            notes.append(_chronic_note(rng, e.student_id, nurse))
        else:
            notes.append(
                CareNote(
                    student_id=e.student_id,
                    kind=CareKind.MEDICATION,
                    condition="ADHD",
                    essentials="昼食後に服薬（保健室で管理）",
                    medication="昼食後 1錠（保健室で保管）",
                    recorded_by_id=nurse,
                )
            )
        chosen.add(e.student_id)
    CareNote.objects.bulk_create(notes, batch_size=2000)
