from __future__ import annotations

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<int:campaign_id>/", views.document_list, name="list"),
    path("c/<int:campaign_id>/new/", views.document_new, name="new"),
    path("c/<int:campaign_id>/copies/", views.copy_report, name="copies"),
    path("c/<int:campaign_id>/load/", views.load_report, name="load"),
    path("c/<int:campaign_id>/references/", views.references, name="references"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/diff/", views.document_diff, name="diff"),
    path("<int:pk>/submit/", views.document_submit, name="submit"),
    path("<int:pk>/comment/", views.document_comment, name="comment"),
    path("<int:pk>/comments/<int:comment_id>/check/", views.comment_check, name="check"),
    path("<int:pk>/comments/<int:comment_id>/reply/", views.comment_reply, name="reply"),
    path("<int:pk>/decide/", views.document_decide, name="decide"),
    path("<int:pk>/milestone/", views.document_milestone, name="milestone"),
    path("<int:pk>/v/<int:number>/original/", views.version_original, name="original"),
]
