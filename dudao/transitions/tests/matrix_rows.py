"""Access-matrix rows of the transition pages. The unit applies and records its meeting; the
unit's group forwards, orders remedial work and proposes extensions; the office approves, sends
back and decides extensions; the leading group reads."""

from __future__ import annotations

from django.utils import timezone

from dudao.testing.matrix import GROUP1, OFFICE, READ_ALL, UNIT_A, Row, other_campaign, part

READ = READ_ALL | GROUP1 | UNIT_A


def _application(c, unit=None):
    from dudao.transitions.actions import apply_for_transition
    from dudao.transitions.models import TransitionApplication

    p = part(c, unit)
    found = TransitionApplication.objects.filter(participation=p).first()
    if found is not None:
        return found
    if unit is None:
        return apply_for_transition(actor=c.user("unit_head"), participation=p, summary="阶段小结")
    # Another unit's application: nobody in the cast may apply for it, so written directly.
    now = timezone.now()
    return TransitionApplication.objects.create(
        campaign=p.campaign,
        participation=p,
        from_phase=p.current_phase,
        to_phase="analysis",
        summary="他单位小结",
        submitted_by=c.user("admin"),
        submitted_at=now,
        waiting_since=now,
    )


def _forwarded(c):
    from dudao.transitions.models import ApplicationStatus

    app = _application(c)
    # Straight to the state: the forward's rule (requirements met) is not what this row tests.
    app.status = ApplicationStatus.FORWARDED
    app.save(update_fields=["status"])
    return app


def _extension(c):
    from dudao.transitions.actions import propose_extension

    return propose_extension(
        actor=c.user("group_leader"), participation=part(c), days=10, reason="矩阵延期"
    )


def _app_url(path, make=_application):
    return lambda c: f"/transitions/applications/{make(c).pk}/{path}"


ROWS = [
    Row(
        "transition report A",
        "transitions:report",
        lambda c: f"/transitions/report/{part(c).pk}/",
        READ,
        lambda c: "转段要求核查",
    ),
    Row(
        "transition report B",
        "transitions:report",
        lambda c: f"/transitions/report/{part(c, c.unit_b).pk}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "transition report C",
        "transitions:report",
        lambda c: f"/transitions/report/{part(c, c.unit_c).pk}/",
        READ_ALL | {"inspector"},
        lambda c: c.unit_c.name,
    ),
    Row(
        "transition timeline A",
        "transitions:timeline",
        lambda c: f"/transitions/timeline/{part(c).pk}/",
        READ,
        lambda c: "阶段进程",
    ),
    Row(
        "transition unit page A",
        "transitions:unit",
        lambda c: f"/transitions/units/{part(c).pk}/",
        UNIT_A,
        lambda c: "提出转段申请",
    ),
    Row(
        "transition unit page B",
        "transitions:unit",
        lambda c: f"/transitions/units/{part(c, c.unit_b).pk}/",
        set(),
        lambda c: c.unit_b.name,
    ),
    Row(
        "transition apply A",
        "transitions:apply",
        lambda c: f"/transitions/units/{part(c).pk}/apply/",
        READ,
        post=lambda c: {"summary": "矩阵小结"},
        post_allowed=UNIT_A,
        post_only=True,
    ),
    Row(
        "transition apply B",
        "transitions:apply",
        lambda c: f"/transitions/units/{part(c, c.unit_b).pk}/apply/",
        READ_ALL,
        post=lambda c: {"summary": "矩阵小结"},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "transition extension A",
        "transitions:extension",
        lambda c: f"/transitions/units/{part(c).pk}/extension/",
        GROUP1,
        lambda c: "建议延长阶段",
        post=lambda c: {"days": "10", "reason": "矩阵延期"},
    ),
    Row(
        "transition application A",
        "transitions:application",
        _app_url(""),
        READ,
        lambda c: "阶段小结",
    ),
    Row(
        "transition application B",
        "transitions:application",
        lambda c: f"/transitions/applications/{_application(c, c.unit_b).pk}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "transition forward",
        "transitions:forward",
        _app_url("forward/"),
        READ,
        post=lambda c: {"comment": "同意", "version": _application(c).version},
        post_allowed=GROUP1,
        post_only=True,
    ),
    Row(
        "transition remedial",
        "transitions:remedial",
        _app_url("remedial/"),
        READ,
        post=lambda c: {
            "reason": "学习不够",
            "work": "补学",
            "deadline": "2099-01-01",
            "version": _application(c).version,
        },
        post_allowed=GROUP1,
        post_only=True,
    ),
    Row(
        "transition approve",
        "transitions:approve",
        _app_url("approve/", _forwarded),
        READ,
        post=lambda c: {"comment": "同意", "version": _forwarded(c).version},
        post_allowed=OFFICE,
        post_only=True,
    ),
    Row(
        "transition send back",
        "transitions:send_back",
        _app_url("send-back/", _forwarded),
        READ,
        post=lambda c: {"reason": "材料不全", "version": _forwarded(c).version},
        post_allowed=OFFICE,
        post_only=True,
    ),
    Row(
        "transition meeting",
        "transitions:meeting",
        _app_url("meeting/"),
        READ,
        post=lambda c: {"meeting": "1"},
        post_allowed=UNIT_A,
        post_only=True,
    ),
    Row(
        "transition decide extension",
        "transitions:decide_extension",
        lambda c: f"/transitions/extensions/{_extension(c).pk}/decide/",
        READ,
        post=lambda c: {"decision": "approve", "reason": "", "version": "1"},
        post_allowed=OFFICE,
        post_only=True,
    ),
    Row(
        "transition group1",
        "transitions:group",
        lambda c: f"/transitions/groups/{c.group1.pk}/",
        READ_ALL | GROUP1,
        lambda c: "转段审核",
    ),
    Row(
        "transition group2",
        "transitions:group",
        lambda c: f"/transitions/groups/{c.group2.pk}/",
        READ_ALL,
        lambda c: c.group2.name,
    ),
    Row(
        "transition dashboard",
        "transitions:campaign",
        lambda c: f"/transitions/campaigns/{c.campaign.pk}/",
        READ_ALL,
        lambda c: "转段总览",
    ),
    Row(
        "transition dashboard, other campaign",
        "transitions:campaign",
        lambda c: f"/transitions/campaigns/{other_campaign(c).pk}/",
        set(),
    ),
]
