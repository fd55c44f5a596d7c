from __future__ import annotations

from django.urls import path

from . import views

app_name = "transitions"
urlpatterns = [
    path("report/<int:participation_id>/", views.unit_report, name="report"),
    path("timeline/<int:participation_id>/", views.timeline, name="timeline"),
    path("units/<int:participation_id>/", views.unit_page, name="unit"),
    path("units/<int:participation_id>/apply/", views.apply, name="apply"),
    path("units/<int:participation_id>/extension/", views.extension_page, name="extension"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("applications/<int:application_id>/forward/", views.forward, name="forward"),
    path("applications/<int:application_id>/remedial/", views.remedial, name="remedial"),
    path("applications/<int:application_id>/approve/", views.approve, name="approve"),
    path("applications/<int:application_id>/send-back/", views.send_back, name="send_back"),
    path("applications/<int:application_id>/meeting/", views.record_meeting, name="meeting"),
    path("extensions/<int:extension_id>/decide/", views.decide_extension, name="decide_extension"),
    path("groups/<int:group_id>/", views.group_dashboard, name="group"),
    path("campaigns/<int:campaign_id>/", views.campaign_dashboard, name="campaign"),
]
