"""The OneRoster page: export the roster for the 学習eポータル and learning apps, and check a package."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.audit import audit_event
from tsunagu.core.views import policy_required
from tsunagu.org.models import School, SchoolYear
from tsunagu.org.selectors import school_year_on
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
    if form.is_valid():
        upload = form.cleaned_data["file"]
        profile = PROFILES[form.cleaned_data["profile"]]
        year = _this_year()
        compared = form.compared_schools()
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is too large (200 MB at most)."))
        elif compared and year is not None:
            report = package_reconcile(
                data=upload.read(), profile=profile, schools=compared, school_year=year
            )
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
        },
        status=200 if report is not None else 400,
    )
