"""URLs of the report_cards pages (namespace ``report_cards``)."""

from django.urls import path  # noqa: F401

app_name = "report_cards"
urlpatterns: list = []
