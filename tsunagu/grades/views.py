"""Grades pages. Thin: access by ``policy_required`` and ``get_visible_or_404`` on the teaching group
(or homeroom), reads in selectors, writes in services. The grid works as a plain form without
JavaScript only for reading; entering scores needs grades.js (autosave per row to ``grid_save``).
"""

from __future__ import annotations

import base64
import codecs
import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.grades import exports, imports, rules, selectors, services
from tsunagu.grades.models import (
    Assessment,
    AssessmentKind,
    BehaviourItem,
    EvaluationPlan,
    Grade,
    SpecialActivity,
    Viewpoint,
)
from tsunagu.org.models import Homeroom, SchoolKind, TeachingGroup, Term

_GROUPS = TeachingGroup.objects.select_related("school", "subject", "grade_level", "school_year")


def _group_and_term(
    request: HttpRequest, group_uuid: uuid.UUID, term: int, action: str
) -> tuple[TeachingGroup, Term]:
    group = get_visible_or_404(TeachingGroup, request, group_uuid, action, queryset=_GROUPS)
    found = selectors.term_of(group, term)
    if found is None:
        raise Http404
    return group, found


def _group_term_plan(
    request: HttpRequest, group_uuid: uuid.UUID, term: int
) -> tuple[TeachingGroup, Term, EvaluationPlan]:
    """The group the actor enters scores for, the term and its plan; 404 if missing or out of scope."""
    group, found = _group_and_term(request, group_uuid, term, "enter_scores")
    plan = selectors.plan_for(actor=request.user, group=group, term=found)
    if plan is None:
        raise Http404
    return group, found, plan


def _group_pupil(request: HttpRequest, group: TeachingGroup, term: Term, student_uuid: uuid.UUID) -> Any:
    """A pupil of the group in the term (as the actor sees the group's enrolments), else 404."""
    student = selectors.group_pupil_get(actor=request.user, group=group, term=term, student_uuid=student_uuid)
    if student is None:
        raise Http404
    return student


@policy_required(TeachingGroup, "view_scores")
def index(request: HttpRequest) -> HttpResponse:
    """My teaching groups this year, a link per term to each grid, and the class lists of my homerooms."""
    groups = selectors.teaching_groups_for(actor=request.user)
    writable = {g.pk for g in selectors.teaching_groups_for(actor=request.user, action="enter_scores")}
    terms: dict[tuple[int, int], list[Term]] = {}
    rows = []
    for g in groups:
        key = (g.school_id, g.school_year_id)
        if key not in terms:
            terms[key] = selectors.terms_of(g)
        rows.append({"group": g, "terms": terms[key], "writable": g.pk in writable})
    homerooms = [
        a.homeroom for a in _assignments(request) if a.role == "homeroom_teacher" and a.homeroom is not None
    ]
    class_links = []
    for room in homerooms:
        room_terms = list(
            Term.objects.filter(school=room.school_id, school_year=room.school_year_id).order_by("number")
        )
        class_links.append({"homeroom": room, "terms": room_terms})
    return render(request, "grades/index.html", {"rows": rows, "class_links": class_links})


def _assignments(request: HttpRequest) -> list[Any]:
    from tsunagu.accounts.selectors import actor_assignments

    return actor_assignments(request.user)


def _grid_context(
    request: HttpRequest, group: TeachingGroup, term: Term, plan: EvaluationPlan
) -> dict[str, Any]:
    grid = selectors.grid_get(actor=request.user, group=group, term=term, plan=plan)
    return {
        "group": group,
        "term": term,
        "terms": selectors.terms_of(group),
        "plan": plan,
        "grid": grid,
        "may_enter": selectors.may(request.user, group, "enter_scores"),
        "may_plan": selectors.may(request.user, plan, "change"),
        "viewpoints": selectors.VIEWPOINTS,
    }


@policy_required(TeachingGroup, "view_scores")
def grid(request: HttpRequest, group_uuid: uuid.UUID, term: int) -> HttpResponse:
    """The score grid of a teaching group in a term: pupils × assessment parts, with the 観点 and 評定
    proposals at the right; without a plan, the way to start one."""
    group, found = _group_and_term(request, group_uuid, term, "view_scores")
    plan = selectors.plan_for(actor=request.user, group=group, term=found)
    if plan is None:
        may_plan = selectors.may(request.user, group, "enter_scores")
        return render(
            request,
            "grades/no_plan.html",
            {"group": group, "term": found, "terms": selectors.terms_of(group), "may_plan": may_plan},
        )
    if request.GET.get("format") == "csv":
        return _csv_response(
            exports.grid_csv(selectors.grid_get(actor=request.user, group=group, term=found, plan=plan)),
            f"scores-{group.uuid}.csv",
        )
    return render(request, "grades/grid.html", _grid_context(request, group, found, plan))


def _csv_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(codecs.BOM_UTF8 + text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
@policy_required(TeachingGroup, "enter_scores")
def grid_save(request: HttpRequest, group_uuid: uuid.UUID, term: int) -> JsonResponse:
    """Autosave of one pupil's row (JSON in, JSON out): 200 saved, 409 with the conflicting cells side by
    side (nothing of theirs overwritten), 400 with the invalid cells (nothing written)."""
    group, found, plan = _group_term_plan(request, group_uuid, term)
    try:
        payload = json.loads(request.body.decode("utf-8"))
        student_uuid = uuid.UUID(str(payload["student"]))
        raw_cells = list(payload["cells"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return _json_error(_("The request could not be read."), 400)
    student = _group_pupil(request, group, found, student_uuid)
    plan_parts = selectors.plan_parts(plan)
    parts = {str(p.uuid): p for p in plan_parts}
    cells = []
    for raw in raw_cells:
        try:
            part = parts[str(raw["part"])]
            cells.append(
                services.CellInput(
                    part=part, text=str(raw.get("value", "")), version=int(raw.get("version", 0))
                )
            )
        except (KeyError, TypeError, ValueError):
            return _json_error(_("The request could not be read."), 400)
    try:
        saved = services.score_row_save(actor=request.user, plan=plan, student=student, cells=cells)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    result = selectors.pupil_result(
        actor=request.user, plan=plan, student=student, parts=plan_parts, scores=saved.scores
    )
    body = {
        "saved": [{"part": str(c.part.uuid), "value": c.text, "version": c.version} for c in saved.saved],
        "conflicts": [
            {
                "part": str(c.part.uuid),
                "mine": c.mine,
                "theirs": c.theirs,
                "version": c.version,
                "by": c.by,
                "at": c.at.isoformat() if c.at else None,
            }
            for c in saved.conflicts
        ],
        "result": result.as_json(),
    }
    return JsonResponse(body, status=409 if saved.conflicts else 200)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@policy_required(TeachingGroup, "enter_scores")
def grid_import(request: HttpRequest, group_uuid: uuid.UUID, term: int) -> HttpResponse:
    """CSV import of a group's scores: upload → every row checked (row/column/message) → confirm → all
    written in one transaction, or nothing."""
    group, found, plan = _group_term_plan(request, group_uuid, term)
    context: dict[str, Any] = {"group": group, "term": found, "plan": plan}
    if request.method != "POST":
        return render(request, "grades/import.html", context)
    if "confirm" in request.POST:
        try:
            data = base64.b64decode(request.POST.get("data", "").encode("ascii"), validate=True)
        except ValueError:
            return HttpResponseBadRequest()
        report = imports.score_import(
            actor=request.user, group=group, term=found, plan=plan, data=data, commit=True
        )
        if report.ok:
            messages.success(request, _("Imported: %(n)s scores changed.") % {"n": report.changed})
            return redirect(reverse("grades:grid", args=[group.uuid, found.number]))
        context.update(report=report, data=_b64(data))
        return render(request, "grades/import.html", context, status=400)
    upload = request.FILES.get("file")
    if upload is None:
        context["file_error"] = _("Choose a CSV file.")
        return render(request, "grades/import.html", context, status=400)
    data = upload.read()
    report = imports.score_import(
        actor=request.user, group=group, term=found, plan=plan, data=data, commit=False
    )
    context.update(report=report, data=_b64(data))
    return render(request, "grades/import.html", context, status=200 if report.ok else 400)


@require_POST
@policy_required(TeachingGroup, "enter_scores")
def plan_start(request: HttpRequest, group_uuid: uuid.UUID, term: int) -> HttpResponse:
    """Create the term's plan for the group's subject and grade (optionally copying last year's)."""
    group, found = _group_and_term(request, group_uuid, term, "enter_scores")
    plan = services.plan_create(
        actor=request.user, term=found, subject_id=group.subject_id, grade_level_id=group.grade_level_id
    )
    if request.POST.get("copy") and not plan.assessments.exists():
        source = (
            EvaluationPlan.objects.visible_to(request.user, "view")
            .filter(
                school=group.school_id,
                subject=group.subject_id,
                grade_level=group.grade_level_id,
                term__number=found.number,
                school_year__year=group.school_year.year - 1,
            )
            .first()
        )
        if source is not None:
            n = services.plan_copy_from(actor=request.user, plan=plan, source=source)
            messages.success(request, _("Copied %(n)s assessments from last year's plan.") % {"n": n})
        else:
            messages.info(request, _("There is no plan of last year to copy."))
    return redirect(reverse("grades:plan_edit", args=[group.uuid, plan.uuid]))


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": raw}) from None


@policy_required(TeachingGroup, "view_scores")
def plan_edit(request: HttpRequest, group_uuid: uuid.UUID, plan_uuid: uuid.UUID) -> HttpResponse:
    """評価計画: units with their criteria per 観点, assessments with their parts (max points, weight),
    and the plan's own thresholds. Read-only for those who may not change it."""
    group = get_visible_or_404(TeachingGroup, request, group_uuid, "view_scores", queryset=_GROUPS)
    plan = get_visible_or_404(
        EvaluationPlan,
        request,
        plan_uuid,
        "view",
        queryset=EvaluationPlan.objects.filter(
            subject=group.subject_id, grade_level=group.grade_level_id, school=group.school_id
        ).select_related("term", "subject", "grade_level", "school"),
    )
    may_change = selectors.may(request.user, plan, "change")
    errors: list[str] = []
    if request.method == "POST":
        if not may_change:
            raise Http404
        action = request.POST.get("action", "")
        try:
            if action == "settings":
                services.plan_update(
                    actor=request.user,
                    plan=plan,
                    a_threshold=_decimal(request.POST.get("a_threshold", "")),
                    c_threshold=_decimal(request.POST.get("c_threshold", "")),
                    note=request.POST.get("note", ""),
                )
            elif action == "unit":
                services.unit_add(
                    actor=request.user,
                    plan=plan,
                    title=request.POST.get("title", ""),
                    curriculum_code=request.POST.get("curriculum_code", "").strip(),
                    criteria={str(v): request.POST.get(f"criterion-{v}", "") for v in Viewpoint},
                )
            elif action == "assessment":
                parts = {}
                for v in Viewpoint:
                    max_points = _decimal(request.POST.get(f"max-{v}", ""))
                    if max_points is not None:
                        parts[str(v)] = (
                            max_points,
                            _decimal(request.POST.get(f"weight-{v}", "")) or Decimal(1),
                        )
                unit_id = request.POST.get("unit", "")
                unit = plan.units.filter(pk=unit_id).first() if unit_id.isdigit() else None
                services.assessment_add(
                    actor=request.user,
                    plan=plan,
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", AssessmentKind.TEST),
                    parts=parts,
                    unit=unit,
                )
            elif action == "delete":
                assessment = Assessment.objects.filter(
                    plan=plan, uuid=request.POST.get("assessment", "")
                ).first()
                if assessment is None:
                    raise Http404
                services.assessment_delete(actor=request.user, assessment=assessment)
            else:
                return HttpResponseBadRequest()
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Saved the evaluation plan."))
            return redirect(request.path)
    school_rule_thresholds, _table = selectors.thresholds_for(
        EvaluationPlan(school=plan.school, grade_level=plan.grade_level)
    )
    context = {
        "group": group,
        "plan": plan,
        "units": plan.units.prefetch_related("criteria"),
        "assessments": plan.assessments.prefetch_related("parts").select_related("unit"),
        "may_change": may_change,
        "errors": errors,
        "viewpoints": list(Viewpoint),
        "kinds": list(AssessmentKind),
        "school_thresholds": school_rule_thresholds,
        "posted": request.POST if errors else {},
    }
    return render(request, "grades/plan_edit.html", context, status=400 if errors else 200)


@policy_required(TeachingGroup, "enter_scores")
def result_override(
    request: HttpRequest, group_uuid: uuid.UUID, term: int, student_uuid: uuid.UUID
) -> HttpResponse:
    """The teacher sets a pupil's 観点 or 評定 other than proposed, with a reason (history kept)."""
    group, found, plan = _group_term_plan(request, group_uuid, term)
    student = _group_pupil(request, group, found, student_uuid)
    max_rating = rules.rating_scale(plan.grade_level.code)
    result = selectors.pupil_result(actor=request.user, plan=plan, student=student)
    errors: list[str] = []
    if request.method == "POST":
        grades = {}
        for v in selectors.VIEWPOINTS:
            value = request.POST.get(f"grade-{v}", "")
            grades[str(v)] = value if value in Grade.values else None
        raw_rating = request.POST.get("rating", "")
        try:
            services.result_override(
                actor=request.user,
                plan=plan,
                student=student,
                grades=grades,
                rating=int(raw_rating) if raw_rating.isdigit() else None,
                reason=request.POST.get("reason", ""),
                max_rating=max_rating,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Saved the grades of %(name)s.") % {"name": student.full_name})
            return redirect(reverse("grades:grid", args=[group.uuid, found.number]))
    reason = ""
    from tsunagu.grades.models import Rating, ViewpointGrade

    latest = (
        ViewpointGrade.objects.visible_to(request.user, "view").filter(plan=plan, student=student).first()
        or Rating.objects.visible_to(request.user, "view").filter(plan=plan, student=student).first()
    )
    if latest is not None:
        reason = latest.reason
    context = {
        "group": group,
        "term": found,
        "plan": plan,
        "student": student,
        "result": result,
        "viewpoint_rows": [
            (v, result.percentages[v], result.proposed[v], result.grades[v] if v in result.overridden else "")
            for v in selectors.VIEWPOINTS
        ],
        "ratings": list(range(max_rating, 0, -1)) if max_rating else [],
        "errors": errors,
        "reason": request.POST.get("reason", reason),
    }
    return render(request, "grades/override.html", context, status=400 if errors else 200)


@policy_required(Homeroom, "view_grades")
def class_list(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """成績一覧 of a class: every rated subject's 観点 and 評定 per pupil, averages and distributions;
    ``?format=xlsx`` downloads it as an Excel workbook."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "view_grades",
        queryset=Homeroom.objects.select_related("school", "grade_level", "school_year"),
    )
    found = Term.objects.filter(
        school=homeroom.school_id, school_year=homeroom.school_year_id, number=term
    ).first()
    if found is None:
        raise Http404
    data = selectors.class_list_get(actor=request.user, homeroom=homeroom, term=found)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.class_list_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="seiseki-{homeroom.uuid}-{found.number}.xlsx"'
        )
        return response
    terms = list(
        Term.objects.filter(school=homeroom.school_id, school_year=homeroom.school_year_id).order_by("number")
    )
    context = {
        "data": data,
        "homeroom": homeroom,
        "term": found,
        "terms": terms,
        "may_grade_summary": selectors.may(request.user, homeroom, "view_grade_summary"),
    }
    return render(request, "grades/class_list.html", context)


@policy_required(Homeroom, "view_records")
def class_records(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """行動の記録 (10 items) and 特別活動 of a class in a term as ○ marks: the homeroom teacher ticks,
    the principal reads."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "view_records",
        queryset=Homeroom.objects.select_related("school", "grade_level", "school_year"),
    )
    found = Term.objects.filter(
        school=homeroom.school_id, school_year=homeroom.school_year_id, number=term
    ).first()
    if found is None:
        raise Http404
    may_enter = selectors.may(request.user, homeroom, "enter_records")
    elementary = homeroom.school.kind == SchoolKind.ELEMENTARY
    activities = [a for a in SpecialActivity if elementary or a != SpecialActivity.CLUB]
    rows = selectors.class_records_get(actor=request.user, homeroom=homeroom, term=found)
    if request.method == "POST":
        if not may_enter:
            raise Http404
        marks = {
            row.student: (
                {v for v in request.POST.getlist(f"b-{row.student.uuid}")},
                {v for v in request.POST.getlist(f"a-{row.student.uuid}")},
            )
            for row in rows
        }
        try:
            n = services.class_records_save(
                actor=request.user, term=found, marks=marks, elementary=elementary
            )
        except ValidationError:
            return HttpResponseBadRequest()
        messages.success(request, _("Saved (%(n)s pupils' records changed).") % {"n": n})
        return redirect(request.path)
    terms = list(
        Term.objects.filter(school=homeroom.school_id, school_year=homeroom.school_year_id).order_by("number")
    )
    context = {
        "homeroom": homeroom,
        "term": found,
        "terms": terms,
        "rows": rows,
        "items": list(BehaviourItem),
        "activities": activities,
        "may_enter": may_enter,
    }
    return render(request, "grades/class_records.html", context)
