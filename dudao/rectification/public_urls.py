from __future__ import annotations

from django.urls import path

from . import views

app_name = "rectification_public"
urlpatterns = [
    path("<str:token>/", views.public_list, name="list"),
    path("<str:token>/qr.svg", views.public_qr, name="qr"),
]
