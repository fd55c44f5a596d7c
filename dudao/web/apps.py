from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dudao.web"
    label = "web"
    verbose_name = "页面"
