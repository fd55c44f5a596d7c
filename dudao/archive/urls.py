from __future__ import annotations

from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("units/<int:participation_id>/", views.unit_archive, name="unit"),
    path("units/<int:participation_id>/export/", views.export_start, name="export"),
    path("exports/<int:export_id>/download/", views.export_download, name="download"),
]
