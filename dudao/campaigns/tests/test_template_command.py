"""manage.py load_template: PATH, --all, --check; a bad file exits non-zero with the reasons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import builtin_template_paths

pytestmark = pytest.mark.django_db


def _bad_file(tmp_path) -> Path:
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    data = yaml.safe_load(path.read_text("utf-8"))
    data["phases"][0]["requirements"][3]["params"]["min_hours"] = -5
    data["phases"][0]["requirements"][0]["kind"] = "magic"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return bad


def test_it_loads_one_file_given_by_path(capsys):
    path = builtin_template_paths()[0]
    call_command("load_template", str(path))
    assert "已载入" in capsys.readouterr().out
    assert CampaignTemplate.objects.filter(code=path.stem).count() == 1


def test_check_validates_without_storing(capsys):
    call_command("load_template", "--all", "--check")
    assert capsys.readouterr().out.count("校验通过") == len(builtin_template_paths())
    assert CampaignTemplate.objects.count() == 0


def test_it_names_file_field_and_reason_and_stores_nothing(tmp_path, capsys):
    bad = _bad_file(tmp_path)
    with pytest.raises(CommandError, match="1 个模板文件未通过校验"):
        call_command("load_template", str(bad), *map(str, builtin_template_paths()))
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "phases[0].requirements[3].params.min_hours：应为大于 0 的数字，实际为 -5" in err
    assert "phases[0].requirements[0].kind：未知的要求类型“magic”" in err
    # The good files given alongside are still loaded; the bad one is not.
    assert CampaignTemplate.objects.count() == len(builtin_template_paths())


def test_it_refuses_to_run_without_a_path():
    with pytest.raises(CommandError, match="--all"):
        call_command("load_template")


def test_it_exits_non_zero_from_the_shell(tmp_path):
    env = {**os.environ, "DUDAO_DEBUG": "0", "DUDAO_SECRET_KEY": "x"}
    # --skip-checks: this is about the command's exit status, not the project's system checks.
    command = ["manage.py", "load_template", "--skip-checks", "--check", str(_bad_file(tmp_path))]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "应为大于 0 的数字，实际为 -5" in result.stderr
