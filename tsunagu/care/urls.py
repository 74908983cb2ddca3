"""URLs of the care notes pages (namespace ``care``)."""

from django.urls import path

from tsunagu.care import views

app_name = "care"
urlpatterns = [
    path("schools/<uuid:school_uuid>/", views.school_index, name="school"),
    path("homerooms/<uuid:homeroom_uuid>/", views.class_list, name="class_list"),
    path("pupils/<uuid:student_uuid>/", views.pupil, name="pupil"),
    path("pupils/<uuid:student_uuid>/new/", views.note_new, name="note_new"),
    path("notes/<uuid:note_uuid>/", views.note_edit, name="note_edit"),
]
