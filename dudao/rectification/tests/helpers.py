"""Small helpers shared by this app's tests."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.campaigns.models import Participation

# The smallest valid PNG (1×1): a photo as a phone would upload it.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def part(cast, unit=None) -> Participation:
    return Participation.objects.select_related("campaign__template", "unit").get(
        campaign=cast.campaign, unit=unit or cast.unit_a
    )


def photo(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def new_item(
    cast,
    *,
    rect_class="immediate",
    deadline=None,
    owner_key="member",
    actor="group_leader",
    **extra,
):
    from dudao.rectification.actions import create_item

    return create_item(
        actor=cast.user(actor),
        participation=part(cast),
        level=extra.pop("level", "organisation"),
        problem=extra.pop("problem", "窗口服务态度生硬，群众办事多次往返"),
        rect_class=rect_class,
        measures=extra.pop("measures", "制定首问负责制，公开办事流程"),
        lead_person=cast.people[owner_key] if owner_key else None,
        lead_post=extra.pop("lead_post", "办公室主任"),
        deadline=deadline,
        **extra,
    )


def with_evidence(cast, item, who="member"):
    from dudao.rectification.actions import post_progress

    return post_progress(
        actor=cast.user(who),
        item=item,
        happened_on=dt.date.today(),
        text="已公开办事流程并张贴首问负责制",
        files=[photo()],
    )


def xlsx(rows: list[list], merge_title: bool = True) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
