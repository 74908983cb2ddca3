"""URLs of the learning data pages (namespace ``learning``)."""

from django.urls import URLPattern, URLResolver

app_name = "learning"
urlpatterns: list[URLPattern | URLResolver] = []
