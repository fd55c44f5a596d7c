"""Write settings.DUDAO_PERIODIC_JOBS into the task queue's schedule (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def sync_periodic_jobs() -> list[str]:
    """One django-q2 Schedule row per entry of settings.DUDAO_PERIODIC_JOBS (name -> {"func",
    "minutes"}), created or updated; schedules of ours ("periodic:" names) no longer listed are
    removed. Returns the names kept."""
    from django_q.models import Schedule

    wanted = getattr(settings, "DUDAO_PERIODIC_JOBS", {})
    with transaction.atomic():
        for name, job in wanted.items():
            Schedule.objects.update_or_create(
                name=f"periodic:{name}",
                defaults={
                    "func": job["func"],
                    "schedule_type": Schedule.MINUTES,
                    "minutes": int(job["minutes"]),
                    "repeats": -1,
                },
            )
        keep = [f"periodic:{name}" for name in wanted]
        Schedule.objects.filter(name__startswith="periodic:").exclude(name__in=keep).delete()
    return sorted(wanted)


class Command(BaseCommand):
    help = "把 settings.DUDAO_PERIODIC_JOBS 中的定时任务写入任务队列的计划表。"

    def handle(self, *args, **options):
        for name in sync_periodic_jobs():
            self.stdout.write(f"定时任务：{name}")
