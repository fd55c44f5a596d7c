from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dudao.campaigns import actions as campaign_actions
from dudao.orgs import actions as org_actions

pytestmark = pytest.mark.django_db


def _grow(cast, n: int) -> None:
    """Add n more units (each with a branch and members) to group2, batch 2."""
    batch2 = cast.campaign.batches.get(number=2)
    for i in range(n):
        unit = org_actions.create_organisation(
            actor=None, code=f"X{i}", name=f"扩展单位{i:03d}", kind="unit", parent=cast.district
        )
        branch = org_actions.create_organisation(
            actor=None, code=f"X{i}-B", name=f"扩展单位{i:03d}支部", kind="branch", parent=unit
        )
        for k in range(3):
            org_actions.create_person(
                actor=None, code=f"X{i}-{k}", name=f"党员{i}-{k}", branch=branch
            )
        campaign_actions.enrol_unit(
            actor=None, campaign=cast.campaign, batch=batch2, unit=unit, group=cast.group2
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_it_uses_the_same_number_of_queries_for_3_units_and_for_83(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/overview/"
    small = _queries(client, url)
    _grow(cast, 80)
    client.force_login(cast.user("office"))
    assert _queries(client, url) == small
    assert _queries(client, url + "?page=2&q=扩展") == small


def test_it_filters_by_batch_phase_group_and_name(client, cast):
    _grow(cast, 5)
    client.force_login(cast.user("office"))
    base = f"/campaigns/{cast.campaign.pk}/overview/"
    body = client.get(base).content.decode()
    assert "东城区财政局" in body and "扩展单位004" in body
    body = client.get(base + f"?group={cast.group1.pk}").content.decode()
    assert "东城区财政局" in body and "扩展单位" not in body and "市档案馆" not in body
    batch2 = cast.campaign.batches.get(number=2)
    body = client.get(base + f"?batch={batch2.pk}").content.decode()
    assert "扩展单位000" in body and "东城区财政局" not in body
    body = client.get(base + "?q=档案").content.decode()
    assert "市档案馆" in body and "东城区财政局" not in body
    body = client.get(base + "?phase=analysis").content.decode()
    assert "没有符合条件的单位" in body


def test_it_pages_fifty_at_a_time_keeping_the_filters(client, cast):
    _grow(cast, 60)
    client.force_login(cast.user("office"))
    base = f"/campaigns/{cast.campaign.pk}/overview/"
    body = client.get(base + "?q=扩展").content.decode()
    assert "第 1/2 页" in body and "q=%E6%89%A9%E5%B1%95&page=2" in body
    body = client.get(base + "?q=扩展&page=2").content.decode()
    assert "扩展单位059" in body and "扩展单位000" not in body


def test_it_shows_a_group_member_only_his_groups_units(client, cast):
    client.force_login(cast.user("group_member"))
    body = client.get(f"/campaigns/{cast.campaign.pk}/overview/").content.decode()
    assert "东城区财政局" in body
    assert "东城区教育局" not in body and "市档案馆" not in body
    assert cast.group2.name not in body  # not even in the group filter


def test_it_shows_the_inspector_only_the_units_of_his_departments(client, cast):
    client.force_login(cast.user("inspector"))
    body = client.get(f"/campaigns/{cast.campaign.pk}/overview/").content.decode()
    assert "市档案馆" in body and "东城区财政局" not in body and "东城区教育局" not in body


def test_it_exports_the_filtered_list_to_excel(client, cast):
    _grow(cast, 3)
    client.force_login(cast.user("office"))
    response = client.get(f"/campaigns/{cast.campaign.pk}/overview/export.xlsx?q=扩展")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))[1:]  # row 1 is the sheet's title
    assert rows[0][:3] == ("单位编码", "单位名称", "批次")
    assert [r[1] for r in rows[1:]] == ["扩展单位000", "扩展单位001", "扩展单位002"]
    assert all(r[5] == 3 and r[4] == "第二督导组" and r[3] == "学习动员" for r in rows[1:])


def test_it_exports_only_what_the_group_may_see(client, cast):
    client.force_login(cast.user("group_leader"))
    response = client.get(f"/campaigns/{cast.campaign.pk}/overview/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [r[1] for r in list(wb.active.iter_rows(values_only=True))[2:]] == ["东城区财政局"]
