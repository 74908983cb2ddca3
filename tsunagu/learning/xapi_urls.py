"""URLs of the xAPI Learning Record Store, mounted at ``/xapi/`` (the endpoint learning apps are given)."""

from django.urls import URLPattern, URLResolver

app_name = "xapi"
urlpatterns: list[URLPattern | URLResolver] = []
