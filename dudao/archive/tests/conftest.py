from __future__ import annotations

import pytest


@pytest.fixture
def cast2005(db):
    """The test cast on the shipped 2005 template (its archive section)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))


@pytest.fixture
def part(cast2005):
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template", "unit", "batch", "group").get(
        campaign=cast2005.campaign, unit=cast2005.unit_a
    )


@pytest.fixture
def filled(cast2005, part):
    """Unit A with one of nearly everything its archive holds: documents (with an original file,
    a returned and an approved round, a comment), meetings, a closed survey, an approved
    transition, a rectification item with a photo."""
    import datetime as dt

    from dudao.rectification.actions import create_item, post_progress

    from . import helpers

    c = cast2005
    head, leader = c.user("unit_head"), c.user("group_leader")
    helpers.add_document(
        part,
        kind="implementation_plan",
        phase="study",
        actor=head,
        reviewer=leader,
        title="东城区财政局先进性教育活动实施方案",
    )
    helpers.add_document(
        part,
        kind="self_analysis",
        phase="analysis",
        actor=head,
        reviewer=leader,
        title="党性分析材料",
        author=c.people["member"],
        approved=False,
        original=None,
    )
    helpers.add_meeting(part, phase="analysis", actor=head, n=2)
    helpers.add_closed_survey(
        part,
        instrument="phase_effectiveness",
        actor=leader,
        counts={
            "found_problems": {"找准抓住了": 20, "基本找准": 8, "一般化": 2},
            "formality": {"扎实认真": 22, "比较扎实": 6, "走过场": 2},
        },
    )
    helpers.add_approved_transition(
        part, from_phase="study", to_phase="analysis", actor=head, reviewer=leader
    )
    item = create_item(
        actor=leader,
        participation=part,
        level="organisation",
        problem="窗口服务态度生硬，群众办事多次往返",
        rect_class="immediate",
        measures="制定首问负责制",
        lead_person=c.people["member"],
        lead_post="办公室主任",
    )
    post_progress(
        actor=c.user("member"),
        item=item,
        happened_on=dt.date.today(),
        text="已公开办事流程",
        files=[helpers.photo()],
    )
    return part
