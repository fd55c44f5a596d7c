from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "dudao.supervision"
    label = "supervision"
    verbose_name = "督导工作"

    def ready(self) -> None:
        # Every app's ``todo.py`` registers its to-do providers with dudao.core.todo (core may
        # not import our apps; this one imports them all at start-up, after the registry).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("todo")
        from . import signals

        signals.connect()
        # A claim a spot-check found not to match is marked in the requirement report.
        from dudao.campaigns.requirements.ports import register_evidence_marker

        from .selectors import evidence_marks

        register_evidence_marker("supervision.spot_checks", evidence_marks)
