"""URLs of the records pages (namespace ``records``)."""

from django.urls import path

from tsunagu.records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("homerooms/<uuid:homeroom_uuid>/", views.homeroom, name="homeroom"),
    path("homerooms/<uuid:homeroom_uuid>/submit/", views.homeroom_submit, name="homeroom_submit"),
    path("homerooms/<uuid:homeroom_uuid>/sign/", views.homeroom_sign, name="homeroom_sign"),
    path("<uuid:record_uuid>/", views.record, name="record"),
    path("<uuid:record_uuid>/record.pdf", views.record_pdf, name="record_pdf"),
    path("<uuid:record_uuid>/years/<uuid:year_uuid>/", views.record_drafts, name="record_drafts"),
    path(
        "<uuid:record_uuid>/years/<uuid:year_uuid>/amend/<str:form_name>/",
        views.record_amend,
        name="record_amend",
    ),
    path("transcripts/<uuid:homeroom_uuid>/", views.transcripts, name="transcripts"),
    path("transcripts/<uuid:homeroom_uuid>/<uuid:student_uuid>/", views.transcript, name="transcript"),
    path(
        "transcripts/<uuid:homeroom_uuid>/<uuid:student_uuid>/transcript.pdf",
        views.transcript_pdf,
        name="transcript_pdf",
    ),
]
