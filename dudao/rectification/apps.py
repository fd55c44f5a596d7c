from __future__ import annotations

from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "dudao.rectification"
    label = "rectification"
    verbose_name = "整改落实"

    def ready(self) -> None:
        # The requirements engine learns the rectification requirement kinds here (the engine
        # may not import this app: dependencies point from record-keeping apps to campaigns).
        from . import counters, ports
        from .requirement_kinds import register

        register()
        ports.register()
        counters.connect()
