"""URLs of the learning data pages (namespace ``learning``): the board's app registry and monitoring."""

from django.urls import URLPattern, URLResolver, path

from tsunagu.learning import views

app_name = "learning"
urlpatterns: list[URLPattern | URLResolver] = [
    path("apps/", views.app_list, name="app_list"),
    path("apps/new/", views.app_create, name="app_create"),
    path("apps/<uuid:client_uuid>/", views.app_detail, name="app_detail"),
    path("apps/<uuid:client_uuid>/rotate/", views.app_rotate, name="app_rotate"),
    path("apps/<uuid:client_uuid>/revoke/", views.app_revoke, name="app_revoke"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<uuid:agent_uuid>/match/", views.agent_match, name="agent_match"),
    path("quarantine/<uuid:agent_uuid>/reject/", views.agent_reject, name="agent_reject"),
    path("monitoring/", views.monitoring, name="monitoring"),
]
