from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "dudao.campaigns"
    label = "campaigns"
    verbose_name = "活动"
