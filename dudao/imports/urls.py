from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("roster/", views.roster_upload, name="import_roster"),
    path("roster/template.xlsx", views.roster_template, name="import_roster_template"),
    path("setup/<int:campaign_id>/", views.setup_upload, name="import_setup"),
    path(
        "setup/<int:campaign_id>/template.xlsx", views.setup_template, name="import_setup_template"
    ),
    path("jobs/<int:job_id>/", views.job_detail, name="import_job"),
    path("jobs/<int:job_id>/import/", views.job_import, name="import_job_import"),
    path("jobs/<int:job_id>/errors.xlsx", views.job_errors, name="import_job_errors"),
]
