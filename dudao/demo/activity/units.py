"""The demo's units and their timelines: when each batch started, each unit's phases and the
one it is in today, the members the writer works with, and the shares of units with a history."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

# Days before today each batch started (seed 001: three batches by unit type, about six months
# each; here they overlap so that the demo shows all of them at work). The first batch started
# with the campaign.
BATCH_START_DAYS_AGO = {1: 130, 2: 80, 3: 32}
# Shares of passed phases whose transition had a history (seed 001: 责令补课; the office
# sending an application back).
REMEDIAL_SHARE = 0.10
SENT_BACK_SHARE = 0.05
EXTENDED_SHARE = 0.06
# Units of the current phase whose records fall short somewhere.
SHORT_SHARE = 0.12
SHARDS_OPEN = 32  # surveys.actions.UNIT_SHARDS, for rounds still taking answers


@dataclass
class Span:
    code: str
    duration: int  # the template's days
    start: dt.date
    end: dt.date | None  # None: the current phase
    story: str = "plain"  # passed phases: "plain", "remedial", "sent_back"
    extension: int = 0  # approved extension days (passed phases)


@dataclass
class Timeline:
    spans: list[Span]
    ended: bool = False

    @property
    def current(self) -> Span:
        return self.spans[-1]


def plan_timeline(
    rnd: random.Random, batch_start: dt.date, phases: list[tuple[str, int]], today: dt.date
) -> Timeline:
    """The unit's phases from its batch start to today, at the unit's own pace."""
    start = batch_start + dt.timedelta(days=rnd.randint(0, 5))
    pace = rnd.uniform(0.85, 1.2)
    spans: list[Span] = []
    for code, duration in phases:
        length = max(10, round(duration * pace))
        r = rnd.random()
        # Seed 001's 补课 is mostly about the analysis phase's effectiveness survey.
        remedial = REMEDIAL_SHARE * (1.5 if code == "analysis" else 1.0)
        story = "remedial" if r < remedial else "plain"
        if remedial <= r < remedial + SENT_BACK_SHARE:
            story = "sent_back"
        extension = 0
        if story == "remedial":
            length += rnd.randint(8, 14)
        elif story == "sent_back":
            length += rnd.randint(4, 8)
        if rnd.random() < EXTENDED_SHARE:
            extension = rnd.choice([7, 10, 15])
            length += extension // 2
        end = start + dt.timedelta(days=length)
        if end >= today:
            spans.append(Span(code, duration, start, None))
            return Timeline(spans)
        spans.append(Span(code, duration, start, end, story, extension))
        start = end
    return Timeline(spans, ended=True)


# --- the units --------------------------------------------------------------------------------


@dataclass
class M:
    id: int
    name: str
    branch_id: int
    category: str
    leader: bool


@dataclass
class U:
    part_id: int
    unit_id: int
    name: str
    kind: str  # the plan's kind ("village", "city_organ", …)
    group_id: int | None
    members: list[M]
    branches: list[int]
    timeline: Timeline
    liaison: tuple[int, str] = (0, "")
    secretaries: dict[int, tuple[int, str]] = field(default_factory=dict)
    away: set[int] = field(default_factory=set)
    frail: set[int] = field(default_factory=set)  # retired members excused from study (ill, old)

    @property
    def head(self) -> M:
        return self.members[0]

    @property
    def leaders(self) -> list[M]:
        return [m for m in self.members if m.leader] or self.members[:1]

    def counted(self, *, away: bool = False) -> list[M]:
        """Members a per-member requirement counts once exemptions are recorded."""
        return [
            m for m in self.members if (away or m.id not in self.away) and m.id not in self.frail
        ]


def _moment(day: dt.date, hour: int, minute: int, now: dt.datetime) -> dt.datetime:
    # A city asks for millions of these and they repeat (a day, an hour, a minute): built once
    # each, in the current time zone as timezone.make_aware would.
    key = (day, hour, minute, now)
    at = _MOMENTS.get(key)
    if at is None:
        local = dt.datetime(day.year, day.month, day.day, hour, minute,
                            tzinfo=timezone.get_current_timezone())  # fmt: skip
        at = _MOMENTS[key] = min(local, now - dt.timedelta(minutes=5))
    return at


_MOMENTS: dict[tuple, dt.datetime] = {}
