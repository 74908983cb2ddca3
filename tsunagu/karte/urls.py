"""URLs of the karte pages (namespace ``karte``)."""

from django.urls import path

from tsunagu.karte import views

app_name = "karte"
urlpatterns = [
    path("pupils/<uuid:student_uuid>/", views.karte, name="karte"),
    path("pupils/<uuid:student_uuid>/refresh/", views.refresh, name="refresh"),
    path("insights/<uuid:insight_uuid>/assign/", views.assign, name="assign"),
    path("insights/<uuid:insight_uuid>/dismiss/", views.dismiss, name="dismiss"),
    path("homerooms/<uuid:homeroom_uuid>/", views.class_board, name="class_board"),
    path("schools/<uuid:school_uuid>/", views.school_board, name="school_board"),
    path("me/", views.mine, name="mine"),
    path("children/<uuid:student_uuid>/", views.child, name="child"),
    path("ward/", views.ward, name="ward"),
    path("ward/thresholds/", views.thresholds, name="thresholds"),
]
