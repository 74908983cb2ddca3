"""URLs of the OneRoster pages (namespace ``roster_sync``)."""

from django.urls import path

from tsunagu.roster_sync import views

app_name = "roster_sync"
urlpatterns = [
    path("", views.export_page, name="export"),
    path("check/", views.check_package, name="check"),
    path("check/apply/", views.apply_package, name="apply"),
]
