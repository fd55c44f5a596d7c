"""List overdue phases and transition applications waiting too long (read-only; safe to run
from cron every morning). Exit status 0 whatever it finds."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dudao.campaigns.models import Campaign, CampaignStatus
from dudao.transitions import rules, selectors


class Command(BaseCommand):
    help = "列出阶段已超期的单位和等待审核过久的转段申请"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只看这个活动（编号）")

    def handle(self, *args, campaign=None, **options):
        campaigns = Campaign.objects.select_related("template")
        if campaign:
            campaigns = campaigns.filter(pk=campaign)
        else:
            campaigns = campaigns.exclude(status=CampaignStatus.FINISHED)
        limit = rules.wait_days_limit()
        for c in campaigns:
            count, overdue = selectors.overdue_units(c, limit=1000)
            waiting = [
                row
                for row in selectors.office_queue(c, limit=1000)
                + [
                    r
                    for g in c.groups.all()
                    for r in selectors.group_queue(g)
                    if not r.application.participation.reports_directly
                ]
                if row.too_long
            ]
            self.stdout.write(
                f"{c.short_name or c.name}：阶段超期 {count} 个单位，"
                f"转段申请等待超过 {limit} 天 {len(waiting)} 份"
            )
            for p, s in overdue:
                self.stdout.write(
                    f"  超期  {p.unit_name}  {s.phase_name}  应于 {s.due_on} 完成，已超 {s.days_over()} 天"
                )
            for row in waiting:
                a = row.application
                where = "活动办" if row.at_office else "督导组"
                self.stdout.write(
                    f"  等待  {a.participation.unit_name}  在{where}已等待 {row.days} 天"
                )
