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
]
