"""Campaign set-up pages (office only). The overview lives in dudao.web at campaigns/<id>/overview/."""

from __future__ import annotations

from django.urls import path

from . import views, views_templates

urlpatterns = [
    path("new/", views.campaign_new, name="campaign_new"),
    path("templates/", views_templates.templates_page, name="campaign_templates"),
    path("templates/load/", views_templates.template_load, name="campaign_template_load"),
    path("<int:campaign_id>/setup/", views.campaign_setup, name="campaign_setup"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/batches/", views.batch_save, name="campaign_batch_save"),
    path(
        "<int:campaign_id>/batches/<int:batch_id>/edit/",
        views.batch_edit,
        name="campaign_batch_edit",
    ),
    path("<int:campaign_id>/groups/new/", views.group_edit, name="campaign_group_new"),
    path(
        "<int:campaign_id>/groups/<int:group_id>/edit/",
        views.group_edit,
        name="campaign_group_edit",
    ),
    path("<int:campaign_id>/people-search/", views.people_search, name="campaign_people_search"),
    path("<int:campaign_id>/units/", views.units, name="campaign_units"),
    path(
        "<int:campaign_id>/participations/<int:participation_id>/group/",
        views.participation_group,
        name="campaign_participation_group",
    ),
    path(
        "<int:campaign_id>/participations/<int:participation_id>/withdraw/",
        views.participation_withdraw,
        name="campaign_participation_withdraw",
    ),
    path(
        "<int:campaign_id>/inspection-groups/",
        views.inspection_create,
        name="campaign_inspection_create",
    ),
    path(
        "<int:campaign_id>/inspection-groups/<int:inspection_id>/edit/",
        views.inspection_edit,
        name="campaign_inspection_edit",
    ),
]
