"""Demo data of the reports and the archive: three weekly bulletins of the campaign office (two
issued, the latest a draft with a free item added) and one unit's archive exported as a bundle
— through the apps' own actions, so numbers, audit events and the bundle's manifest are the
real ones. Cheap at any scale: three bulletins and one unit's bundle."""

from __future__ import annotations

import datetime as dt

from dudao.archive import actions as archive_actions
from dudao.campaigns.models import Participation
from dudao.reports import actions as report_actions


def seed_reports(*, campaign, office, today: dt.date, out) -> dict:
    stats = {"bulletins": 0, "archive_exports": 0}
    made = []
    for weeks_ago in (2, 1, 0):
        day = today - dt.timedelta(days=7 * weeks_ago)
        if day < campaign.start_date:
            continue
        made.append(
            report_actions.create_bulletin(
                actor=office, campaign=campaign, issued_on=day, token=f"demo-{day.isoformat()}"
            )
        )
    for b in made[:-1]:
        report_actions.issue_bulletin(actor=office, bulletin=b, expected_version=b.version)
    if made:
        draft = made[-1]
        items = [{"title": i.title, "text": i.text, "source": i.source} for i in draft.items.all()]
        items.append(
            {
                "title": "督导组深入基层指导",
                "text": "各督导组本周深入所督导单位，列席专题会议，个别谈话，查阅资料，"
                "对学习记录不全的单位当场指出并督促整改。",
                "source": "free",
            }
        )
        report_actions.edit_bulletin(
            actor=office,
            bulletin=draft,
            expected_version=draft.version,
            masthead=draft.masthead,
            sponsor=draft.sponsor,
            issued_on=draft.issued_on,
            items=items,
        )
    stats["bulletins"] = len(made)
    # One unit's archive, exported now (run inline: the worker of `make demo` finds it done).
    unit = (
        Participation.objects.filter(campaign=campaign, group__isnull=False)
        .select_related("campaign__template", "unit", "batch", "group")
        .order_by("unit__code")
        .first()
    )
    if unit is not None:
        export = archive_actions.request_export(
            actor=office, participation=unit, token=f"demo-archive-{unit.pk}"
        )
        archive_actions.run_export(export.pk)
        stats["archive_exports"] = 1
    out.write(f"  简报 {stats['bulletins']} 期，活动档案包 {stats['archive_exports']} 个\n")
    return stats
