from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "dudao.campaigns"
    label = "campaigns"
    verbose_name = "活动"

    def ready(self) -> None:
        # Imports wait for the app registry: models cannot load before ready().
        from django.utils.module_loading import autodiscover_modules

        from dudao.orgs.actions import register_name_copy

        from .models import Participation

        def rename_participations(organisation, name: str) -> None:
            Participation.objects.filter(unit=organisation).update(unit_name=name)

        register_name_copy(rename_participations)
        # Apps that feed the requirements engine register their readers in ``<app>/ports.py``
        # (records: dudao/records/ports.py); the engine never names them.
        autodiscover_modules("ports")
