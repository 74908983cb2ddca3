"""URLs of the observations pages (namespace ``observations``)."""

from django.urls import URLPattern, URLResolver

app_name = "observations"
urlpatterns: list[URLPattern | URLResolver] = []
