from __future__ import annotations

from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "dudao.transitions"
    label = "transitions"
    verbose_name = "转段与补课"
