from __future__ import annotations

from django.urls import path

from . import views, views_bulletins, views_documents

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<int:campaign_id>/", views.campaign_report, name="campaign"),
    path("campaigns/<int:campaign_id>/tallies.xlsx", views.campaign_export, name="export"),
    path(
        "campaigns/<int:campaign_id>/charts/<slug:key>.xlsx",
        views_documents.chart_export,
        name="chart_export",
    ),
    path("campaigns/<int:campaign_id>/figures/<slug:code>/", views.figure_report, name="figure"),
    path(
        "campaigns/<int:campaign_id>/figures/<slug:code>/units/",
        views.figure_units,
        name="figure_units",
    ),
    path(
        "campaigns/<int:campaign_id>/figures/<slug:code>/units/<int:participation_id>/",
        views.figure_unit,
        name="figure_unit",
    ),
    path(
        "campaigns/<int:campaign_id>/figures/<slug:code>/units/<int:participation_id>/records.xlsx",
        views.figure_unit_export,
        name="figure_unit_export",
    ),
    path(
        "campaigns/<int:campaign_id>/documents/<slug:kind>.<slug:fmt>",
        views_documents.document,
        name="document",
    ),
    path(
        "campaigns/<int:campaign_id>/bulletins/",
        views_bulletins.bulletin_list,
        name="bulletins",
    ),
    path("bulletins/<int:bulletin_id>/", views_bulletins.bulletin_detail, name="bulletin"),
    path(
        "bulletins/<int:bulletin_id>/issue/", views_bulletins.bulletin_issue, name="bulletin_issue"
    ),
    path(
        "bulletins/<int:bulletin_id>/bulletin.<slug:fmt>",
        views_bulletins.bulletin_file,
        name="bulletin_file",
    ),
]
