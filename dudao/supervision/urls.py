from __future__ import annotations

from django.urls import path

from . import views, views_experiences, views_inspection

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.preferences_page, name="preferences"),
    path("units/<int:participation_id>/", views.unit_page, name="unit"),
    path("units/<int:participation_id>/visit/", views.visit_new, name="visit_new"),
    path("units/<int:participation_id>/problem/", views.problem_new, name="problem_new"),
    path("units/<int:participation_id>/draw/", views.spot_check_draw, name="draw"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem"),
    path("problems/<int:problem_id>/send/", views.problem_send, name="problem_send"),
    path("problems/<int:problem_id>/answer/", views.problem_answer, name="problem_answer"),
    path("problems/<int:problem_id>/verify/", views.problem_verify, name="problem_verify"),
    path("checks/<int:check_id>/", views.spot_check_detail, name="spot_check"),
    path("units/<int:participation_id>/interview/", views.interview_new, name="interview_new"),
    path("interviews/<int:interview_id>/", views.interview_detail, name="interview"),
    path("groups/<int:group_id>/reports/", views.group_reports, name="group_reports"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/report.docx", views.report_docx, name="report_docx"),
    path("campaigns/<int:campaign_id>/week/", views.campaign_week, name="week"),
    # typical experiences (issue 13 §4)
    path(
        "campaigns/<int:campaign_id>/experiences/",
        views_experiences.experience_list,
        name="experiences",
    ),
    path(
        "units/<int:participation_id>/experience/",
        views_experiences.experience_new,
        name="experience_new",
    ),
    path(
        "experiences/<int:experience_id>/",
        views_experiences.experience_detail,
        name="experience",
    ),
    path(
        "experience-files/<int:attachment_id>/",
        views_experiences.experience_file,
        name="experience_file",
    ),
    # roving inspection (issue 13 §6)
    path(
        "units/<int:participation_id>/inspection/",
        views_inspection.inspection_unit,
        name="inspection_unit",
    ),
    path(
        "units/<int:participation_id>/inspection/check/",
        views_inspection.inspection_check,
        name="inspection_check",
    ),
    path(
        "units/<int:participation_id>/inspection/exchange/",
        views_inspection.inspection_exchange,
        name="inspection_exchange",
    ),
    path(
        "inspection-groups/<int:group_id>/reports/",
        views_inspection.inspection_reports,
        name="inspection_reports",
    ),
    path(
        "inspection-reports/<int:report_id>/",
        views_inspection.inspection_report,
        name="inspection_report",
    ),
    path(
        "inspection-reports/<int:report_id>/report.docx",
        views_inspection.inspection_report_docx,
        name="inspection_report_docx",
    ),
]
