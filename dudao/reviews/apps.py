from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dudao.reviews"
    label = "reviews"
    verbose_name = "文书审核"
