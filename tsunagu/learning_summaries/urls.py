"""URLs of the learning_summaries pages (namespace ``learning_summaries``)."""

from django.urls import path

from tsunagu.learning_summaries import views

app_name = "learning_summaries"
urlpatterns = [
    path("schools/<uuid:school_uuid>/", views.school_index, name="school_index"),
    path(
        "schools/<uuid:school_uuid>/test-results/import/",
        views.test_results_import,
        name="test_results_import",
    ),
    path("homerooms/<uuid:homeroom_uuid>/", views.homeroom_overview, name="homeroom_overview"),
]
