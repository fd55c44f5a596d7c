from __future__ import annotations

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("campaigns/<int:campaign_id>/", views.campaign_surveys, name="campaign"),
    path("units/<int:participation_id>/", views.unit_surveys, name="unit"),
    path("units/<int:participation_id>/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<int:round_id>/sample.xlsx", views.sample_xlsx, name="sample_xlsx"),
    path("rounds/<int:round_id>/roll/", views.round_roll, name="round_roll"),
    path("rounds/<int:round_id>/codes/", views.round_codes, name="round_codes"),
    path("rounds/<int:round_id>/codes.docx", views.codes_docx, name="codes_docx"),
    path("rounds/<int:round_id>/codes.xlsx", views.codes_xlsx, name="codes_xlsx"),
    path("rounds/<int:round_id>/open/", views.round_open, name="round_open"),
    path("rounds/<int:round_id>/link/", views.round_open_link, name="round_open_link"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<int:round_id>/resurvey/", views.round_resurvey, name="round_resurvey"),
    path("rounds/<int:round_id>/paper/", views.paper_enter, name="paper_enter"),
    path("rounds/<int:round_id>/paper/confirm/", views.paper_confirm, name="paper_confirm"),
]
