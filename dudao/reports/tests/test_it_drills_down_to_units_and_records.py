from __future__ import annotations

import io

from openpyxl import load_workbook

from dudao.testing import PASSWORD


def _client(client, cast, role="office"):
    client.login(username=cast.user(role).username, password=PASSWORD)
    return client


def test_it_drills_down_from_the_campaign_to_groups_units_and_records(
    client, cast2005, records2005
):
    c = _client(client, cast2005)
    cid = cast2005.campaign.pk
    page = c.get(f"/reports/campaigns/{cid}/").content.decode()
    assert "征求意见座谈会" in page and f"/reports/campaigns/{cid}/figures/forums/" in page
    figure = c.get(f"/reports/campaigns/{cid}/figures/forums/").content.decode()
    assert "第一督导组" in figure and "第二督导组" in figure
    units = c.get(
        f"/reports/campaigns/{cid}/figures/forums/units/?group={cast2005.group2.pk}"
    ).content.decode()
    assert "东城区教育局" in units and "东城区财政局" not in units
    b = records2005["b"].pk
    records = c.get(f"/reports/campaigns/{cid}/figures/forums/units/{b}/").content.decode()
    assert records.count("<td>座谈会</td>") == 2


def test_a_group_cannot_open_another_group_s_unit(client, cast2005, records2005):
    c = _client(client, cast2005, "group_leader")
    cid = cast2005.campaign.pk
    b = records2005["b"].pk
    assert c.get(f"/reports/campaigns/{cid}/figures/forums/units/{b}/").status_code == 404
    # Another group's id is not a choice of the filter: named as an error, its units not shown.
    page = c.get(f"/reports/campaigns/{cid}/figures/forums/units/?group={cast2005.group2.pk}")
    assert "东城区教育局" not in page.content.decode()


def test_bad_filters_are_named_in_chinese_and_ignored(client, cast2005, records2005):
    c = _client(client, cast2005)
    page = c.get(
        f"/reports/campaigns/{cast2005.campaign.pk}/?from=2005-13-01&to=2005-01-01&phase=nope"
    ).content.decode()
    assert "日期格式应为" in page
    assert "阶段：选择一个有效的选项。 nope 不在可用的选项中。" in page


def test_the_unit_rows_export_reads_back_with_every_figure(client, cast2005, records2005):
    c = _client(client, cast2005)
    response = c.get(f"/reports/campaigns/{cast2005.campaign.pk}/tallies.xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert "统计表" in rows[0][0] and "办公室文员" in rows[0][0]
    header = rows[1]
    forums = header.index("征求意见座谈会")
    by_unit = {r[0]: r[forums] for r in rows[2:]}
    assert by_unit == {"东城区财政局": 1, "东城区教育局": 2, "市档案馆": 1, "合计": 4}


def test_on_a_phone_each_batch_cell_is_labelled_with_its_batch(client, cast2005, records2005):
    """The table becomes one card per figure on a phone, each cell labelled by its column:
    the batch's own name, never a bare "批次" three times over."""
    import re

    page = _client(client, cast2005).get(f"/reports/campaigns/{cast2005.campaign.pk}/")
    html = page.content.decode()
    names = list(cast2005.campaign.batches.order_by("number").values_list("name", flat=True))
    assert names
    row = html.split('<td data-label="统计项">', 2)[1]
    labels = re.findall(r'<td class="rep-num" data-label="([^"]*)">', row.split("</tr>", 1)[0])
    assert labels == names
    assert 'data-label="批次"' not in html
