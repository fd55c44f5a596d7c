"""Small helpers shared by this app's tests."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.campaigns.models import Participation
from dudao.rectification.tests.helpers import PNG

__all__ = ["PNG", "part", "photo", "problem", "visit"]


def part(cast, unit=None) -> Participation:
    return Participation.objects.select_related("campaign__template", "unit", "group").get(
        campaign=cast.campaign, unit=unit or cast.unit_a
    )


def photo(name: str = "座谈会.png", data: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def visit(cast, *, who="group_member", token="t-1", **extra):
    from dudao.supervision.actions import log_visit

    return log_visit(
        actor=cast.user(who),
        participation=part(cast),
        kind=extra.pop("kind", "forum"),
        happened_on=extra.pop("happened_on", dt.date.today()),
        people_count=extra.pop("people_count", 12),
        notes=extra.pop("notes", "与窗口科室干部座谈"),
        client_token=token,
        **extra,
    )


def problem(cast, *, who="group_leader", deadline=None, **extra):
    from dudao.supervision.actions import record_problem

    return record_problem(
        actor=cast.user(who),
        participation=part(cast, extra.pop("unit", None)),
        description=extra.pop("description", "学习笔记内容雷同，集中学习签到与实际不符"),
        deadline=deadline,
        **extra,
    )
