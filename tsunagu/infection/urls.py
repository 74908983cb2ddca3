"""URLs of the school infections pages (namespace ``infection``)."""

from django.urls import URLPattern, URLResolver

app_name = "infection"
urlpatterns: list[URLPattern | URLResolver] = []
