"""URLs of the attendance pages (namespace ``attendance``)."""

from django.urls import path

from tsunagu.attendance import views

app_name = "attendance"
urlpatterns = [
    path("homerooms/<uuid:homeroom_uuid>/daily/", views.daily, name="daily"),
    path("homerooms/<uuid:homeroom_uuid>/register/", views.register_month, name="register_month"),
    path("homerooms/<uuid:homeroom_uuid>/alerts/", views.homeroom_alerts, name="homeroom_alerts"),
    path("schools/<uuid:school_uuid>/alerts/", views.school_alerts, name="school_alerts"),
    path("schools/<uuid:school_uuid>/day/", views.school_day, name="school_day"),
    path("schools/<uuid:school_uuid>/closures/", views.closures, name="closures"),
    path("homerooms/<uuid:homeroom_uuid>/register.pdf", views.register_pdf, name="register_pdf"),
    path("schools/<uuid:school_uuid>/notices/", views.school_notices, name="school_notices"),
    path("schools/<uuid:school_uuid>/settings/", views.school_settings, name="school_settings"),
    path("board/notices/", views.board_notices, name="board_notices"),
    path("board/codes/", views.board_codes, name="board_codes"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/", views.report_list, name="report_list"),
]
