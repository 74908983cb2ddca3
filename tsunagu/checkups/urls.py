"""URLs of the health exams pages (namespace ``checkups``)."""

from django.urls import URLPattern, URLResolver

app_name = "checkups"
urlpatterns: list[URLPattern | URLResolver] = []
