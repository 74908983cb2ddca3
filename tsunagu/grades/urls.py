"""URLs of the grades pages (namespace ``grades``)."""

from django.urls import URLPattern, URLResolver

app_name = "grades"
urlpatterns: list[URLPattern | URLResolver] = []
