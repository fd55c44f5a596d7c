"""What the campaign template says about phases, and the time rules of the transition workflow.

Everything a number of days depends on is here, in one place.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# How many days an application may wait at one desk (the group, then the office) before the
# lists flag it. Seed 002: supervision groups "每周对各单位活动开展情况进行一次总结上报" — the
# group and the office work in a weekly cycle, so an application still undecided after seven
# days has missed a whole cycle and someone should look at it. The seeds name no such number;
# a deployment may change it with the setting ``DUDAO_TRANSITION_WAIT_DAYS``.
DEFAULT_WAIT_DAYS = 7

# Default time a remedial order gives the unit when the group does not choose one. Not in the
# seeds; a phase is "about a month" (seed 001), so two weeks leaves room to apply again in it.
DEFAULT_REMEDIAL_DAYS = 14


# Issue 13 §9: who in a supervision group takes a group decision is template data (the
# ``supervision.decides`` section, read by the supervision app too). ``leader``: the leader
# (a member's view goes to the leader, who signs it off by deciding); ``member``: any member.
# A template without the section gets the schema's default, ``leader``.
GROUP_DECISION_KEYS = {"forward": "forward", "remedial": "order_remedial"}


def group_decider(template, action: str) -> str:
    """``"leader"`` or ``"member"``: who in the unit's group may take ``action``
    (``forward`` or ``remedial``) under the campaign's template."""
    data = getattr(template, "data", None) or {}
    decides = (data.get("supervision") or {}).get("decides") or {}
    return "member" if decides.get(GROUP_DECISION_KEYS[action]) == "member" else "leader"


def wait_days_limit() -> int:
    return int(getattr(settings, "DUDAO_TRANSITION_WAIT_DAYS", DEFAULT_WAIT_DAYS))


def ordered_phases(template) -> list[dict]:
    return sorted(template.phases, key=lambda p: p.get("order", 0))


def phase_spec(template, code: str) -> dict | None:
    for phase in template.phases:
        if phase["code"] == code:
            return phase
    return None


def transition_spec(template, code: str) -> dict:
    spec = phase_spec(template, code) or {}
    return spec.get("transition") or {}


def next_phase(template, code: str) -> dict | None:
    """The phase after ``code`` by order, or None when this phase ends the participation
    (``transition.ends_participation``) or is the last one."""
    if transition_spec(template, code).get("ends_participation"):
        return None
    phases = ordered_phases(template)
    for i, phase in enumerate(phases):
        if phase["code"] == code:
            return phases[i + 1] if i + 1 < len(phases) else None
    return None


def phase_start(participation) -> dt.date:
    """The first phase starts with the batch (or the campaign) until a transition sets a date."""
    return (
        participation.phase_started_on
        or participation.batch.start_date
        or participation.campaign.start_date
    )


def batch_spec(template, number: int | None) -> dict:
    """The template's entry for batch ``number`` ({} when the template has none)."""
    for spec in (template.data if template is not None else {}).get("batches", []):
        if spec.get("number") == number:
            return spec
    return {}


def phase_days(spec: dict | None, batch_data: dict | None = None) -> int | None:
    """The phase's length for a batch: the batch's ``phase_durations`` entry, else the phase's
    ``duration_days``; None when neither gives one (the batch's window then decides)."""
    if not spec:
        return None
    own = (batch_data or {}).get("phase_durations", {}).get(spec.get("code"))
    days = own or spec.get("duration_days")
    return int(days) if days else None


def due_date(
    start: dt.date | None,
    spec: dict | None,
    extension_days: int = 0,
    *,
    batch=None,
    template=None,
) -> dt.date | None:
    """When a unit's phase is due: start + the phase's length for the unit's batch, never after
    the batch's window closes (``Batch.end_date``, from the template's ``end_date``), plus
    approved extensions. A phase with no length of its own is due when the window closes.
    None when there is neither a length nor a window."""
    if start is None or not spec:
        return None
    batch_data = batch_spec(template, batch.number) if batch is not None else {}
    days = phase_days(spec, batch_data)
    window_end = getattr(batch, "end_date", None)
    if days is not None:
        due = start + dt.timedelta(days=days)
        if window_end is not None and window_end >= start and due > window_end:
            due = window_end
    elif window_end is not None:
        due = window_end
    else:
        return None
    return due + dt.timedelta(days=extension_days)


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and today > due


def requirement_names(template, code: str) -> dict[str, str]:
    spec = phase_spec(template, code) or {}
    return {r["code"]: r.get("name", r["code"]) for r in spec.get("requirements", [])}
