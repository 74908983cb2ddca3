"""URLs of the school infections pages (namespace ``infection``)."""

from django.urls import path

from tsunagu.infection import views

app_name = "infection"
urlpatterns = [
    path("schools/<uuid:school_uuid>/current/", views.school_list_view, name="school"),
    path("schools/<uuid:school_uuid>/new/", views.diagnosis_new, name="diagnosis_new"),
    path("schools/<uuid:school_uuid>/proposals/", views.proposals, name="proposals"),
    path("schools/<uuid:school_uuid>/report.csv", views.daily_report, name="daily_report"),
    path("cases/<uuid:infection_uuid>/", views.detail, name="detail"),
    path("cases/<uuid:infection_uuid>/confirm/", views.confirm, name="confirm"),
    path("cases/<uuid:infection_uuid>/dates/", views.update_dates, name="update_dates"),
    path("cases/<uuid:infection_uuid>/cancel/", views.cancel, name="cancel"),
    path("proposals/<uuid:proposal_uuid>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<uuid:proposal_uuid>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    path("ward/", views.ward, name="ward"),
    path("settings/", views.board_settings, name="settings"),
]
