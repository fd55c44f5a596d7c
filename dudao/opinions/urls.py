from __future__ import annotations

from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("units/<int:participation_id>/", views.unit, name="unit"),
    path("units/<int:participation_id>/new/", views.opinion_new, name="new"),
    path("units/<int:participation_id>/import/", views.opinion_import, name="import"),
    path("units/<int:participation_id>/opinions.xlsx", views.opinion_export, name="export"),
    path("units/<int:participation_id>/duplicates/", views.duplicates, name="duplicates"),
    path("units/<int:participation_id>/feedback/", views.feedback, name="feedback"),
    path("units/<int:participation_id>/box/", views.box, name="box"),
    path("opinions/<int:opinion_id>/", views.detail, name="detail"),
    path("opinions/<int:opinion_id>/classify/", views.classify, name="classify"),
    path("opinions/<int:opinion_id>/hide/", views.hide, name="hide"),
    path("opinions/<int:opinion_id>/to-item/", views.to_item, name="to_item"),
    path("opinions/<int:opinion_id>/unmerge/", views.unmerge, name="unmerge"),
]
