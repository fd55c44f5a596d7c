"""The office uploads a template in the browser: every error with its line and field, a preview
of the campaign, then the load (audited). Others cannot open the page."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import builtin_template_paths
from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _file(stem: str) -> bytes:
    return next(p for p in builtin_template_paths() if p.stem == stem).read_bytes()


def _upload(client, raw: bytes, name="new.yaml"):
    return client.post(
        "/campaigns/templates/", {"file": SimpleUploadedFile(name, raw, "text/yaml")}
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_it_lists_every_error_with_its_line_and_field_and_stores_nothing(client, cast):
    client.force_login(cast.user("office"))
    raw = _file("buwang-chuxin-2019")
    raw = raw.replace(b"  group: \xe6\x8c\x87\xe5\xaf\xbc\xe7\xbb\x84", b"  grup: x")
    raw = raw.replace(b"step: topics,", b"step: topicz,")
    before = CampaignTemplate.objects.count()
    page = _text(_upload(client, raw))
    assert "未通过校验，共 2 处错误" in page
    assert "terms.grup" in page and "此处可用的字段：group、office" in page
    assert "phases[0].measures[1].requirements[0].step" in page
    assert "本措施的环节有：topics（领题调研）、exchange（交流调研成果）" in page
    lines = raw.decode().splitlines()
    grup = next(i for i, line in enumerate(lines, 1) if "grup:" in line)
    assert f"第 {grup} 行" in page
    assert CampaignTemplate.objects.count() == before


def test_it_shows_a_yaml_error_on_its_line(client, cast):
    client.force_login(cast.user("office"))
    page = _text(_upload(client, b'code: x\nversion: "1"\nnames:\n  full: "abc\n  short: d\n'))
    assert "第 4 行" in page and "YAML 格式错误" in page


def test_it_previews_then_loads_the_template_with_an_audit_event(client, cast):
    client.force_login(cast.user("office"))
    raw = _file("buwang-chuxin-2019")
    response = _upload(client, raw, "buwang-chuxin-2019.yaml")
    page = _text(response)
    # Measures in parallel, requirements with their parameters, documents, instruments, terms.
    for text in (
        "预览：“不忘初心、牢记使命”主题教育（2019）",
        "并行措施：学习教育",
        "并行措施：调查研究",
        "并行措施：检视问题",
        "并行措施：整改落实",
        "举办读书班7天左右",
        "最少天数：7",
        "班子成员领题调研并报告",
        "调研报告：班子成员提交，指导组审核",
        "主题教育群众满意度测评",
        "总要求 守初心、担使命，找差距、抓落实",
        "2019-06-01 至 2019-08-31",
        "指导组",
    ):
        assert text in page, text
    assert CampaignTemplate.objects.filter(code="buwang-chuxin-2019").count() == 0
    content = response.context["content"]
    digest = response.context["digest"]
    done = client.post(
        "/campaigns/templates/load/",
        {"content": content, "digest": digest, "file_name": "buwang-chuxin-2019.yaml"},
        follow=True,
    )
    assert "已载入模板" in _text(done)
    stored = CampaignTemplate.objects.get(code="buwang-chuxin-2019")
    event = AuditEvent.objects.get(action="template.load", target_id=str(stored.pk))
    assert event.actor == cast.user("office") and event.data["via"] == "upload"
    # The same file again: the preview says so, and loading it changes nothing.
    again = _upload(client, raw, "buwang-chuxin-2019.yaml")
    assert "这个版本已经载入，内容相同" in _text(again)


def test_it_refuses_content_other_than_the_previewed(client, cast):
    client.force_login(cast.user("office"))
    raw = _file("qunzhong-luxian-2014")
    digest = _upload(client, raw).context["digest"]
    other = raw.replace(b"duration_days: 30", b"duration_days: 31", 1)
    page = client.post(
        "/campaigns/templates/load/",
        {"content": base64.b64encode(other).decode(), "digest": digest, "file_name": "a.yaml"},
    )
    assert "与预览时不同" in _text(page)
    assert not CampaignTemplate.objects.filter(code="qunzhong-luxian-2014").exists()


@pytest.mark.parametrize("role", ["member", "group_leader", "unit_head", "leading"])
def test_only_the_office_may_open_or_load(client, cast, role):
    client.force_login(cast.user(role))
    assert client.get("/campaigns/templates/").status_code == 404
    raw = _file("qunzhong-luxian-2014")
    assert _upload(client, raw).status_code == 404
    load = client.post(
        "/campaigns/templates/load/",
        {"content": base64.b64encode(raw).decode(), "file_name": "a.yaml"},
    )
    assert load.status_code == 404
    assert not CampaignTemplate.objects.filter(code="qunzhong-luxian-2014").exists()
