"""The background worker: syncs the periodic jobs, then runs the django-q2 cluster (the task
queue's workers and its scheduler) until stopped. Any number of these may run on one
PostgreSQL; on SQLite run one."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from .sync_periodic_jobs import sync_periodic_jobs


class Command(BaseCommand):
    help = "启动后台任务处理（导入、定时任务）。按 Ctrl+C 停止。"

    def handle(self, *args, **options):
        sync_periodic_jobs()
        call_command("qcluster")
