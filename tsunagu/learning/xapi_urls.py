"""URLs of the xAPI Learning Record Store, mounted at ``/xapi/`` (the endpoint learning apps are given).

Trailing slashes are optional: xAPI clients append resource names to the endpoint as they are.
"""

from django.urls import URLPattern, URLResolver, re_path

from tsunagu.learning.xapi import views

app_name = "xapi"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^about/?$", views.about, name="about"),
    re_path(r"^statements/?$", views.statements, name="statements"),
    re_path(r"^activities/state/?$", views.state, name="state"),
    re_path(r"^activities/profile/?$", views.activity_profile, name="activity_profile"),
    re_path(r"^activities/?$", views.activities, name="activities"),
    re_path(r"^agents/profile/?$", views.agent_profile, name="agent_profile"),
    re_path(r"^agents/?$", views.agents, name="agents"),
]
