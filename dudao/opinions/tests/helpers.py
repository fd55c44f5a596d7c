"""Small helpers shared by this app's tests."""

from __future__ import annotations

import datetime as dt
import io

from dudao.campaigns.models import Participation

DAY = dt.date(2014, 3, 10)


def part(cast, unit=None) -> Participation:
    return Participation.objects.select_related("campaign__template", "unit").get(
        campaign=cast.campaign, unit=unit or cast.unit_a
    )


def opinion(cast, text="窗口工作人员态度生硬，办事推诿扯皮", *, actor="liaison", **extra):
    from dudao.opinions.actions import record_opinion

    return record_opinion(
        actor=cast.user(actor),
        participation=part(cast),
        channel=extra.pop("channel", "forum"),
        giver_kind=extra.pop("giver_kind", "service"),
        given_on=extra.pop("given_on", DAY),
        target_kind=extra.pop("target_kind", "team"),
        text=text,
        **extra,
    )


def xlsx(rows: list[list], title: str | None = "东城区财政局征求意见建议汇总表") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
