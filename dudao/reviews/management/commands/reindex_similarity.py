"""Rebuild a campaign's copy-detection index (after restoring a backup, or changing the n-gram
parameters in a new release). Uploading boilerplate re-indexes by itself."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dudao.campaigns.models import Campaign
from dudao.reviews.detection import reindex_campaign


class Command(BaseCommand):
    help = "重建某个活动的文书雷同检测索引"

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, campaign_id, **options):
        if not Campaign.objects.filter(pk=campaign_id).exists():
            raise CommandError(f"活动 {campaign_id} 不存在。")
        with transaction.atomic():
            count = reindex_campaign(campaign_id)
        self.stdout.write(f"已重建 {count} 份文书的索引。")
