"""Certificates for a pupil: 在学証明書 (enrolment) and 教科用図書給与証明書 (textbooks issued), as PDF.

On a 転出 the school gives the family both (SCHOOL_AFFAIRS.md §2); families also ask for a 在学証明書
for allowances and passes. Each issue is recorded — number, date, purpose, issuer — in the school's
証明書発行台帳 (:class:`CertificateIssue`), with what was printed, so that it can be printed again
exactly as issued. The pupil's address is never printed (住所秘匿 families need the certificate too).

The 教科用図書給与証明書 lists, per subject the pupil's grade is taught this year, the textbook's
publisher (free text on issue; blank when the school does not name it) — the receiving school then
gives the pupil the books it uses without issuing the same subjects twice (無償給与は一回限り).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.accounts.models import Role, RoleAssignment
from tsunagu.core.pdf import render_pdf
from tsunagu.core.wareki import school_year_label, wareki
from tsunagu.org.models import GradeLevel, School, StaffMember, Subject, TeachingGroup
from tsunagu.org.reference import ELEMENTARY_SUBJECTS, JUNIOR_HIGH_SUBJECTS
from tsunagu.students.models import CertificateIssue, CertificateKind, Enrolment, Student
from tsunagu.students.selectors import enrolled_on

#: Subjects without a textbook (外国語活動 uses MEXT's own material; 総合 and 特別活動 have none).
NO_TEXTBOOK = frozenset({"FA", "IS", "SA", "JIS", "JSA"})

TEMPLATES = {
    CertificateKind.ENROLMENT: "students/typst/enrolment_certificate.typ",
    CertificateKind.TEXTBOOK: "students/typst/textbook_certificate.typ",
}


def current_enrolment(*, actor: Any, student: Student, day: dt.date) -> Enrolment | None:
    """The pupil's enrolment on ``day`` at a school where ``actor`` may issue certificates."""
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .filter(school__in=School.objects.visible_to(actor, "export_roster"))
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
        .first()
    )


def textbook_subjects(*, actor: Any, enrolment: Enrolment) -> list[Subject]:
    """The subjects with a textbook the pupil's grade is taught this year at the school: from the
    school's teaching groups when they are set up, else the standard subjects of the grade (規則 別表)."""
    taught = (
        TeachingGroup.objects.visible_to(actor, "view")
        .filter(
            school=enrolment.school_id,
            school_year=enrolment.school_year_id,
            grade_level=enrolment.grade_level_id,
        )
        .values("subject")
    )
    subjects = list(Subject.objects.filter(pk__in=taught).exclude(code__in=NO_TEXTBOOK).order_by("order"))
    if subjects:
        return subjects
    return standard_textbook_subjects(enrolment.grade_level)


def standard_textbook_subjects(grade: GradeLevel) -> list[Subject]:
    """The subjects with a textbook that 規則 別表 sets for ``grade``."""
    codes = ELEMENTARY_SUBJECTS.get(grade.number, []) if grade.stage == "P" else JUNIOR_HIGH_SUBJECTS
    return list(Subject.objects.filter(code__in=codes).exclude(code__in=NO_TEXTBOOK).order_by("order"))


def principal_name(*, actor: Any, school: School, day: dt.date) -> str:
    """The name of the school's principal on ``day``: the staff record of whoever holds the principal's
    role there (else the staff member with the principal's title, else the user's display name)."""
    grant = (
        RoleAssignment.objects.filter(
            role=Role.PRINCIPAL,
            school=school,
            school_year__start_date__lte=day,
            school_year__end_date__gte=day,
        )
        .exclude(ends_on__lt=day)
        .exclude(starts_on__gt=day)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    staff = StaffMember.objects.visible_to(actor, "view").filter(school=school, is_active=True)
    member = None
    if grant is not None:
        member = staff.filter(user=grant.user_id).first()
    member = member or staff.filter(job_title="principal").order_by("pk").first()
    if member is not None:
        return f"{member.family_name}　{member.given_name}"
    if grant is not None:
        return grant.user.display_name or grant.user.get_full_name() or grant.user.get_username()
    return ""


def certificate_content(
    enrolment: Enrolment, *, subjects: list[Subject] | None, publishers: dict[str, str]
) -> dict[str, Any]:
    """What a certificate prints about the pupil's enrolment (kept with the issue): class, grade, year
    and, given ``subjects`` (a 教科用図書給与証明書), each subject with the publisher entered."""
    grade = enrolment.grade_level
    content: dict[str, Any] = {
        "class": enrolment.homeroom.display_name if enrolment.homeroom else grade.name,
        "grade": grade.name,
        "grade_number": grade.number,
        "year_label": school_year_label(enrolment.school_year.year),
    }
    if subjects is not None:
        content["textbooks"] = [
            {"code": s.code, "subject": s.name, "publisher": publishers.get(s.code, "").strip()}
            for s in subjects
        ]
    return content


def _actor_name(actor: Any) -> str:
    member = StaffMember.objects.visible_to(actor, "view").filter(user=actor).first()
    if member is not None:
        return f"{member.family_name} {member.given_name}"
    return str(getattr(actor, "display_name", "") or actor.get_username())


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    student: Student,
    kind: str,
    purpose: str,
    issued_on: dt.date | None = None,
    publishers: dict[str, str] | None = None,
) -> CertificateIssue:
    """Issue a certificate of ``kind`` for ``student`` (enrolled today at the actor's school) and record
    it in the school's ledger with the next number of the year. ``publishers`` maps subject codes to
    the textbook publisher printed on a 教科用図書給与証明書."""
    if not Student.objects.visible_to(actor, "certify").filter(pk=student.pk).exists():
        raise PermissionDenied
    issued_on = issued_on or timezone.localdate()
    purpose = purpose.strip()
    errors: dict[str, list[str]] = {}
    if kind not in CertificateKind.values:
        errors["kind"] = [_("Choose a certificate.")]
    if not purpose:
        errors["purpose"] = [_("Enter what the certificate is for.")]
    if issued_on > timezone.localdate():
        errors["issued_on"] = [_("The date of issue cannot be in the future.")]
    enrolment = current_enrolment(actor=actor, student=student, day=issued_on)
    if enrolment is None:
        errors.setdefault("issued_on", []).append(
            _("The pupil was not enrolled at your school on %(day)s.") % {"day": wareki(issued_on)}
        )
    if errors:
        raise ValidationError(errors)
    assert enrolment is not None
    school = enrolment.school
    subjects = (
        textbook_subjects(actor=actor, enrolment=enrolment) if kind == CertificateKind.TEXTBOOK else None
    )
    content = certificate_content(enrolment, subjects=subjects, publishers=publishers or {})
    # The ledger's numbers run per school and year; the lock on the school row serialises two issues.
    School.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
    last = CertificateIssue.objects.visible_to(actor, "view").filter(
        school=school, school_year=enrolment.school_year
    )
    number = (last.aggregate(n=Max("number"))["n"] or 0) + 1
    issue = CertificateIssue(
        school=school,
        school_year=enrolment.school_year,
        student=student,
        kind=kind,
        number=number,
        issued_on=issued_on,
        purpose=purpose,
        issued_by=actor,
        issuer_name=_actor_name(actor),
        principal_name=principal_name(actor=actor, school=school, day=issued_on),
        content=content,
    )
    issue.full_clean()
    issue.save()
    return issue


def certificate_pdf(issue: CertificateIssue) -> bytes:
    """The certificate as issued (the values recorded with the issue, the pupil's name as now)."""
    student = issue.student
    school = issue.school
    content = issue.content
    data: dict[str, Any] = {
        "number": f"第{issue.number}号",
        "title": CERTIFICATE_TITLES[CertificateKind(issue.kind)],
        "name": student.full_name,
        "kana": student.full_name_kana,
        "birth_date": wareki(student.birth_date),
        "class": content.get("class", ""),
        "issued_on": wareki(issue.issued_on),
        "school": school.name,
        "school_address": school.address,
        "principal": issue.principal_name,
        "purpose": issue.purpose,
    }
    if issue.kind == CertificateKind.ENROLMENT:
        data["statement"] = (
            f"上記の者は、本校第{content.get('grade_number', '')}学年に在学していることを証明します。"
        )
    else:
        year = content.get("year_label", "")
        data["statement"] = f"上記の者に対し、{year}に使用する下記の教科用図書を給与したことを証明します。"
        data["textbooks"] = [[t["subject"], t["publisher"] or "―"] for t in content.get("textbooks", [])]
    return render_pdf(TEMPLATES[CertificateKind(issue.kind)], data)


CERTIFICATE_TITLES = {
    CertificateKind.ENROLMENT: "在学証明書",
    CertificateKind.TEXTBOOK: "教科用図書給与証明書",
}


def certificate_filename(issue: CertificateIssue) -> str:
    """在学証明書_さくら小_第12号_20261201.pdf (the pupil's name stays out of a file name)."""
    from tsunagu.students.exports import short_school_name

    return (
        f"{CERTIFICATE_TITLES[CertificateKind(issue.kind)]}_{short_school_name(issue.school.name)}"
        f"_第{issue.number}号_{issue.issued_on:%Y%m%d}.pdf"
    )


def certificate_ledger(*, actor: Any, school: School, year: Any = None) -> list[CertificateIssue]:
    """The school's 証明書発行台帳 (newest first), this year's or ``year``'s."""
    issues = CertificateIssue.objects.visible_to(actor, "view").filter(school=school)
    if year is not None:
        issues = issues.filter(school_year=year)
    return list(issues.select_related("student", "school_year").order_by("-issued_on", "-number"))
