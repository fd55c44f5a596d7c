from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dudao.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Login attempts are audited through Django's and axes' auth signals: the login flow is
        # Django's, not one of our actions, so there is no action function to call instead.
        from django.db.models.signals import post_migrate

        from .logins import connect_signals

        connect_signals()
        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(sender, using="default", verbosity=1, **kwargs) -> None:
    """With DUDAO_CACHE_URL=db://, the cache's table is made by migrate (and so by make demo
    and the test database), as every other table."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))
