"""URLs of the health exams pages (namespace ``checkups``)."""

from django.urls import path

from tsunagu.checkups import views

app_name = "checkups"
urlpatterns = [
    path("schools/<uuid:school_uuid>/", views.school_index, name="school_index"),
    path("schools/<uuid:school_uuid>/statistics/", views.statistics, name="statistics"),
    path("schools/<uuid:school_uuid>/outstanding/", views.outstanding, name="outstanding"),
    path("schools/<uuid:school_uuid>/import/", views.measurement_import, name="import"),
    path("homerooms/<uuid:homeroom_uuid>/measurements/", views.measure_grid, name="measure_grid"),
    path("homerooms/<uuid:homeroom_uuid>/dental/", views.dental_grid, name="dental_grid"),
    path("homerooms/<uuid:homeroom_uuid>/follow-ups/", views.class_followups, name="class_followups"),
    path("homerooms/<uuid:homeroom_uuid>/follow-ups/issue/", views.followups_issue, name="followups_issue"),
    path("homerooms/<uuid:homeroom_uuid>/letters.pdf", views.letters_pdf, name="letters_pdf"),
    path("follow-ups/<uuid:follow_up_uuid>/return/", views.followup_return, name="followup_return"),
    path("pupils/<uuid:student_uuid>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<uuid:student_uuid>/card.pdf", views.exam_card_pdf, name="exam_card_pdf"),
    path("exams/<uuid:exam_uuid>/edit/", views.exam_edit, name="exam_edit"),
]
