"""Model fields every app declares the same way."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def user_fk(verbose_name: str, related_name: str = "+", null: bool = True) -> models.ForeignKey:
    """Who did something: a user, kept (PROTECT) while a record names him; optional unless
    ``null=False``."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )
