from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path(
        "campaigns/<int:campaign_id>/overview/", views.campaign_overview, name="campaign_overview"
    ),
    path(
        "campaigns/<int:campaign_id>/overview/export.xlsx",
        views.campaign_overview_export,
        name="campaign_overview_export",
    ),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("orgs/<int:org_id>/", views.organisation_detail, name="organisation_detail"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
]
