"""What the campaign template says about the supervision group's own work (its
``supervision`` section), and a problem's light.

A template without the section (an older file, the test cast's minimal template) uses
:data:`DEFAULT_SPEC`, the 2005 template's values.
"""

from __future__ import annotations

import datetime as dt

# The light is the rectification app's, not a second implementation (issue 13 §2).
from dudao.rectification import rules as rect_rules

DEFAULT_SPEC = {
    # A problem found lights like a rectification item of this class (its yellow threshold).
    "problem_light_class": "immediate",
    "problem_default_days": 7,
    # Who in a group decides (issue 13 §9): "leader" — the leader, or a member with the
    # leader's sign-off; "member" — any member of the group.
    "decides": {"send_problem": "leader", "order_remedial": "leader", "forward": "leader"},
    "spot_check_draw": 3,
    "source": "seed 002",
}

DECIDER_LABELS = {"leader": "督导组组长（组员提出须经组长签发）", "member": "督导组任一成员"}

_STATUS_AS_ITEM = {"draft": "open", "sent": "open", "answered": "open", "solved": "closed"}


def spec_of(template) -> dict:
    data = template.data if hasattr(template, "data") else (template or {})
    spec = dict(DEFAULT_SPEC)
    spec.update(data.get("supervision") or {})
    spec["decides"] = {**DEFAULT_SPEC["decides"], **(spec.get("decides") or {})}
    return spec


def decider(template, action: str) -> str:
    return spec_of(template)["decides"].get(action, "leader")


def default_deadline(template, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(spec_of(template)["problem_default_days"]))


def problem_light(template, *, status: str, deadline: dt.date, today: dt.date) -> str:
    """Red overdue, yellow close to its deadline, green otherwise or solved: exactly the
    rectification item's light over the template's problem class."""
    return rect_rules.light(
        template,
        status=_STATUS_AS_ITEM.get(status, "open"),
        rect_class=spec_of(template)["problem_light_class"],
        deadline=deadline,
        today=today,
    )


def yellow_days_left(template) -> int:
    rule = rect_rules.classes(template)[spec_of(template)["problem_light_class"]]
    return rule.yellow_days_left
