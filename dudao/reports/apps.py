from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dudao.reports"
    label = "reports"
    verbose_name = "统计与报表"

    def ready(self) -> None:
        # The tallies declare themselves (and their keys for the template schema) on import.
        from . import (
            tallies,  # noqa: F401
            tallies_supervision,  # noqa: F401
        )
