"""The homeroom teacher's writing pages: 所見, 道徳, 外国語活動 and 総合 of a class (per term, or per year
for the 指導要録), the school's phrase bank (文例) and its character limits.

One page per class: the pupils down the side with what is written, one pupil's text boxes in the
middle with a character counter, and beside them what helps to write — every subject's 観点 and 評定,
the subject teachers' notes, the ○ marks, the pupil's いいところ and shared topics, and the attendance.
Each box saves itself as the teacher types (remarks.js, to ``remark_save``); without JavaScript the
page is a form that saves one pupil at a time. Versions make a save from a stale page a conflict that
shows both texts, never a silent overwrite.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.grades import selectors, services
from tsunagu.grades.models import (
    DEFAULT_LIMITS,
    HOMEROOM_KINDS,
    BehaviourItem,
    Phrase,
    RemarkKind,
    SpecialActivity,
)
from tsunagu.org.models import Homeroom, School, Term

_HOMEROOMS = Homeroom.objects.select_related("school", "grade_level", "school_year")


def _homeroom_term(
    request: HttpRequest, homeroom_uuid: uuid.UUID, term: int | None, action: str
) -> tuple[Homeroom, Term | None, list[Term]]:
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, action, queryset=_HOMEROOMS)
    terms = list(
        Term.objects.filter(school=homeroom.school_id, school_year=homeroom.school_year_id).order_by("number")
    )
    if term is None:
        return homeroom, None, terms
    found = next((t for t in terms if t.number == term), None)
    if found is None:
        raise Http404
    return homeroom, found, terms


def _page_url(homeroom: Homeroom, term: Term | None, student: Any = None) -> str:
    if term is None:
        url = reverse("grades:remarks_year", args=[homeroom.uuid])
    else:
        url = reverse("grades:remarks", args=[homeroom.uuid, term.number])
    return f"{url}?pupil={student.uuid}" if student is not None else url


@policy_required(Homeroom, "view_remarks")
def remarks(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int | None = None) -> HttpResponse:
    """The writing page of a class for a term (the 通知表's texts) or, without a term, for the year
    (the 指導要録's 総合所見 and the year's texts). POST saves one pupil's texts (the page without
    JavaScript; with it, every box saves itself)."""
    homeroom, found, terms = _homeroom_term(request, homeroom_uuid, term, "view_remarks")
    may_write = selectors.may(request.user, homeroom, "write_remarks")
    student_key = request.POST.get("student") if request.method == "POST" else request.GET.get("pupil")
    page = selectors.remark_page_get(
        actor=request.user, homeroom=homeroom, term=found, student_uuid=student_key or None
    )
    if student_key and page.current is None:
        raise Http404
    errors: dict[str, str] = {}
    conflicts: dict[str, services.RemarkSaveResult] = {}
    if request.method == "POST":
        if not may_write or page.current is None:
            raise Http404
        pupil = page.current.student
        for box in page.boxes:
            field = f"text-{box.kind}"
            if field not in request.POST:
                continue
            try:
                version = int(request.POST.get(f"version-{box.kind}", "0"))
            except ValueError:
                version = -1
            try:
                result = services.remark_save(
                    actor=request.user,
                    student=pupil,
                    school=homeroom.school,
                    school_year=homeroom.school_year,
                    term=found,
                    kind=box.kind,
                    text=request.POST[field],
                    version=version,
                )
            except ValidationError as exc:
                errors[box.kind] = " ".join(exc.messages)
                continue
            except PermissionDenied as exc:
                raise Http404 from exc
            if result.conflict:
                conflicts[box.kind] = result
        if not errors and not conflicts:
            messages.success(request, _("Saved."))
            target = page.following if request.POST.get("then") == "next" and page.following else pupil
            return redirect(_page_url(homeroom, found, target))
        # Show what the teacher typed, with the reasons it was not saved.
        page = selectors.remark_page_get(
            actor=request.user, homeroom=homeroom, term=found, student_uuid=pupil.uuid
        )
        for box in page.boxes:
            if box.kind in errors or box.kind in conflicts:
                box.text = services.normalise_text(request.POST.get(f"text-{box.kind}", ""))
    sensitive = [t for t in page.topics if getattr(t, "sensitive", False)]
    if sensitive:
        log_access(actor=request.user, records=sensitive, request=request, fields=("text",))
    labels = dict(BehaviourItem.choices) | dict(SpecialActivity.choices)
    context = {
        "homeroom": homeroom,
        "term": found,
        "terms": terms,
        "page": page,
        "may_write": may_write,
        "errors": errors,
        "conflicts": conflicts,
        "viewpoints": selectors.VIEWPOINTS,
        "behaviour": [labels[c] for c in page.marks[0]],
        "activities": [labels[c] for c in page.marks[1]],
        "save_url": reverse("grades:remark_save", args=[homeroom.uuid]),
        "page_url": _page_url(homeroom, found),
    }
    status = 400 if errors else 409 if conflicts else 200
    return render(request, "grades/remarks.html", context, status=status)


@policy_required(Homeroom, "write_remarks")
@require_POST
def remark_save(request: HttpRequest, homeroom_uuid: uuid.UUID) -> JsonResponse:
    """One text box saved as the teacher types (JSON: student, term number or null, kind, text,
    version). 200 with the new version; 409 with the text somebody else saved; 400 with the reason."""
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, "write_remarks", queryset=_HOMEROOMS)
    try:
        body = json.loads(request.body or b"{}")
        term_number = body.get("term")
        kind = str(body["kind"])
        text = str(body.get("text", ""))
        version = int(body.get("version", 0))
        student_key = uuid.UUID(str(body["student"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": _("The request could not be read.")}, status=400)
    term = None
    if term_number is not None:
        term = Term.objects.filter(
            school=homeroom.school_id, school_year=homeroom.school_year_id, number=term_number
        ).first()
        if term is None:
            raise Http404
    if kind not in selectors.remark_kinds_for(homeroom.grade_level.code):
        return JsonResponse({"error": _("Unknown item.")}, status=400)
    enrolment = next(
        (
            e
            for e in selectors.class_pupils(actor=request.user, homeroom=homeroom, term=term)
            if e.student.uuid == student_key
        ),
        None,
    )
    if enrolment is None:
        raise Http404
    try:
        result = services.remark_save(
            actor=request.user,
            student=enrolment.student,
            school=homeroom.school,
            school_year=homeroom.school_year,
            term=term,
            kind=kind,
            text=text,
            version=version,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    if result.conflict:
        return JsonResponse(
            {
                "conflict": True,
                "theirs": result.theirs,
                "version": result.version,
                "by": result.by,
                "at": result.at.isoformat() if result.at else None,
            },
            status=409,
        )
    stored = result.remark.text if result.remark else ""
    return JsonResponse({"version": result.version, "length": services.text_length(stored)})


# --- the phrase bank (文例) -------------------------------------------------------------------------


def _bank_schools(request: HttpRequest) -> list[School]:
    """The schools whose bank the actor may change (the schools of their teaching posts)."""
    from tsunagu.accounts.selectors import actor_assignments
    from tsunagu.grades.policies import _school_of

    ids = {_school_of(a) for a in actor_assignments(request.user)} - {None}
    return list(School.objects.filter(pk__in=ids).order_by("kind", "mext_code"))


@policy_required(Phrase, "view")
def phrases(request: HttpRequest) -> HttpResponse:
    """The school's phrase bank: every teacher adds, edits and deletes phrases; on the writing page a
    phrase goes into the text box with one click."""
    schools = _bank_schools(request)
    school = next((s for s in schools if str(s.uuid) == request.GET.get("school")), None)
    school = school or (schools[0] if schools else None)
    if school is None:
        raise Http404
    form_error = ""
    if request.method == "POST":
        try:
            services.phrase_add(
                actor=request.user,
                school=school,
                kind=request.POST.get("kind", ""),
                topic=request.POST.get("topic", ""),
                text=request.POST.get("text", ""),
            )
        except ValidationError as exc:
            form_error = " ".join(exc.messages)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Phrase added."))
            return redirect(f"{reverse('grades:phrases')}?school={school.uuid}")
    bank = list(Phrase.objects.visible_to(request.user, "view").filter(school=school))
    groups = [(k, label, [p for p in bank if p.kind == k]) for k, label in RemarkKind.choices]
    context = {
        "school": school,
        "schools": schools,
        "groups": groups,
        "kinds": RemarkKind.choices,
        "form_error": form_error,
        "posted": request.POST if form_error else {},
    }
    return render(request, "grades/phrases.html", context, status=400 if form_error else 200)


@policy_required(Phrase, "change")
@require_POST
def phrase_edit(request: HttpRequest, phrase_uuid: uuid.UUID) -> HttpResponse:
    """Change (``action=save``) or delete (``action=delete``) a phrase of the bank."""
    phrase = get_visible_or_404(
        Phrase, request, phrase_uuid, "change", queryset=Phrase.objects.select_related("school")
    )
    back = f"{reverse('grades:phrases')}?school={phrase.school.uuid}"
    if request.POST.get("action") == "delete":
        services.phrase_delete(actor=request.user, phrase=phrase)
        messages.success(request, _("Phrase deleted."))
        return redirect(back)
    try:
        services.phrase_update(
            actor=request.user,
            phrase=phrase,
            topic=request.POST.get("topic", ""),
            text=request.POST.get("text", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Phrase saved."))
    return redirect(back)


# --- character limits per school and form ---------------------------------------------------------


@policy_required(School, "set_remark_limits")
def remark_limits(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The school's character limits per text and form (通知表: per term; 指導要録: per year). The
    principal sets them; the defaults fit the usual A4 forms."""
    school = get_visible_or_404(School, request, school_uuid, "set_remark_limits")
    current = selectors.remark_limits_of(school.pk)
    kinds = [*HOMEROOM_KINDS, RemarkKind.SUBJECT]
    error = ""
    if request.method == "POST":
        wanted: dict[tuple[str, bool], int] = {}
        for kind in kinds:
            for yearly in (False, True):
                raw = request.POST.get(f"{kind}-{'year' if yearly else 'term'}", "").strip()
                try:
                    value = int(raw)
                except ValueError:
                    value = 0
                if not 10 <= value <= 2000:
                    error = _("Enter a number of characters from 10 to 2000.")
                    break
                wanted[(kind, yearly)] = value
        if not error:
            services.remark_limits_set(actor=request.user, school=school, limits=wanted)
            messages.success(request, _("Saved."))
            return redirect(request.path)
    labels = dict(RemarkKind.choices)
    rows = [
        {
            "kind": k,
            "label": labels[k],
            "term": current[(k, False)],
            "year": current[(k, True)],
            "default_term": DEFAULT_LIMITS[(k, False)],
            "default_year": DEFAULT_LIMITS[(k, True)],
        }
        for k in kinds
    ]
    return render(
        request,
        "grades/remark_limits.html",
        {"school": school, "rows": rows, "error": error},
        status=400 if error else 200,
    )


@policy_required(Homeroom, "view_remarks")
def remarks_index(request: HttpRequest) -> HttpResponse:
    """The classes whose texts and 成績個票 the actor may open this year, a link per term and for the
    year; the phrase bank; for the principal, the school's character limits."""
    day = timezone.localdate()
    rooms = list(
        Homeroom.objects.visible_to(request.user, "view_remarks")
        .filter(school_year__start_date__lte=day, school_year__end_date__gte=day)
        .select_related("school", "grade_level", "school_year")
        .order_by("school__kind", "school__mext_code", "grade_level__order", "is_special_needs", "order")
    )
    terms: dict[tuple[int, int], list[Term]] = {}
    for t in Term.objects.filter(
        school__in={h.school_id for h in rooms}, school_year__in={h.school_year_id for h in rooms}
    ).order_by("number"):
        terms.setdefault((t.school_id, t.school_year_id), []).append(t)
    rows = [{"homeroom": h, "terms": terms.get((h.school_id, h.school_year_id), [])} for h in rooms]
    limit_schools = list(School.objects.visible_to(request.user, "set_remark_limits"))
    context = {"rows": rows, "limit_schools": limit_schools, "bank": bool(_bank_schools(request))}
    return render(request, "grades/remarks_index.html", context)


# --- 成績個票 ---------------------------------------------------------------------------------------


@policy_required(Homeroom, "view_grades")
def sheets(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """成績個票 of a class in a term: every pupil's sheet on one page (to print), or ``?pupil=`` one;
    ``?format=pdf`` one PDF (a page per pupil), ``?format=xlsx`` a workbook (a worksheet per pupil)."""
    from tsunagu.core.pdf import pdf_response
    from tsunagu.grades.sheets import sheets_pdf, sheets_xlsx

    homeroom, found, terms = _homeroom_term(request, homeroom_uuid, term, "view_grades")
    if found is None:
        raise Http404
    pupil_key = request.GET.get("pupil") or None
    data = selectors.grade_sheets_get(
        actor=request.user, homeroom=homeroom, term=found, student_uuid=pupil_key
    )
    if pupil_key and not data:
        raise Http404
    kind = request.GET.get("format")
    stem = f"成績個票_{homeroom.display_name}_{found.name}"
    if pupil_key:
        stem += f"_{data[0].student.full_name}"
    if kind == "pdf" and data:
        return pdf_response(sheets_pdf(data), f"{stem}.pdf")
    if kind == "xlsx":
        response = HttpResponse(
            sheets_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{stem}.xlsx")
        return response
    context = {"homeroom": homeroom, "term": found, "terms": terms, "sheets": data, "pupil": pupil_key}
    return render(request, "grades/sheets.html", context)


@policy_required(Homeroom, "view_grade_summary")
def grade_summary(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """成績一覧 of the grade of a class: per rated subject, each class's and the grade's average 評定,
    distribution of 評定 and share of A per 観点 (grade heads and principals)."""
    homeroom, found, terms = _homeroom_term(request, homeroom_uuid, term, "view_grade_summary")
    if found is None:
        raise Http404
    data = selectors.grade_summary_get(actor=request.user, homeroom=homeroom, term=found)
    context = {
        "homeroom": homeroom,
        "term": found,
        "terms": terms,
        "data": data,
        "viewpoints": selectors.VIEWPOINTS,
    }
    return render(request, "grades/grade_summary.html", context)
