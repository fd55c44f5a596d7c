"""A third campaign from its template alone (issue 16, "Done when"): the 2019 theme education —
no sequential phases, four measures in parallel, 指导组, fixed batch windows, a general
requirement — runs one unit from enrolment to its end review in Chromium. The text of every page
visited is collected; no term of the 2005 and 2014 campaigns may appear in it.
Screenshots in test-artifacts/screenshots/campaign2019-*.png."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import screenshot, submit
from dudao.campaigns.models import Participation
from dudao.campaigns.requirements.ports_rectification import (
    ProblemListFacts,
    use_rectification_source,
)
from dudao.campaigns.template_loader import builtin_template_paths, load_builtin_template
from dudao.testing import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of the other two campaigns (and of the pages' former 2005 wording).
FOREIGN = [
    "督导组",
    "先进性",
    "转段",
    "活动办",
    "群众路线",
    "教育实践活动",
    "党性分析",
    "离退休党员免测",
    "小结和转段动员会",
    "结束集中教育",
]
ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "页面不存在"]


class Rectified:
    """The rectification app's facts for the test: every unit's list is done, every area too."""

    def problem_lists(self, *, campaign_id, phase, participation_ids):
        return {pid: ProblemListFacts(items=12, done=12) for pid in participation_ids}

    def area_statuses(self, *, campaign_id, phase, areas, participation_ids):
        return {pid: dict.fromkeys(areas, "done") for pid in participation_ids}


@pytest.fixture
def cast2019(db):
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    campaign = cast.campaign
    campaign.start_date = dt.date(2019, 6, 1)
    campaign.save(update_fields=["start_date"])
    # Names people give their groups are data: this campaign's offices call them 指导组.
    for group, name in ((cast.group1, "第一指导组"), (cast.group2, "第二指导组")):
        group.name = name
        group.save(update_fields=["name"])
    person = cast.people["group_leader"]
    person.position = "指导组组长"
    person.save(update_fields=["position"])
    return cast


def _login(browser_page, username: str):
    page = browser_page()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def _record_the_units_work(cast, p):
    """What unit A did in the window: a seven-day reading class, the head's party lecture, the
    head's research topic and report, the exchange, the self-inspection and the life meeting."""
    from dudao.records import actions as records_actions
    from dudao.reviews.models import Document

    liaison = cast.user("liaison")
    people = cast.people
    ids = [people[k].pk for k in ("head", "liaison", "secretary", "member")]
    for day in range(1, 8):
        records_actions.record_session(
            actor=liaison,
            participation=p,
            kind="reading_class",
            date=dt.date(2019, 6, 10 + day),
            hours=6,
            topic="读书班集中学习研讨",
            attendance=ids,
        )
    records_actions.record_session(
        actor=liaison,
        participation=p,
        kind="party_lecture",
        date=dt.date(2019, 6, 28),
        hours=2,
        topic="守初心、担使命专题党课",
        speaker="王建国",
        speaker_role="unit_head",
        attendance=ids,
    )
    records_actions.record_meeting(
        actor=liaison,
        participation=p,
        kind="democratic_life",
        date=dt.date(2019, 8, 10),
        title="专题民主生活会",
    )
    for kind, title in (
        ("research_report", "关于优化财政资金拨付流程的调研报告"),
        ("inspection_material", "王建国检视剖析材料"),
    ):
        Document.objects.create(
            campaign=cast.campaign,
            participation=p,
            kind=kind,
            phase="theme_education",
            author=people["head"],
            title=title,
            status="approved",
            created_by=liaison,
        )


def test_a_unit_runs_the_2019_campaign_from_enrolment_to_its_end_review(browser_page, cast2019):
    texts: list[tuple[str, str]] = []

    def visit(page, name: str, *expected: str) -> str:
        body = page.inner_text("body")
        for marker in ERROR_MARKERS:
            assert marker not in body, f"{page.url}: {marker}"
        for text in expected:
            assert text in body, f"{page.url} lacks {text!r}"
        texts.append((page.url, body))
        screenshot(page, f"campaign2019-{name}")
        return body

    campaign = cast2019.campaign
    Participation.objects.filter(campaign=campaign, unit=cast2019.unit_a).delete()

    # 1. The office sees the template (the file it would upload), the campaign's texts, and
    #    enrols the unit in the first batch under the first guiding group.
    office = _login(browser_page, "clerk")
    office.goto("/campaigns/templates/")
    path = next(p for p in builtin_template_paths() if p.stem == "buwang-chuxin-2019")
    office.set_input_files("input[name=file]", str(path))
    submit(office, "button:has-text('校验并预览')")
    visit(office, "1-preview", "并行措施：学习教育", "并行措施：整改落实", "这个版本已经载入")
    office.goto(f"/campaigns/{campaign.pk}/setup/")
    visit(office, "2-setup", "守初心、担使命，找差距、抓落实", "新建指导组", "2019年8月31日")
    office.goto(f"/campaigns/{campaign.pk}/units/")
    office.check(f"#u{cast2019.unit_a.pk}")
    office.select_option("form[method=post].card select[name=group]", str(cast2019.group1.pk))
    submit(office, "button:has-text('列入所选单位')")
    visit(office, "3-enrolled", "东城区财政局", "第一指导组")
    p = Participation.objects.select_related("batch").get(campaign=campaign, unit=cast2019.unit_a)
    assert p.current_phase == "theme_education" and p.group_id == cast2019.group1.pk
    assert p.batch.end_date == dt.date(2019, 8, 31)

    # 2. The unit works through the four measures; its report shows progress per measure.
    _record_the_units_work(cast2019, p)
    unit = _login(browser_page, "unit_head")
    visit(unit, "4-unit-home", "东城区财政局")
    unit.goto(f"/records/{p.pk}/meetings/new/")
    unit.select_option("select[name=kind]", "research_exchange")
    unit.fill("input[name=date]", "2019-07-20")
    unit.fill("input[name=title]", "调研成果交流会")
    submit(unit, "button:has-text('保存')")
    visit(unit, "5-meeting", "调研成果交流会")
    with use_rectification_source(Rectified()):
        unit.goto(f"/transitions/report/{p.pk}/")
        visit(
            unit,
            "6-report",
            "重点措施：学习教育",
            "重点措施：调查研究",
            "重点措施：检视问题",
            "重点措施：整改落实",
            "工作：领题调研",
            "每名班子成员领题调研并形成调研报告",
            "可以总结评估",
        )
        unit.goto(f"/transitions/units/{p.pk}/")
        visit(unit, "7-unit-apply", "提出总结评估申请", "指导组")
        unit.fill("textarea[name=summary]", "四项重点措施贯穿始终，问题清单12条已全部整改。")
        submit(unit, "button:has-text('提交总结评估申请')")
        visit(unit, "8-applied", "总结评估申请已提交（第1次）", "待指导组审核")

        # 3. The guiding group checks and forwards.
        group = _login(browser_page, "group_leader")
        group.goto(f"/transitions/groups/{cast2019.group1.pk}/")
        visit(group, "9-group", "待审核的总结评估申请", "东城区财政局", "学习教育 2/2")
        submit(group, "table >> text=东城区财政局 >> nth=0")
        visit(group, "10-group-application", "第1次总结评估申请")
        group.fill("form[action$='/forward/'] textarea[name=comment]", "经审核，各项要求均已达到。")
        submit(group, "button:has-text('转报主题教育办')")
        visit(group, "11-forwarded", "已转报主题教育办")

        # 4. The office approves the end review; the unit's participation ends.
        office.goto(f"/transitions/campaigns/{campaign.pk}/")
        visit(office, "12-office-dashboard", "待审批的总结评估申请", "东城区财政局")
        submit(office, "table >> text=东城区财政局 >> nth=0")
        visit(office, "13-office-application", "批准结束主题教育")
        submit(office, "button:has-text('批准')")
        visit(office, "14-approved", "已批准")
    assert hasattr(Participation.objects.get(pk=p.pk), "transition_end")

    unit.goto(f"/transitions/timeline/{p.pk}/")
    visit(unit, "15-timeline", "主题教育", "2019-08-31")
    office.goto(f"/campaigns/{campaign.pk}/overview/")
    visit(office, "16-overview", "东城区财政局")

    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    (artifacts / "campaign2019-pages.txt").write_text(
        "\n\n".join(f"{u}\n{t}" for u, t in texts), "utf-8"
    )
    found = [
        (url, word, re.search(f".{{0,20}}{word}.{{0,20}}", body).group(0))
        for url, body in texts
        for word in FOREIGN
        if word in body
    ]
    assert not found, "\n".join(map(str, found))
