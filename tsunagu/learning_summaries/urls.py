"""URLs of the learning_summaries pages (namespace ``learning_summaries``)."""

from django.urls import path  # noqa: F401

app_name = "learning_summaries"
urlpatterns: list = []
