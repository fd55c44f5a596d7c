from __future__ import annotations

from django.urls import path

from . import views

app_name = "records"

P = "<int:participation_id>/"

urlpatterns = [
    path(P, views.hub, name="hub"),
    path(P + "me/", views.own, name="own"),
    path(P + "hours/", views.member_hours, name="hours"),
    path(P + "hours/export.xlsx", views.member_hours_export, name="hours_export"),
    path(P + "sessions/", views.session_list, name="sessions"),
    path(P + "sessions/export.xlsx", views.session_export, name="sessions_export"),
    path(P + "sessions/new/", views.session_new, name="session_new"),
    path(P + "sessions/<int:session_id>/", views.session_edit, name="session_edit"),
    path(P + "sessions/<int:session_id>/delete/", views.session_delete, name="session_delete"),
    path(P + "meetings/", views.meeting_list, name="meetings"),
    path(P + "meetings/export.xlsx", views.meeting_export, name="meetings_export"),
    path(P + "meetings/new/", views.meeting_new, name="meeting_new"),
    path(P + "meetings/<int:meeting_id>/", views.meeting_edit, name="meeting_edit"),
    path(P + "tests/", views.test_list, name="tests"),
    path(P + "tests/export.xlsx", views.test_list_export, name="tests_export"),
    path(P + "tests/new/", views.test_new, name="test_new"),
    path(P + "tests/<int:test_id>/", views.test_scores, name="test_scores"),
    path(P + "tests/<int:test_id>/export.xlsx", views.test_export, name="test_export"),
    path(P + "tests/<int:test_id>/import/", views.scores_import, name="scores_import"),
    path(P + "tests/<int:test_id>/template.xlsx", views.scores_template, name="scores_template"),
    path(P + "activities/", views.activity_list, name="activities"),
    path(P + "activities/export.xlsx", views.activity_export, name="activities_export"),
    path(P + "activities/new/", views.activity_new, name="activity_new"),
    path(P + "exemptions/", views.exemption_list, name="exemptions"),
    path(P + "exemptions/export.xlsx", views.exemption_export, name="exemptions_export"),
    path(P + "exemptions/new/", views.exemption_new, name="exemption_new"),
    path(
        P + "exemptions/<int:exemption_id>/withdraw/",
        views.exemption_withdraw,
        name="exemption_withdraw",
    ),
    path(P + "talks/", views.talk_list, name="talks"),
    path(P + "talks/export.xlsx", views.talk_export, name="talks_export"),
    path(P + "talks/new/", views.talk_new, name="talk_new"),
    path(P + "problems/export.xlsx", views.problem_export, name="problems_export"),
    path(P + "problems/new/", views.problem_new, name="problem_new"),
    path(P + "criticisms/export.xlsx", views.criticism_export, name="criticisms_export"),
    path(P + "criticisms/new/", views.criticism_new, name="criticism_new"),
    path(P + "notes/", views.notes, name="notes"),
    path(P + "notes/new/", views.note_new, name="note_new"),
    path(P + "import/attendance/", views.attendance_import, name="attendance_import"),
    path(
        P + "import/attendance/template.xlsx",
        views.attendance_template,
        name="attendance_template",
    ),
]
