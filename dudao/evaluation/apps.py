from __future__ import annotations

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "dudao.evaluation"
    label = "evaluation"
    verbose_name = "分析评议"

    def ready(self) -> None:
        # The requirements engine learns this app's requirement kinds here (the engine may not
        # import this app: dependencies point from record-keeping apps to campaigns).
        from .requirement_kinds import register

        register()
