"""URLs of the records pages (namespace ``records``)."""

from django.urls import path  # noqa: F401

app_name = "records"
urlpatterns: list = []
