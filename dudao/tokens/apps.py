from __future__ import annotations

from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "dudao.tokens"
    label = "tokens"
    verbose_name = "接口令牌"
