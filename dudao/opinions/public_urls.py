from __future__ import annotations

from django.urls import path

from . import public

# The login-free opinion box, mounted under /s/box/ (config/urls.py).
app_name = "opinions_public"
urlpatterns = [
    path("<str:token>/", public.box, name="box"),
]
