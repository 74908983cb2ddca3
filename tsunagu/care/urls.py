"""URLs of the care notes pages (namespace ``care``)."""

from django.urls import URLPattern, URLResolver

app_name = "care"
urlpatterns: list[URLPattern | URLResolver] = []
