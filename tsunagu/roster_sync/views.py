"""The OneRoster page: export the roster for the 学習eポータル and learning apps, and check a package."""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.audit import audit_event
from tsunagu.core.policy import registry
from tsunagu.core.views import policy_required
from tsunagu.org.models import School, SchoolYear
from tsunagu.org.selectors import school_year_on
from tsunagu.roster_sync.apply import differences_digest, package_apply
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.forms import WARD, CheckForm, ExportForm
from tsunagu.roster_sync.profiles import PROFILES
from tsunagu.roster_sync.reconcile import ReconcileReport, package_reconcile
from tsunagu.roster_sync.validate import validate_package

MAX_UPLOAD = 200 * 1024 * 1024


def _this_year() -> SchoolYear | None:
    return school_year_on(timezone.localdate())


def _schools(request: HttpRequest) -> list[School]:
    return list(School.objects.visible_to(request.user, "export_oneroster").order_by("mext_code"))


@require_http_methods(["GET"])
@policy_required(School, "export_oneroster")
def export_page(request: HttpRequest) -> HttpResponse:
    """The form; with ``download`` in the query, the zip itself (a read, so a GET a browser can repeat)."""
    schools = _schools(request)
    is_board = len(schools) > 1
    form = ExportForm(request.GET if "download" in request.GET else None, schools=schools, ward=is_board)
    if form.is_bound and form.is_valid():
        year = _this_year()
        if year is not None:
            chosen = form.chosen_schools()
            profile = PROFILES[form.cleaned_data["profile"]]
            since = form.cleaned_data["since"]
            package = package_build(
                schools=chosen,
                school_year=year,
                profile=profile,
                since=since,
                subject_classes=form.cleaned_data["subject_classes"],
                terms=form.cleaned_data["terms"],
            )
            data = package.to_zip()
            audit_event(
                kind="oneroster_export",
                actor=request.user,
                request=request,
                detail={
                    "schools": len(chosen),
                    "profile": profile.code,
                    "mode": package.mode,
                    "users": len(package.files.get("users", [])),
                },
            )
            label = _("Ward") if form.cleaned_data["scope"] == WARD else chosen[0].name
            filename = f"OneRoster_{label}_{year.year}_{package.mode}_{timezone.localdate():%Y%m%d}.zip"
            response = HttpResponse(data, content_type="application/zip")
            response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
            response["Cache-Control"] = "private, no-store"
            return response
        form.add_error(None, _("There is no school year that includes today."))
    return render(
        request,
        "roster_sync/export.html",
        {"form": form, "check_form": CheckForm(schools=schools, ward=is_board)},
    )


@require_http_methods(["POST"])
@policy_required(School, "export_oneroster")
def check_package(request: HttpRequest) -> HttpResponse:
    """Check an uploaded package against a profile and list every problem by file, line and column;
    optionally compare it with our roster of the chosen schools and list every difference."""
    schools = _schools(request)
    ward = len(schools) > 1
    form = CheckForm(request.POST, request.FILES, schools=schools, ward=ward)
    report = None
    apply_form: dict[str, str] | None = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        profile = PROFILES[form.cleaned_data["profile"]]
        year = _this_year()
        compared = form.compared_schools()
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is too large (200 MB at most)."))
        elif compared and year is not None:
            data = upload.read()
            report = package_reconcile(data=data, profile=profile, schools=compared, school_year=year)
            if report.compared and report.differences and _may_apply(request, compared):
                apply_form = _apply_fields(data, form, report)
        else:
            report = ReconcileReport(problems=validate_package(upload.read(), profile))
    return render(
        request,
        "roster_sync/export.html",
        {
            "form": ExportForm(schools=schools, ward=ward),
            "check_form": form,
            "report": report,
            "compared": bool(form.is_valid() and form.compared_schools()),
            "apply_form": apply_form,
            "apply_too_large": apply_form is not None and not apply_form.get("data"),
        },
        status=200 if report is not None else 400,
    )


def _may_apply(request: HttpRequest, schools: list[School]) -> bool:
    """Whether the actor may apply differences at every one of ``schools``."""
    if not registry.allows_any(request.user, School, "apply_oneroster"):
        return False
    allowed = School.objects.visible_to(request.user, "apply_oneroster").filter(
        pk__in=[s.pk for s in schools]
    )
    return allowed.count() == len(schools)


def _apply_fields(data: bytes, form: CheckForm, report: ReconcileReport) -> dict[str, str]:
    """The hidden fields of the apply button: the package itself (base64, when it fits in a form
    post), the profile, the schools compared and the fingerprint of the differences shown."""
    encoded = base64.b64encode(data).decode("ascii")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    fits = limit is None or len(encoded) < limit - 64 * 1024
    return {
        "data": encoded if fits else "",
        "profile": form.cleaned_data["profile"],
        "compare": form.cleaned_data["compare"],
        "digest": differences_digest(report),
    }


@require_http_methods(["POST"])
@policy_required(School, "apply_oneroster")
def apply_package(request: HttpRequest) -> HttpResponse:
    """差分を反映する: compare the package again and apply its pupils' name and class differences in one
    transaction; the page reports each row (applied, refused with the reason, or not applicable)."""
    schools = _schools(request)
    ward = len(schools) > 1
    profile = PROFILES.get(request.POST.get("profile", ""))
    chosen = request.POST.get("compare", "")
    compared = list(schools) if chosen == WARD else [s for s in schools if str(s.uuid) == chosen]
    try:
        data = base64.b64decode(request.POST.get("data", "").encode("ascii"), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        data = b""
    year = _this_year()
    if profile is None or not compared or not data or year is None:
        return HttpResponse(_("The package or the schools to compare are missing."), status=400)
    if not _may_apply(request, compared):
        return HttpResponse(status=404)
    result = package_apply(
        actor=request.user,
        data=data,
        profile=profile,
        schools=compared,
        school_year=year,
        expected_digest=request.POST.get("digest") or None,
    )
    return render(
        request,
        "roster_sync/export.html",
        {
            "form": ExportForm(schools=schools, ward=ward),
            "check_form": CheckForm(schools=schools, ward=ward),
            "applied": result,
        },
    )
