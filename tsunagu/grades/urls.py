"""URLs of the grades pages (namespace ``grades``)."""

from django.urls import URLPattern, URLResolver, path

from tsunagu.grades import remark_views, views

app_name = "grades"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("groups/<uuid:group_uuid>/terms/<int:term>/", views.grid, name="grid"),
    path("groups/<uuid:group_uuid>/terms/<int:term>/save/", views.grid_save, name="grid_save"),
    path("groups/<uuid:group_uuid>/terms/<int:term>/import/", views.grid_import, name="grid_import"),
    path("groups/<uuid:group_uuid>/terms/<int:term>/plan/", views.plan_start, name="plan_start"),
    path(
        "groups/<uuid:group_uuid>/terms/<int:term>/pupils/<uuid:student_uuid>/",
        views.result_override,
        name="result_override",
    ),
    path("groups/<uuid:group_uuid>/plans/<uuid:plan_uuid>/", views.plan_edit, name="plan_edit"),
    path("homerooms/<uuid:homeroom_uuid>/terms/<int:term>/", views.class_list, name="class_list"),
    path(
        "homerooms/<uuid:homeroom_uuid>/terms/<int:term>/records/", views.class_records, name="class_records"
    ),
    path("remarks/", remark_views.remarks_index, name="remarks_index"),
    path("homerooms/<uuid:homeroom_uuid>/terms/<int:term>/remarks/", remark_views.remarks, name="remarks"),
    path("homerooms/<uuid:homeroom_uuid>/year/remarks/", remark_views.remarks, name="remarks_year"),
    path("homerooms/<uuid:homeroom_uuid>/remarks/save/", remark_views.remark_save, name="remark_save"),
    path("homerooms/<uuid:homeroom_uuid>/terms/<int:term>/sheets/", remark_views.sheets, name="sheets"),
    path(
        "homerooms/<uuid:homeroom_uuid>/terms/<int:term>/grade-summary/",
        remark_views.grade_summary,
        name="grade_summary",
    ),
    path("phrases/", remark_views.phrases, name="phrases"),
    path("phrases/<uuid:phrase_uuid>/", remark_views.phrase_edit, name="phrase_edit"),
    path("schools/<uuid:school_uuid>/remark-limits/", remark_views.remark_limits, name="remark_limits"),
]
