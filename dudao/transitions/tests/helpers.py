"""Small helpers shared by this app's tests."""

from __future__ import annotations

from dudao.campaigns.models import Participation


def part(cast, unit=None) -> Participation:
    return Participation.objects.select_related("campaign__template", "batch", "unit").get(
        campaign=cast.campaign, unit=unit or cast.unit_a
    )


def apply(cast, unit=None, summary="本阶段组织学习12场次，392人次参加。", role="unit_head"):
    """File an application as ``role`` (``head_b``: a head for unit B, made on demand)."""
    from dudao.transitions.actions import apply_for_transition

    actor = head_of(cast, cast.unit_b) if role == "head_b" else cast.user(role)
    return apply_for_transition(actor=actor, participation=part(cast, unit), summary=summary)


def head_of(cast, unit):
    """A unit-head account for a unit the cast gives no head (unit B, unit C)."""
    from dudao.orgs import actions as org_actions
    from dudao.orgs.models import Role
    from dudao.testing import PASSWORD

    key = f"head-{unit.code}"
    if key not in cast.users:
        user = org_actions.create_account(
            actor=cast.user("admin"),
            username=key,
            full_name=f"{unit.name}负责人",
            password=PASSWORD,
        )
        org_actions.grant_role(
            actor=cast.user("admin"), user=user, role=Role.UNIT_HEAD, organisation=unit
        )
        cast.users[key] = user
    return cast.users[key]


TIMED_TEMPLATE = {
    "code": "test-timed",
    "version": "1",
    "name": "测试模板（有期限）",
    "names": {"full": "测试教育活动", "short": "测试活动"},
    "meeting_kinds": [{"code": "summary_mobilisation", "name": "小结和转段动员会"}],
    "phases": [
        {
            "code": "study",
            "name": "学习动员",
            "order": 1,
            "duration_days": 45,
            "extendable": True,
            "transition": {"meeting_kind": "summary_mobilisation"},
        },
        {
            "code": "analysis",
            "name": "分析评议",
            "order": 2,
            "duration_days": 30,
            "extendable": True,
            "transition": {"meeting_kind": "summary_mobilisation"},
        },
        {
            "code": "rectify",
            "name": "整改提高",
            "order": 3,
            "duration_days": 30,
            "extendable": False,
            "transition": {"ends_participation": True},
        },
    ],
    "batches": [{"number": 1, "name": "第一批"}],
}


def timed_cast():
    """The cast on a template with phase durations and no requirements (so that every
    transition may pass): the campaign starts on 2005-01-23."""
    from dudao.campaigns.models import CampaignTemplate
    from dudao.testing import build_cast

    template, _ = CampaignTemplate.objects.get_or_create(
        code="test-timed",
        version="1",
        defaults={"name": TIMED_TEMPLATE["name"], "data": TIMED_TEMPLATE, "sha256": "1" * 64},
    )
    return build_cast(template=template)


def complete_study_phase_except_mobilisation(cast):
    """Unit A's records for the 2005 study phase, complete but for the mobilisation meeting
    (单位主要负责同志亲自作动员报告): the one thing the unit must fix before the group can
    forward its application. Members away or retired are exempted where the template allows."""
    import datetime as dt

    from dudao.records import actions as records_actions
    from dudao.reviews.models import Document

    p = part(cast)
    liaison = cast.user("liaison")
    people = cast.people
    members = [people[k] for k in ("head", "liaison", "secretary", "member", "retired", "away")]
    ids = [m.pk for m in members]
    for code in ("study_hours", "study_notes"):
        for key, reason in (("retired", "retired"), ("away", "away")):
            records_actions.record_exemption(
                actor=liaison,
                participation=p,
                person=people[key],
                requirement=code,
                reason=reason,
                explanation="离退休" if key == "retired" else "外出务工，无法参加",
            )
    records_actions.record_exemption(
        actor=liaison,
        participation=p,
        person=people["away"],
        requirement="knowledge_test",
        reason="away",
        explanation="外出务工，未能参加测试",
    )
    # The unit proposes; its supervision group confirms (issue 10.2: nobody certifies himself).
    for exemption in records_actions.Exemption.objects.filter(participation=p):
        records_actions.confirm_exemption(actor=cast.user("group_leader"), exemption=exemption)
    sessions = [("concentrated", 8, 29), ("concentrated", 8, 30), ("concentrated", 8, 31)]
    sessions += [("central_group", 8, 26), ("party_lecture", 3, 27)]
    sessions += [("discussion", 2, d) for d in range(1, 6)]
    for kind, hours, day in sessions:
        records_actions.record_session(
            actor=liaison,
            participation=p,
            kind=kind,
            date=dt.date(2005, 1 if day > 20 else 2, day),
            hours=hours,
            topic=f"{kind}学习",
            speaker="王建国" if kind == "party_lecture" else "",
            speaker_role="unit_head" if kind == "party_lecture" else "",
            attendance=ids,
        )
    test = records_actions.record_test(
        actor=liaison, participation=p, date=dt.date(2005, 3, 1), title="先进性教育百题测试"
    )
    records_actions.enter_test_results(
        actor=liaison,
        test=test,
        results=[(m.pk, 90, "") for m in members if m.pk != people["away"].pk],
    )
    for kind in ("implementation_plan", "mobilisation_speech", "two_specifics"):
        Document.objects.create(
            campaign=cast.campaign,
            participation=p,
            kind=kind,
            phase="study",
            title=kind,
            status="approved",
            created_by=liaison,
        )
    for m in members:
        Document.objects.create(
            campaign=cast.campaign,
            participation=p,
            kind="study_note",
            phase="study",
            author=m,
            title=f"{m.name}的学习心得",
            status="submitted",
            created_by=liaison,
        )
    return p
