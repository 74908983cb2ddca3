"""URLs of the health pages (namespace ``health``)."""

from django.urls import path

from tsunagu.health import views

app_name = "health"
urlpatterns = [
    path("checkin/", views.pupil_checkin, name="pupil_checkin"),
    path("homerooms/<uuid:homeroom_uuid>/", views.class_summary, name="class_summary"),
    path("homerooms/<uuid:homeroom_uuid>/entry/", views.class_entry, name="class_entry"),
    path("homerooms/<uuid:homeroom_uuid>/afternoon/", views.open_afternoon, name="open_afternoon"),
    path("sessions/<uuid:session_uuid>/seen/", views.mark_seen, name="mark_seen"),
    path("talk/<uuid:talk_uuid>/acknowledge/", views.talk_acknowledge, name="talk_acknowledge"),
    path("schools/<uuid:school_uuid>/", views.school_summary, name="school_summary"),
    path("ward/", views.ward_summary, name="ward_summary"),
    # 保健室来室記録 and 保健日誌
    path("schools/<uuid:school_uuid>/visits/", views.nurse_visits, name="nurse_visits"),
    path("schools/<uuid:school_uuid>/visits/new/", views.nurse_visit_new, name="nurse_visit_new"),
    path("schools/<uuid:school_uuid>/log/", views.daily_log, name="daily_log"),
    path("schools/<uuid:school_uuid>/log/pdf/", views.daily_log_pdf, name="daily_log_pdf"),
    path("schools/<uuid:school_uuid>/visit-statistics/", views.nurse_stats, name="nurse_stats"),
    path("visits/<uuid:visit_uuid>/", views.nurse_visit_edit, name="nurse_visit_edit"),
    path("visits/<uuid:visit_uuid>/register/", views.visit_register, name="visit_register"),
    path("pupils/<uuid:student_uuid>/visits/", views.nurse_pupil_visits, name="nurse_pupil_visits"),
    path("notices/<uuid:notice_uuid>/read/", views.notice_read, name="notice_read"),
]
