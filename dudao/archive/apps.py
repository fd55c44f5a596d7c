from __future__ import annotations

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "dudao.archive"
    label = "archive"
    verbose_name = "活动档案"
