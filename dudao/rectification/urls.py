from __future__ import annotations

from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("units/<int:participation_id>/", views.unit_items, name="unit"),
    path("units/<int:participation_id>/new/", views.item_new, name="item_new"),
    path(
        "units/<int:participation_id>/plans/<int:document_id>/",
        views.from_plan,
        name="from_plan",
    ),
    path("units/<int:participation_id>/import/", views.ledger_import, name="import"),
    path("units/<int:participation_id>/ledger.xlsx", views.ledger_export, name="export"),
    path("units/<int:participation_id>/publish/", views.publish, name="publish"),
    path("units/<int:participation_id>/registers/", views.unit_registers, name="registers"),
    path("units/<int:participation_id>/regulations/", views.regulation_add, name="regulation_add"),
    path("units/<int:participation_id>/actions/", views.special_action_add, name="action_add"),
    path("units/<int:participation_id>/areas/", views.area_status, name="area_status"),
    path("units/<int:participation_id>/look-back/", views.unit_look_back, name="look_back"),
    path("regulations/<int:regulation_id>/check/", views.regulation_check, name="regulation_check"),
    path("items/<int:item_id>/look-back/", views.item_look_back, name="item_look_back"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/progress/", views.item_progress, name="progress"),
    path("items/<int:item_id>/close/", views.item_apply_close, name="apply_close"),
    path("items/<int:item_id>/sign-off/", views.item_sign_off, name="sign_off"),
    path("items/<int:item_id>/extension/", views.item_extension, name="extension"),
    path(
        "items/<int:item_id>/extension/decide/",
        views.item_decide_extension,
        name="decide_extension",
    ),
    path("items/<int:item_id>/explain/", views.item_explain, name="explain"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("campaigns/<int:campaign_id>/", views.campaign_overview, name="campaign"),
    path("campaigns/<int:campaign_id>/items/", views.campaign_list, name="campaign_list"),
    path(
        "campaigns/<int:campaign_id>/items.xlsx", views.campaign_list_export, name="campaign_export"
    ),
    path("groups/<int:group_id>/", views.group_overview, name="group"),
]
