"""URLs of the 学籍 pages (namespace ``students``)."""

from django.urls import path

from tsunagu.students import views

app_name = "students"
urlpatterns = [
    path("homerooms/<uuid:homeroom_uuid>/roster/", views.homeroom_roster, name="homeroom_roster"),
    path("schools/<uuid:school_uuid>/roster/", views.school_roster, name="school_roster"),
    path(
        "homerooms/<uuid:homeroom_uuid>/roster/export.<slug:fmt>",
        views.homeroom_roster_export,
        name="homeroom_roster_export",
    ),
    path(
        "schools/<uuid:school_uuid>/roster/export.<slug:fmt>",
        views.school_roster_export,
        name="school_roster_export",
    ),
    path("students/<uuid:student_uuid>/", views.student_detail, name="student_detail"),
    # 学籍の異動
    path(
        "students/<uuid:student_uuid>/transfer-out/", views.student_transfer_out, name="student_transfer_out"
    ),
    path("students/<uuid:student_uuid>/withdraw/", views.student_withdraw, name="student_withdraw"),
    path("students/<uuid:student_uuid>/place/", views.student_place, name="student_place"),
    path("students/<uuid:student_uuid>/name/", views.student_rename, name="student_rename"),
    path(
        "students/<uuid:student_uuid>/change-class/", views.student_change_class, name="student_change_class"
    ),
    path("schools/<uuid:school_uuid>/arrivals/new/", views.student_arrival, name="student_arrival"),
    path("schools/<uuid:school_uuid>/year-rollover/", views.year_rollover, name="year_rollover"),
    path(
        "schools/<uuid:school_uuid>/year-rollover/formation.csv",
        views.rollover_formation_csv,
        name="rollover_formation_csv",
    ),
    path(
        "students/<uuid:student_uuid>/transfer-package.zip",
        views.student_transfer_package,
        name="student_transfer_package",
    ),
    # 証明書
    path(
        "students/<uuid:student_uuid>/certificates/new/",
        views.student_certificate_new,
        name="student_certificate_new",
    ),
    path("certificates/<uuid:certificate_uuid>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("schools/<uuid:school_uuid>/certificates/", views.certificate_ledger, name="certificate_ledger"),
    path("enrolment/register-import/", views.register_import, name="register_import"),
]
