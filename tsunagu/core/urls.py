from django.urls import path

from tsunagu.core import home

urlpatterns = [
    path("", home.home, name="home"),
]
