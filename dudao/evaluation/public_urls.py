from __future__ import annotations

from django.urls import path

from . import public

app_name = "evaluation_public"
# Login-free voting on a branch ballot with a one-time code. Kept apart from the staff pages.
urlpatterns = [
    path("", public.start, name="start"),
    path("vote/", public.vote, name="vote"),
]
