from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "dudao.records"
    label = "records"
    verbose_name = "学习与活动记录"
