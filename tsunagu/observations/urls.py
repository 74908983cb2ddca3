"""URLs of the observations pages (namespace ``observations``)."""

from django.urls import URLPattern, URLResolver, path

from tsunagu.observations import views

app_name = "observations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("good-points/new/", views.good_point_new, name="good_point_new"),
    path("good-points/<uuid:good_point_uuid>/delete/", views.good_point_delete, name="good_point_delete"),
    path("students/<uuid:student_uuid>/", views.pupil, name="pupil"),
    path("students/<uuid:student_uuid>/topics/new/", views.topic_new, name="topic_new"),
    path("topics/<uuid:topic_uuid>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<uuid:topic_uuid>/history/", views.topic_history, name="topic_history"),
    path("topics/<uuid:topic_uuid>/acknowledge/", views.topic_acknowledge, name="topic_acknowledge"),
    path("homerooms/<uuid:homeroom_uuid>/", views.class_overview, name="class_overview"),
    path("home-notes/new/", views.home_note_new, name="home_note_new"),
]
