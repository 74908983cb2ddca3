"""URLs of the 学籍 pages (namespace ``students``)."""

from django.urls import path

from tsunagu.students import views

app_name = "students"
urlpatterns = [
    path("homerooms/<uuid:homeroom_uuid>/roster/", views.homeroom_roster, name="homeroom_roster"),
    path("schools/<uuid:school_uuid>/roster/", views.school_roster, name="school_roster"),
    path("students/<uuid:student_uuid>/", views.student_detail, name="student_detail"),
]
