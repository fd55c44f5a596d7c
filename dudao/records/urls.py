from __future__ import annotations

from django.urls import path, register_converter

from . import views, views_pages
from .registry import KindConverter

app_name = "records"

register_converter(KindConverter, "kind")

P = "<int:participation_id>/"
K = P + "<kind:kind>/"
R = K + "<int:record_id>/"

urlpatterns = [
    path(P, views_pages.hub, name="hub"),
    path(P + "me/", views_pages.own, name="own"),
    path(P + "hours/", views_pages.member_hours, name="hours"),
    path(P + "hours/export.xlsx", views_pages.member_hours_export, name="hours_export"),
    path(P + "notes/", views_pages.notes, name="notes"),
    path(P + "notes/new/", views_pages.note_new, name="note_new"),
    path(P + "import/attendance/", views_pages.attendance_import, name="attendance_import"),
    path(
        P + "import/attendance/template.xlsx",
        views_pages.attendance_template,
        name="attendance_template",
    ),
    # A knowledge test's page is its score grid (before the generic record page).
    path(P + "tests/<int:test_id>/", views_pages.test_scores, name="test_scores"),
    path(P + "tests/<int:test_id>/export.xlsx", views_pages.test_export, name="test_export"),
    path(P + "tests/<int:test_id>/import/", views_pages.scores_import, name="scores_import"),
    path(
        P + "tests/<int:test_id>/template.xlsx",
        views_pages.scores_template,
        name="scores_template",
    ),
    path(
        P + "exemptions/<int:record_id>/decide/",
        views.exemption_decide,
        name="exemption_decide",
    ),
    # Every kind of the registry (sessions, meetings, tests, activities, exemptions, talks,
    # problems, criticisms): one set of views.
    path(K, views.kind_list, name="kind_list"),
    path(K + "export.xlsx", views.kind_export, name="kind_export"),
    path(K + "new/", views.kind_new, name="kind_new"),
    path(K + "import/", views.kind_import, name="kind_import"),
    path(K + "import/template.xlsx", views.kind_import_template, name="kind_import_template"),
    path(R, views.kind_record, name="kind_record"),
    path(R + "edit/", views.kind_record, name="kind_edit"),
    path(R + "delete/", views.kind_delete, name="kind_delete"),
    path(R + "correct/", views.kind_correct, name="kind_correct"),
]
