"""API tokens for integrations (another system calling the JSON API without a browser session).

A token acts as the office account that created it, with exactly that account's scope and
rights (the API asks the same access layer and permits as the pages). Only the SHA-256 of the
secret is stored; the secret is shown once, when the token is made. ``prefix`` (the first
characters of the secret) names a token on the page without revealing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表账号",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("令牌前缀", max_length=12)
    digest = models.CharField("令牌哈希", max_length=64, unique=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
