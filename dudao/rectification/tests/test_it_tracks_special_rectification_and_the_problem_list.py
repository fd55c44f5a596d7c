"""专项整治 and the problem list (检视问题清单) of a campaign that has them (issue 16 §5): the
template names the areas; the unit reports each area's progress on the registers page; the
requirements engine reads the areas and the unit's rectification items through the port this app
registers — no test double in between."""

from __future__ import annotations

import pytest

from dudao.campaigns.requirements import evaluate_unit
from dudao.campaigns.template_loader import load_builtin_template
from dudao.core.errors import ConflictError, DomainError
from dudao.core.models import AuditEvent
from dudao.rectification import registers
from dudao.rectification.models import AreaProgress, ItemStatus
from dudao.rectification.rules import special_areas
from dudao.rectification.tests.helpers import new_item, part
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db

PHASE = "theme_education"


@pytest.fixture
def cast2019(db):
    return build_cast(template=load_builtin_template("buwang-chuxin-2019"))


def _result(p, code):
    report = evaluate_unit(p, phase=PHASE)
    return next(r for r in report.results if r.code == code)


def test_the_areas_are_the_templates_and_the_requirement_names_each_unfinished_one(cast2019):
    p = part(cast2019)
    areas = special_areas(p.campaign.template)
    assert len(areas) == 8 and areas[0]["name"].startswith("贯彻落实党中央决策部署")
    before = _result(p, "special_rectification")
    assert before.status == "failed"
    assert len(before.shortfalls) == 8
    liaison = cast2019.user("liaison")
    for area in areas[:7]:
        registers.set_area_status(
            actor=liaison, participation=p, area=area["code"], status="done", note="已整治到位"
        )
    registers.set_area_status(
        actor=liaison, participation=p, area=areas[7]["code"], status="in_progress"
    )
    result = _result(p, "special_rectification")
    assert result.status == "failed"
    assert [(s.label, s.have) for s in result.shortfalls] == [(areas[7]["name"], "整治中")]
    registers.set_area_status(
        actor=liaison,
        participation=p,
        area=areas[7]["code"],
        status="done",
        note="已办结",
        version=1,
    )
    assert _result(p, "special_rectification").status == "passed"
    events = AuditEvent.objects.filter(action="rectification.area_status")
    assert events.count() == 9
    assert events.last().data["area_name"] == areas[7]["name"]


def test_done_needs_an_account_a_stale_form_is_refused_and_only_the_unit_reports(cast2019):
    p = part(cast2019)
    code = special_areas(p.campaign.template)[0]["code"]
    liaison = cast2019.user("liaison")
    with pytest.raises(DomainError, match="写明整治情况"):
        registers.set_area_status(actor=liaison, participation=p, area=code, status="done")
    with pytest.raises(DomainError, match="没有这一专项整治项目"):
        registers.set_area_status(actor=liaison, participation=p, area="x", status="done")
    registers.set_area_status(
        actor=liaison, participation=p, area=code, status="in_progress", version=0
    )
    with pytest.raises(ConflictError, match="已被他人修改（现为“整治中”）"):
        registers.set_area_status(
            actor=liaison, participation=p, area=code, status="done", note="好", version=0
        )
    with pytest.raises(DomainError):
        registers.set_area_status(
            actor=cast2019.user("group_leader"),
            participation=p,
            area=code,
            status="done",
            note="好",
        )
    assert AreaProgress.objects.get().status == "in_progress"


def test_the_problem_list_is_the_units_items_and_counts_those_closed(cast2019):
    p = part(cast2019)
    assert _result(p, "list_rectified").status == "failed"  # no list yet
    first = new_item(cast2019)
    new_item(cast2019)
    result = _result(p, "list_rectified")
    assert result.status == "failed" and "问题清单 2 条，已整改 0 条" in result.summary
    first.status, first.closed_on = ItemStatus.CLOSED, first.deadline
    first.save(update_fields=["status", "closed_on"])
    assert "已整改 1 条" in _result(p, "list_rectified").summary


def test_the_registers_page_lets_the_unit_report_an_area(cast2019, client):
    p = part(cast2019)
    code = special_areas(p.campaign.template)[1]["code"]
    client.force_login(cast2019.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/registers/")
    assert "专项整治（8 项）" in page.content.decode()
    r = client.post(
        f"/rectification/units/{p.pk}/areas/",
        {"area": code, "status": "done", "note": "清理文件 12 件", "version": "0"},
        follow=True,
    )
    body = r.content.decode()
    assert "已更新专项整治进展" in body and "清理文件 12 件" in body
    r = client.post(
        f"/rectification/units/{p.pk}/areas/",
        {"area": code, "status": "in_progress", "note": "", "version": "0"},
        follow=True,
    )
    assert "已被他人修改" in r.content.decode()
    assert AreaProgress.objects.get().status == "done"
