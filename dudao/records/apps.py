from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "dudao.records"
    label = "records"
    verbose_name = "学习与活动记录"

    def ready(self) -> None:
        # The record kinds register themselves with the registry on import; importing them here
        # (not from the registry) keeps the registry free of a cycle with its definitions.
        from . import definitions  # noqa: F401
