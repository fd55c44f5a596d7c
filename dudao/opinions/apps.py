from __future__ import annotations

from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "dudao.opinions"
    label = "opinions"
    verbose_name = "征求意见"

    def ready(self) -> None:
        # The requirements engine learns the opinion requirement kinds here (the engine may not
        # import this app: dependencies point from record-keeping apps to campaigns).
        from . import rectification_source
        from .requirement_kinds import register

        register()
        # The rectification item form picks opinions as an item's source record.
        rectification_source.register()
