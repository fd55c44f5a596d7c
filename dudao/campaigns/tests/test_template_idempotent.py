"""Loading is idempotent; a loaded code+version never changes."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import (
    TemplateInvalid,
    builtin_template_paths,
    load_builtin_template,
    load_template,
    load_template_file,
)
from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _copy_of_2005(tmp_path, name="t.yaml", change=None, prefix=""):
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    text = path.read_text("utf-8")
    if change is not None:
        data = yaml.safe_load(text)
        change(data)
        text = yaml.safe_dump(data, allow_unicode=True)
    out = tmp_path / name
    out.write_text(prefix + text, "utf-8")
    return out


def test_it_returns_the_stored_template_when_loaded_twice():
    first = load_builtin_template("xianjinxing-2005")
    again = load_builtin_template("xianjinxing-2005")
    assert again.pk == first.pk
    assert CampaignTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(action="template.load").count() == 1
    assert load_template_file(actor=None, path=builtin_template_paths()[0]).created is True
    assert load_template_file(actor=None, path=builtin_template_paths()[0]).created is False


def test_it_treats_a_reformatted_file_with_the_same_rules_as_the_same(tmp_path):
    first = load_template(actor=None, path=_copy_of_2005(tmp_path))
    reformatted = _copy_of_2005(tmp_path, "re.yaml", change=lambda d: None, prefix="# 注释\n")
    assert load_template(actor=None, path=reformatted).pk == first.pk


def test_it_refuses_other_content_under_the_same_version(tmp_path):
    first = load_template(actor=None, path=_copy_of_2005(tmp_path))

    def fewer_hours(data):
        data["phases"][0]["requirements"][3]["params"]["min_hours"] = 40

    changed = _copy_of_2005(tmp_path, "b.yaml", change=fewer_hours)
    with pytest.raises(TemplateInvalid) as caught:
        load_template(actor=None, path=changed)
    assert "版本号相同但内容不同：请提高 version" in caught.value.message
    assert str(changed) in caught.value.message
    stored = CampaignTemplate.objects.get()
    assert stored.data["phases"][0]["requirements"][3]["params"]["min_hours"] == 45

    def new_version(data):
        fewer_hours(data)
        data["version"] = str(int(data["version"]) + 1)

    template = load_template(actor=None, path=_copy_of_2005(tmp_path, "c.yaml", change=new_version))
    assert template.version == str(int(first.version) + 1)
    assert template.data["phases"][0]["requirements"][3]["params"]["min_hours"] == 40
    assert CampaignTemplate.objects.count() == 2


def test_the_command_all_can_run_again_without_changes(capsys):
    call_command("load_template", "--all")
    call_command("load_template", "--all")
    out = capsys.readouterr().out
    n = len(builtin_template_paths())
    assert out.count("已载入") == n and out.count("已存在，未改动") == n
    assert CampaignTemplate.objects.count() == n
    assert AuditEvent.objects.filter(action="template.load").count() == n


def test_it_returns_the_winner_when_a_concurrent_load_stored_it_first(monkeypatch):
    from dudao.campaigns import template_loader

    winner = load_builtin_template("xianjinxing-2005")
    # As if another process stored the row between our look-up and our insert.
    monkeypatch.setattr(template_loader, "_stored", lambda code, version: None)
    result = load_template_file(
        actor=None, path=next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    )
    assert result == (winner, False)
    assert CampaignTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(action="template.load").count() == 1
