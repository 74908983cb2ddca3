"""URLs of the audit pages (namespace ``audit``)."""

from django.urls import path

from tsunagu.core import views

app_name = "audit"
urlpatterns = [
    path("students/<uuid:student_uuid>/", views.student_audit, name="student_audit"),
]
