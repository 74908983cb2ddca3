"""Roster and pupil pages. Thin: access checks by decorator and ``get_visible_or_404``, reads in selectors.

A request from htmx (the live search) gets only the table rows (``_partials/``), everything else the
whole page, so the search also works without JavaScript.
"""

from __future__ import annotations

import base64
import codecs
import csv
import io
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tsunagu.core.audit import audit_event, log_access
from tsunagu.core.pdf import pdf_response
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.core.wareki import school_year_of, wareki
from tsunagu.org.models import Homeroom, School, SchoolYear
from tsunagu.org.selectors import homeroom_list_current
from tsunagu.students import certificates, exports, imports, package, selectors, services
from tsunagu.students.forms import (
    ArrivalForm,
    CertificateForm,
    CsvUploadForm,
    HomeroomChangeForm,
    PlacementForm,
    RolloverForm,
    RosterSearchForm,
    SchoolRosterFilterForm,
    StudentNameForm,
    TransferOutForm,
    WithdrawalForm,
    add_service_errors,
)
from tsunagu.students.models import CertificateIssue, CertificateKind, Enrolment, Student


def _is_htmx(request: HttpRequest) -> bool:
    """A fragment request from htmx (a history restore wants the whole page)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")


@policy_required(Homeroom, "view")
def homeroom_roster(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """学級名簿: the pupils of one homeroom with guardians' contacts, searchable by name."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )
    form = RosterSearchForm(request.GET)
    rows = selectors.homeroom_roster_list(actor=request.user, homeroom=homeroom, query=form.query())
    context = {
        "homeroom": homeroom,
        "school": homeroom.school,
        "form": form,
        "rows": rows,
        # Who may view a homeroom may export it exactly when they have an export rule (one's own
        # class, or any class of one's school); the export view checks the homeroom itself again.
        "may_export": registry.allows_any(request.user, Homeroom, "export_roster"),
        "show_contacts": selectors.may_view_contacts(request.user),
        "query": form.query(),
        "today": timezone.localdate(),
    }
    if _is_htmx(request):
        return render(request, "students/_partials/homeroom_roster_rows.html", context)
    return render(request, "students/homeroom_roster.html", context)


@policy_required(School, "view_roster")
def school_roster(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """全校児童生徒名簿: every current pupil of the school by grade and class, filterable and searchable."""
    school = get_visible_or_404(School, request, school_uuid, "view_roster")
    homerooms = homeroom_list_current(actor=request.user, school=school)
    form = SchoolRosterFilterForm(request.GET, homerooms=homerooms)
    roster = selectors.school_roster_list(
        actor=request.user,
        school=school,
        homerooms=homerooms,
        query=form.query(),
        grade_code=form.value("grade"),
        homeroom=form.chosen_homeroom(),
    )
    context = {
        "school": school,
        "form": form,
        "roster": roster,
        "may_enrol": registry.allows_any(request.user, School, "enrol"),
        "may_rollover": registry.allows_any(request.user, School, "rollover"),
        "may_export": registry.allows_any(request.user, School, "export_roster"),
        "show_contacts": selectors.may_view_contacts(request.user),
        "query": form.query(),
        "today": timezone.localdate(),
    }
    if _is_htmx(request):
        return render(request, "students/_partials/school_roster_rows.html", context)
    return render(request, "students/school_roster.html", context)


@policy_required(Student, "view")
def student_detail(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """The pupil page: basic data, enrolment history, guardians. Class-I reads are logged."""
    student = get_visible_or_404(Student, request, student_uuid)
    detail = selectors.student_detail_get(actor=request.user, student=student)
    if detail.class_i_fields:
        log_access(actor=request.user, records=[student], request=request, fields=detail.class_i_fields)
    context = {
        "student": student,
        "detail": detail,
        "may_audit": registry.allows_any(request.user, Student, "view_audit"),
        "may_change": selectors.may_change_student(actor=request.user, student=student),
        "may_package": registry.allows_any(request.user, Student, "export_package"),
        "pupil_links": selectors.pupil_links(actor=request.user, student=student),
    }
    return render(request, "students/student_detail.html", context)


# --- 学籍の異動: transfers, withdrawals, arrivals, 学齢簿 import, 年次更新 ---------------------------
#
# Each page checks the function-level rule by decorator (403 for a role without it) and fetches its
# object through ``get_visible_or_404`` with the same action (404 outside the actor's school). The
# writes are the services'; a view only turns their ValidationError into form errors.


def _ensure_visible(model: type[Student] | type[Enrolment], actor: Any, action: str, pk: int) -> None:
    """Inside the write's transaction: the actor must still reach what they changed, else roll back."""
    if not model.objects.visible_to(actor, action).filter(pk=pk).exists():
        raise PermissionDenied


@policy_required(Student, "change")
def student_transfer_out(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """転学: the pupil leaves for another school (in the ward: the records move with them)."""
    student = get_visible_or_404(Student, request, student_uuid, "change")
    current = selectors.enrolment_open_for_change(actor=request.user, student=student)
    schools = selectors.receiving_school_choices(actor=request.user, enrolment=current)
    form = TransferOutForm(request.POST or None, schools=schools)
    if request.method == "POST" and current is not None and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                event = services.enrolment_transfer_out(
                    actor=request.user,
                    student=student,
                    accepted_on=data["accepted_on"],
                    left_on=data["left_on"],
                    receiving_school=data["receiving_school"],
                    other_school_name=data["other_school_name"],
                    other_school_address=data["other_school_address"],
                    reason=data["reason"],
                )
                _ensure_visible(Student, request.user, "view", student.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The transfer to %(school)s was recorded (指導要録: %(day)s).")
                % {"school": event.other_school_name, "day": wareki(event.date)},
            )
            return redirect("students:student_detail", student_uuid=student.uuid)
    context = {"student": student, "current": current, "form": form}
    return render(request, "students/transfer_out.html", context)


@policy_required(Student, "change")
def student_withdraw(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """退学: the withdrawal approved by the principal."""
    student = get_visible_or_404(Student, request, student_uuid, "change")
    current = selectors.enrolment_open_for_change(actor=request.user, student=student)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and current is not None and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.enrolment_withdraw(
                    actor=request.user,
                    student=student,
                    date=data["date"],
                    left_on=data["left_on"],
                    reason=data["reason"],
                )
                _ensure_visible(Student, request.user, "view", student.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The withdrawal was recorded."))
            return redirect("students:student_detail", student_uuid=student.uuid)
    context = {"student": student, "current": current, "form": form}
    return render(request, "students/withdraw.html", context)


@policy_required(Student, "change")
def student_place(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """学級への配置: put a pupil who has no class yet (after a transfer or the 学齢簿) in one."""
    student = get_visible_or_404(Student, request, student_uuid, "change")
    current = selectors.enrolment_open_for_change(actor=request.user, student=student)
    homerooms = selectors.placement_homeroom_choices(actor=request.user, enrolment=current)
    form = PlacementForm(request.POST or None, homerooms=homerooms)
    if request.method == "POST" and current is not None and form.is_valid():
        try:
            with transaction.atomic():
                services.enrolment_homeroom_assign(
                    actor=request.user,
                    student=student,
                    homeroom=form.cleaned_data["homeroom"],
                    roll_number=form.cleaned_data["roll_number"],
                )
                _ensure_visible(Student, request.user, "view", student.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pupil was placed in the class."))
            return redirect("students:student_detail", student_uuid=student.uuid)
    context = {"student": student, "current": current, "form": form}
    return render(request, "students/place.html", context)


@policy_required(Student, "change")
def student_rename(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """氏名変更: correct or change the pupil's names and readings (kept in the change history)."""
    student = get_visible_or_404(Student, request, student_uuid, "change")
    initial = {name: getattr(student, name) for name in services.NAME_FIELDS}
    form = StudentNameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.student_update(
                    actor=request.user,
                    student=student,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                )
                _ensure_visible(Student, request.user, "view", student.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The name was changed."))
            return redirect("students:student_detail", student_uuid=student.uuid)
    context = {"student": student, "form": form}
    return render(request, "students/rename.html", context)


@policy_required(Student, "change")
def student_change_class(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """転級 / 出席番号の変更: the pupil moves to another class, or gets another number, from a date."""
    student = get_visible_or_404(Student, request, student_uuid, "change")
    current = selectors.enrolment_open_for_change(actor=request.user, student=student)
    homerooms = selectors.placement_homeroom_choices(actor=request.user, enrolment=current)
    initial: dict[str, Any] = {"on_date": timezone.localdate()}
    if current is not None:
        initial |= {"homeroom": current.homeroom_id, "number": current.roll_number}
    form = HomeroomChangeForm(request.POST or None, homerooms=homerooms, initial=initial)
    if request.method == "POST" and current is not None and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                enrolment = services.enrolment_homeroom_change(
                    actor=request.user,
                    enrolment_or_student=student,
                    homeroom=data["homeroom"],
                    number=data["number"],
                    on_date=data["on_date"],
                    reason=data["reason"],
                )
                _ensure_visible(Student, request.user, "view", student.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("From %(day)s the pupil is in %(homeroom)s.")
                % {"day": wareki(enrolment.start_date), "homeroom": data["homeroom"].display_name},
            )
            return redirect("students:student_detail", student_uuid=student.uuid)
    context = {"student": student, "current": current, "form": form}
    return render(request, "students/change_class.html", context)


@policy_required(School, "enrol")
def student_arrival(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """転入学 / 編入学: a pupil arriving from outside the ward."""
    school = get_visible_or_404(School, request, school_uuid, "enrol")
    homerooms = homeroom_list_current(actor=request.user, school=school)
    form = ArrivalForm(request.POST or None, school=school, homerooms=homerooms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                enrolment = services.student_arrival_record(
                    actor=request.user,
                    school=school,
                    kind=data["kind"],
                    date=data["date"],
                    grade_level=data["grade_level"],
                    homeroom=data["homeroom"],
                    roll_number=data["roll_number"],
                    pupil=form.pupil(),
                    guardian=form.guardian(),
                    previous_school_name=data["previous_school_name"],
                    previous_school_address=data["previous_school_address"],
                    reason=data["reason"],
                )
                _ensure_visible(Enrolment, request.user, "change", enrolment.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            pupil = enrolment.student
            messages.success(
                request,
                _("%(name)s was enrolled from %(day)s.")
                % {"name": pupil.full_name, "day": wareki(enrolment.start_date)},
            )
            if Student.objects.visible_to(request.user, "view").filter(pk=pupil.pk).exists():
                return redirect("students:student_detail", student_uuid=pupil.uuid)
            return redirect("students:school_roster", school_uuid=school.uuid)
    return render(request, "students/arrival.html", {"school": school, "form": form})


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None


@policy_required(School, "import_register")
def register_import(request: HttpRequest) -> HttpResponse:
    """学齢簿 import: upload → preview of every row (problems by row and column) → confirm → written."""
    schools = list(School.objects.visible_to(request.user, "import_register").order_by("kind", "mext_code"))
    if request.GET.get("template"):
        response = HttpResponse(
            codecs.BOM_UTF8 + imports.template_csv().encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="gakureibo-template.csv"'
        return response
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "schools": schools, "columns": imports.COLUMNS}
    if request.method != "POST":
        return render(request, "students/register_import.html", context)
    if "confirm" in request.POST:
        data = _unb64(request.POST.get("data", ""))
        if data is None:
            return HttpResponseBadRequest()
        try:
            plan = imports.register_import_commit(
                actor=request.user, data=data, expected_digest=request.POST.get("digest", "")
            )
        except ValidationError as exc:
            plan = imports.register_import_plan(actor=request.user, data=data)
            context.update(plan=plan, data=_b64(data), errors=exc.messages)
            return render(request, "students/register_import.html", context)
        context.update(done=plan)
        return render(request, "students/register_import.html", context)
    if form.is_valid():
        data = form.cleaned_data["file"].read()
        plan = imports.register_import_plan(actor=request.user, data=data)
        context.update(plan=plan, data=_b64(data))
    return render(request, "students/register_import.html", context)


def _rollover_years(school: School) -> QuerySet[SchoolYear]:
    """The years a roll-over may close: this year and last (a roll-over is often run in early April)."""
    this_year = school_year_of(timezone.localdate())
    return SchoolYear.objects.filter(year__in=[this_year, this_year - 1]).order_by("-year")


@policy_required(School, "rollover")
def year_rollover(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """年次更新: the form, the 仮 run (every change listed) and the commit of exactly that run."""
    school = get_visible_or_404(School, request, school_uuid, "rollover")
    years = _rollover_years(school)
    first = years.first()
    initial = {"from_year": first, "graduation_date": first.end_date if first else None}
    form = RolloverForm(request.POST or None, request.FILES or None, years=years, initial=initial)
    context: dict[str, Any] = {"school": school, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "students/year_rollover.html", context)
    data = form.cleaned_data
    raw = b""
    if data.get("formation"):
        raw = data["formation"].read()
    elif request.POST.get("formation_data"):
        raw = _unb64(request.POST["formation_data"]) or b""
    formation, problems = imports.parse_formation(raw) if raw else ({}, [])
    context.update(formation_data=_b64(raw) if raw else "", formation_problems=problems)
    if problems:
        return render(request, "students/year_rollover.html", context)
    arguments = {
        "actor": request.user,
        "school": school,
        "from_year": data["from_year"],
        "graduation_date": data["graduation_date"],
        "formation": formation,
        "teachers": imports.parse_formation_teachers(raw) if raw else {},
    }
    try:
        if "commit" in request.POST:
            plan = services.year_rollover_commit(**arguments, expected_digest=request.POST.get("digest", ""))
            context.update(done=plan)
        else:
            context.update(plan=services.year_rollover_plan(**arguments))
    except ValidationError as exc:
        add_service_errors(form, exc)
    return render(request, "students/year_rollover.html", context)


@policy_required(School, "rollover")
def rollover_formation_csv(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The class-formation table to fill in (UTF-8 with BOM, so that Excel opens it as Japanese)."""
    school = get_visible_or_404(School, request, school_uuid, "rollover")
    years = _rollover_years(school)
    try:
        year = years.filter(uuid=uuid.UUID(request.GET.get("year", ""))).first()
    except ValueError:
        year = None
    year = year or years.first()
    if year is None:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in services.formation_template_rows(actor=request.user, school=school, from_year=year):
        writer.writerow(row)
    response = HttpResponse(
        codecs.BOM_UTF8 + out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="class-formation-{year.year}.csv"'
    return response


# --- roster exports -------------------------------------------------------------------------------


def _roster_file(request: HttpRequest, export: selectors.RosterExport, fmt: str) -> HttpResponse:
    """Write ``export`` as ``fmt`` (xlsx, csv, pdf), log it as an export of every pupil in it, and
    answer with the Japanese file name."""
    today = timezone.localdate()
    if fmt == "xlsx":
        body = exports.roster_xlsx(export)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        shift_jis = request.GET.get("encoding") == "sjis"
        body = exports.roster_csv(export, shift_jis=shift_jis)
        content_type = f"text/csv; charset={'shift_jis' if shift_jis else 'utf-8'}"
    else:
        body = exports.roster_pdf(export, printed_by=str(request.user), today=today)
        content_type = "application/pdf"
    filename = exports.roster_filename(export, fmt, today)
    fields = ["roster"] + (["guardian_links"] if export.show_contacts else [])
    if export.addresses:
        fields.append("address")
    pupils = Student.objects.visible_to(request.user, "view").filter(pk__in=export.student_ids).only("uuid")
    log_access(actor=request.user, records=list(pupils), request=request, action="export", fields=fields)
    audit_event(
        kind="export",
        actor=request.user,
        request=request,
        detail={"file": filename, "pupils": len(export.student_ids)},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(fmt != "pdf", filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


@policy_required(Homeroom, "export_roster")
def homeroom_roster_export(request: HttpRequest, homeroom_uuid: uuid.UUID, fmt: str) -> HttpResponse:
    """学級名簿 as Excel, CSV (``?encoding=sjis`` for Shift_JIS) or PDF, with the page's name search."""
    if fmt not in exports.FORMATS:
        raise Http404
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "export_roster",
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )
    form = RosterSearchForm(request.GET)
    export = selectors.roster_export_get(
        actor=request.user, school=homeroom.school, homeroom=homeroom, query=form.query()
    )
    return _roster_file(request, export, fmt)


@policy_required(School, "export_roster")
def school_roster_export(request: HttpRequest, school_uuid: uuid.UUID, fmt: str) -> HttpResponse:
    """全校・学年名簿 as Excel, CSV or PDF, with the page's filters (grade, class) and name search."""
    if fmt not in exports.FORMATS:
        raise Http404
    school = get_visible_or_404(School, request, school_uuid, "export_roster")
    homerooms = homeroom_list_current(actor=request.user, school=school)
    form = SchoolRosterFilterForm(request.GET, homerooms=homerooms)
    export = selectors.roster_export_get(
        actor=request.user,
        school=school,
        homerooms=homerooms,
        homeroom=form.chosen_homeroom(),
        grade_code=form.value("grade"),
        query=form.query(),
    )
    return _roster_file(request, export, fmt)


# --- certificates (在学証明書, 教科用図書給与証明書) and the 証明書発行台帳 ------------------------------


@policy_required(Student, "certify")
def student_certificate_new(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """Issue a certificate for a pupil enrolled at the actor's school; the issue goes to the ledger."""
    student = get_visible_or_404(Student, request, student_uuid, "certify")
    today = timezone.localdate()
    enrolment = certificates.current_enrolment(actor=request.user, student=student, day=today)
    subjects = certificates.textbook_subjects(actor=request.user, enrolment=enrolment) if enrolment else []
    initial = {"issued_on": today, "kind": CertificateKind.ENROLMENT}
    form = CertificateForm(request.POST or None, subjects=subjects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = certificates.certificate_issue(
                actor=request.user,
                student=student,
                kind=data["kind"],
                purpose=data["purpose"],
                issued_on=data["issued_on"],
                publishers=form.publishers(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(title)s No. %(n)s was issued.") % {"title": issue.get_kind_display(), "n": issue.number},
            )
            return redirect(
                f"{reverse('students:certificate_ledger', args=[issue.school.uuid])}?issued={issue.uuid}"
            )
    context = {"student": student, "current": enrolment, "form": form}
    return render(request, "students/certificate_new.html", context)


@policy_required(CertificateIssue, "view")
def certificate_pdf(request: HttpRequest, certificate_uuid: uuid.UUID) -> HttpResponse:
    """The certificate as issued, as a PDF to print (from the ledger)."""
    issue = get_visible_or_404(
        CertificateIssue,
        request,
        certificate_uuid,
        queryset=CertificateIssue.objects.select_related("student", "school"),
    )
    log_access(
        actor=request.user, records=[issue], request=request, action="certificate", fields=["certificate"]
    )
    return pdf_response(certificates.certificate_pdf(issue), certificates.certificate_filename(issue))


@policy_required(School, "certify")
def certificate_ledger(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """証明書発行台帳: every certificate the school has issued, newest first."""
    school = get_visible_or_404(School, request, school_uuid, "certify")
    issues = certificates.certificate_ledger(actor=request.user, school=school)
    issued = request.GET.get("issued", "")
    context = {"school": school, "issues": issues, "issued": issued, "today": timezone.localdate()}
    return render(request, "students/certificate_ledger.html", context)


# --- the transfer package (a pupil leaving the ward) --------------------------------------------------


@policy_required(Student, "export_package")
def student_transfer_package(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """The pupil's records at the actor's school as a documented zip (docs/imports/transfer-package.md)."""
    student = get_visible_or_404(Student, request, student_uuid, "export_package")
    school = (
        School.objects.visible_to(request.user, "certify")
        .filter(enrolments__in=Enrolment.objects.visible_to(request.user, "view").filter(student=student))
        .distinct()
        .first()
    )
    if school is None:
        raise Http404
    body, manifest = package.transfer_package(actor=request.user, student=student, school=school)
    filename = package.package_filename(student=student, school=school, day=timezone.localdate())
    log_access(
        actor=request.user,
        records=[student],
        request=request,
        action="export",
        fields=["transfer_package", *(s["key"] for s in manifest["sections"] if s["status"] == "included")],
    )
    audit_event(kind="export", actor=request.user, request=request, detail={"file": filename, "pupils": 1})
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
