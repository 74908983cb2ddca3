"""Demo data of 学籍 beyond the ward itself: a few lines of each school's 証明書発行台帳."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tsunagu.accounts.models import Role, RoleAssignment, User
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.org.models import StaffMember
from tsunagu.students.certificates import certificate_content, standard_textbook_subjects
from tsunagu.students.models import CertificateIssue, CertificateKind, Enrolment, EnrolmentEvent, EventKind

#: Publishers a Tokyo ward's schools commonly use, by subject code (demo only).
_PUBLISHERS = {
    "JA": "光村図書出版",
    "SS": "東京書籍",
    "MA": "東京書籍",
    "SC": "大日本図書",
    "MU": "教育芸術社",
    "AR": "日本文教出版",
    "HE": "開隆堂出版",
    "PE": "学研教育みらい",
    "FL": "東京書籍",
    "MO": "光村図書出版",
    "LI": "東京書籍",
}


def _name(year: Any, school_id: int, role: str, job_title: str) -> tuple[User | None, str]:
    grant = (
        RoleAssignment.objects.filter(role=role, school_id=school_id, school_year=year)
        .select_related("user")
        .first()
    )
    member = StaffMember._base_manager.filter(school_id=school_id, job_title=job_title).first()
    user = grant.user if grant else None
    if grant is not None:
        member = StaffMember._base_manager.filter(user=grant.user).first() or member
    return user, (f"{member.family_name}　{member.given_name}" if member else "")


@demo_step(order=60)
def certificate_ledgers(ctx: DemoContext) -> None:
    """Each named school's ledger: the certificates given to the pupils who transferred out this year
    (在学証明書 and 教科用図書給与証明書 on the day they left), and a 在学証明書 for an allowance."""
    year = ctx.school_year
    for key in ("sakura", "kaede", "midori"):
        school = ctx.schools.get(key)
        if school is None:
            continue
        office, office_name = _name(year, school.pk, Role.OFFICE, "office")
        _, principal = _name(year, school.pk, Role.PRINCIPAL, "principal")
        issues: list[tuple[Enrolment, str, str, dt.date]] = []
        for event in EnrolmentEvent.objects.filter(
            enrolment__school=school, enrolment__school_year=year, kind=EventKind.TRANSFER_OUT
        ).select_related("enrolment__grade_level", "enrolment__homeroom__grade_level"):
            day = min(event.left_on or event.date, ctx.today)
            issues.append((event.enrolment, CertificateKind.ENROLMENT, "転学のため", day))
            issues.append((event.enrolment, CertificateKind.TEXTBOOK, "転学のため", day))
        first = (
            Enrolment.objects.filter(
                school=school, school_year=year, end_date__isnull=True, homeroom__isnull=False
            )
            .select_related("grade_level", "homeroom__grade_level")
            .order_by("grade_level__order", "homeroom__order", "roll_number")
            .first()
        )
        if first is not None:
            issues.append(
                (first, CertificateKind.ENROLMENT, "児童手当の申請のため", ctx.today - dt.timedelta(days=7))
            )
        rows = []
        for number, (enrolment, kind, purpose, day) in enumerate(sorted(issues, key=lambda i: i[3]), start=1):
            subjects = None
            if kind == CertificateKind.TEXTBOOK:
                subjects = standard_textbook_subjects(enrolment.grade_level)
            publishers = {s.code: _PUBLISHERS.get(s.code.lstrip("J"), "") for s in subjects or []}
            content = certificate_content(enrolment, subjects=subjects, publishers=publishers)
            rows.append(
                CertificateIssue(
                    school=school,
                    school_year=year,
                    student_id=enrolment.student_id,
                    kind=kind,
                    number=number,
                    issued_on=day,
                    purpose=purpose,
                    issued_by=office,
                    issuer_name=office_name.replace("　", " "),
                    principal_name=principal,
                    content=content,
                )
            )
        CertificateIssue.objects.bulk_create(rows)
