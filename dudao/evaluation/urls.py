from __future__ import annotations

from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("units/<int:participation_id>/", views.unit, name="unit"),
    path("units/<int:participation_id>/talks/", views.talk_matrix, name="talks"),
    path("units/<int:participation_id>/divisions/", views.divisions, name="divisions"),
    path(
        "units/<int:participation_id>/divisions/import/",
        views.divisions_import,
        name="divisions_import",
    ),
    path("units/<int:participation_id>/self-analysis/", views.self_analysis, name="self_analysis"),
    path("units/<int:participation_id>/ballots/new/", views.ballot_new, name="ballot_new"),
    path("rounds/<int:round_id>/settle/", views.settle, name="settle"),
    path("ballots/<int:ballot_id>/", views.ballot, name="ballot"),
    path("ballots/<int:ballot_id>/results.xlsx", views.ballot_export, name="ballot_export"),
    path("ballots/<int:ballot_id>/<str:action>/", views.ballot_action, name="ballot_action"),
    path(
        "ballots/<int:ballot_id>/members/<int:person_id>/propose/",
        views.propose,
        name="propose",
    ),
    path("evaluations/<int:evaluation_id>/decide/", views.decide, name="decide"),
    path("evaluations/<int:evaluation_id>/letter/", views.letter, name="letter"),
    path("evaluations/<int:evaluation_id>/case/", views.open_case, name="open_case"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/step/", views.case_step, name="case_step"),
    path("cases/<int:case_id>/refer/", views.case_refer, name="case_refer"),
]
