"""OneRoster 1.2 REST provider, mounted at ``/ims/oneroster/`` (rostering/v1p2)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
