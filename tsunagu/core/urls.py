from django.urls import path

from tsunagu.core import home, status

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", status.healthz, name="healthz"),
]
