"""What the campaign template says about records: phases, session and meeting kinds, and which
requirements an exemption may be recorded for. Read from ``campaign.template.data``; no rule
here is a constant of the system."""

from __future__ import annotations

import datetime as dt

from dudao.campaigns.models import Campaign, Participation

# Seed 001: "集中学习培训一般应安排在周末或其他非工作时间进行". Working hours on a weekday are
# taken as 08:30–18:00; a session is off hours when it falls on a Saturday or Sunday, or lies
# wholly before 08:30 or from 18:00 on. A weekday session with no times is not shown to be off
# hours. This is the only place the rule is written (StudySession.off_hours is set from it).
WORKDAY_START = dt.time(8, 30)
WORKDAY_END = dt.time(18, 0)


def is_off_hours(date: dt.date, start: dt.time | None, end: dt.time | None) -> bool:
    if date.weekday() >= 5:
        return True
    if start is None:
        return False
    end = end or start
    return end <= WORKDAY_START or start >= WORKDAY_END


def phases(campaign: Campaign) -> list[dict]:
    return list(campaign.template.data.get("phases", []))


def phase_codes(campaign: Campaign) -> list[str]:
    return [p["code"] for p in phases(campaign)]


def phase_name(campaign: Campaign, code: str) -> str:
    for p in phases(campaign):
        if p["code"] == code:
            return p["name"]
    return code


def open_phases(participation: Participation) -> list[dict]:
    """Phases a unit may record into: its current phase and the earlier ones (a unit may
    correct an earlier phase's records; a later phase has not begun)."""
    out = []
    for p in phases(participation.campaign):
        out.append(p)
        if p["code"] == participation.current_phase:
            break
    else:
        return out if not participation.current_phase else []
    return out


def session_kinds(campaign: Campaign) -> dict[str, str]:
    return {k["code"]: k["name"] for k in campaign.template.data.get("session_kinds", [])}


def meeting_kinds(campaign: Campaign) -> dict[str, str]:
    """Meeting kinds, then session kinds a meeting may also be (the unit head's party lecture,
    report meetings): the template schema lets a meeting requirement name either."""
    kinds = {k["code"]: k["name"] for k in campaign.template.data.get("meeting_kinds", [])}
    for code, name in session_kinds(campaign).items():
        kinds.setdefault(code, name)
    return kinds


def requirements(campaign: Campaign, phase: str) -> list[dict]:
    for p in phases(campaign):
        if p["code"] == phase:
            return list(p.get("requirements", []))
    return []


def exemptable(campaign: Campaign, phase: str) -> dict[str, dict]:
    """{requirement code: requirement} for requirements of the phase that allow exemptions."""
    return {
        r["code"]: r
        for r in requirements(campaign, phase)
        if (r.get("applies_to") or {}).get("exemptable_categories")
    }
