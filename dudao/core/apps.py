from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dudao.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Login attempts are audited through Django's and axes' auth signals: the login flow is
        # Django's, not one of our actions, so there is no action function to call instead.
        from .logins import connect_signals

        connect_signals()
