from __future__ import annotations

from django.urls import path

from . import public

# Public, login-free survey pages (one-time codes). Kept apart from the staff pages.
urlpatterns = [
    path("", public.start, name="survey_start"),
    path("submit/", public.submit, name="survey_submit"),
    path("open/<str:token>/", public.by_open_link, name="survey_open_link"),
    path("<str:code>/", public.by_link, name="survey_code"),
]
