"""Root URL configuration. Every URL here is listed in the access-matrix test (tsunagu/core/tests)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tsunagu.core.urls")),
    path("", include("tsunagu.students.urls")),
    path("attendance/", include("tsunagu.attendance.urls")),
    path("health/", include("tsunagu.health.urls")),
    path("checkups/", include("tsunagu.checkups.urls")),
    path("infection/", include("tsunagu.infection.urls")),
    path("care/", include("tsunagu.care.urls")),
    path("observations/", include("tsunagu.observations.urls")),
    path("grades/", include("tsunagu.grades.urls")),
    path("learning/", include("tsunagu.learning.urls")),
    path("xapi/", include("tsunagu.learning.xapi_urls")),
    path("oneroster/", include("tsunagu.roster_sync.urls")),
    path("karte/", include("tsunagu.karte.urls")),
    path("report-cards/", include("tsunagu.report_cards.urls")),
    path("records/", include("tsunagu.records.urls")),
    path("learning/summaries/", include("tsunagu.learning_summaries.urls")),
    path("ims/oneroster/", include("tsunagu.roster_sync.rest_urls")),
    path("audit/", include("tsunagu.core.audit_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("tsunagu.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
