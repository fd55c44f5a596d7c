from __future__ import annotations

import copy

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import validate_template_bytes
from dudao.campaigns.template_schema import validate_template_data
from dudao.reports.selectors import tally_report


def _with_reports(cast, section):
    data = copy.deepcopy(cast.campaign.template.data)
    data["reports"] = section
    clean, errors = validate_template_data(data)
    return clean, errors


def test_it_changes_the_report_with_the_template_and_no_code(cast2005, records2005):
    clean, errors = _with_reports(
        cast2005,
        {
            "tallies": [
                {"key": "meetings", "code": "all_meetings", "label": "各类会议"},
                {
                    "key": "party_lectures",
                    "label": "一把手讲党课",
                    "params": {"speaker_roles": ["unit_head"]},
                },
            ]
        },
    )
    assert errors == []
    template = CampaignTemplate.objects.create(
        code="rep-test", version="1", name="测试", data=clean, sha256="1" * 64
    )
    campaign = cast2005.campaign
    campaign.template = template
    campaign.save(update_fields=["template"])
    report = tally_report(user=cast2005.user("office"), campaign=campaign)
    assert [(f.code, f.label) for f in report.figures] == [
        ("all_meetings", "各类会议"),
        ("party_lectures", "一把手讲党课"),
    ]
    assert report.values == {"all_meetings": 5, "party_lectures": 1}


def test_it_refuses_an_unknown_tally_in_chinese(cast2005):
    _clean, errors = _with_reports(
        cast2005,
        {
            "tallies": [
                {"key": "no_such_tally", "label": "不存在"},
                {"key": "meetings", "label": "会", "params": {"colour": ["red"]}},
                {"key": "meetings", "label": "会", "params": {"kinds": ["picnic"]}},
                {"key": "problems_found", "label": "问题", "params": {"sources": ["rumour"]}},
            ]
        },
    )
    messages = {e.path: e.message for e in errors}
    assert "未知的统计项“no_such_tally”" in messages["reports.tallies[0].key"]
    assert "没有参数“colour”" in messages["reports.tallies[1].params.colour"]
    assert "“picnic”未在 meeting_kinds 中定义" in messages["reports.tallies[2].params.kinds[0]"]
    assert "“rumour”不是可选的值" in messages["reports.tallies[3].params.sources[0]"]
    assert "统计项编码“meetings”与第 2 项重复" in messages["reports.tallies[2].code"]


def test_it_names_the_line_of_a_bad_key_in_a_file(db):
    raw = b"""code: t
version: "1"
name: t
names: {full: t, short: t}
batches: [{number: 1, name: b}]
phases:
  - code: p
    name: p
    steps: [{code: s, name: s}]
reports:
  tallies:
    - {key: lectures_by_unknown, label: x}
"""
    clean, errors = validate_template_bytes(raw, name="t.yaml")
    assert clean is None
    assert any("未知的统计项“lectures_by_unknown”" in e.message for e in errors)
