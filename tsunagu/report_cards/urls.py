"""URLs of the report_cards pages (namespace ``report_cards``)."""

from django.urls import path

from tsunagu.report_cards import views

app_name = "report_cards"
_CLASS = "classes/<uuid:homeroom_uuid>/<int:term>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(_CLASS, views.class_cards, name="class_cards"),
    path(f"{_CLASS}pdf/", views.class_pdf, name="class_pdf"),
    path(f"{_CLASS}pupils/<uuid:student_uuid>/pdf/", views.pupil_pdf, name="pupil_pdf"),
    path(f"{_CLASS}submit/", views.submit, name="submit"),
    path(f"{_CLASS}approve/", views.approve, name="approve"),
    path(f"{_CLASS}send-back/", views.send_back, name="send_back"),
    path(f"{_CLASS}release/", views.release, name="release"),
    path("cards/<uuid:card_uuid>/pdf/", views.card_pdf, name="card_pdf"),
    path("mine/", views.mine, name="mine"),
    path("schools/<uuid:school_uuid>/template/", views.template_edit, name="template_edit"),
    path("schools/<uuid:school_uuid>/print/", views.school_print, name="school_print"),
    path("batches/<uuid:batch_uuid>/", views.batch, name="batch"),
    path("batches/<uuid:batch_uuid>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<uuid:batch_uuid>/download/", views.batch_download, name="batch_download"),
]
