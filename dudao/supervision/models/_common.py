"""A field shared by the supervision models: a foreign key to a user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _user_fk(verbose_name: str, related_name: str = "+", null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )
