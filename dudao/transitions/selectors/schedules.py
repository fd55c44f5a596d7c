"""Each unit's schedule of phases (started, due, extended, ended) and its overdue flags; today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from dudao.campaigns.models import Campaign, Participation

from .. import rules
from ..models import ExtensionStatus, ParticipationEnd, PhaseExtension


def _today() -> dt.date:
    return timezone.localdate()


# --- schedules ------------------------------------------------------------------------------


@dataclass
class Schedule:
    participation_id: int
    phase: str
    phase_name: str
    started_on: dt.date | None
    due_on: dt.date | None
    extension_days: int = 0
    ended: bool = False

    def overdue(self, today: dt.date | None = None) -> bool:
        return not self.ended and rules.is_overdue(self.due_on, today or _today())

    def days_over(self, today: dt.date | None = None) -> int:
        today = today or _today()
        return (today - self.due_on).days if self.overdue(today) else 0


def schedules(participations: list[Participation], *, campaign: Campaign | None = None):
    """Each unit's current phase with its start and due date (template duration + approved
    extensions). Participations need ``campaign__template`` and ``batch`` loaded.
    Two queries whatever the number of units."""
    if not participations:
        return {}
    ext_qs = PhaseExtension.objects.filter(status=ExtensionStatus.APPROVED)
    end_qs = ParticipationEnd.objects.all()
    if campaign is not None:
        ext_qs = ext_qs.filter(participation__campaign=campaign)
        end_qs = end_qs.filter(participation__campaign=campaign)
    else:
        ids = [p.pk for p in participations]
        ext_qs = ext_qs.filter(participation_id__in=ids)
        end_qs = end_qs.filter(participation_id__in=ids)
    extra: dict[tuple[int, str], int] = {
        (row["participation_id"], row["phase"]): row["days"]
        for row in ext_qs.values("participation_id", "phase").annotate(days=Sum("days"))
    }
    ended = set(end_qs.values_list("participation_id", flat=True))
    out = {}
    for p in participations:
        template = p.campaign.template
        spec = rules.phase_spec(template, p.current_phase)
        start = rules.phase_start(p)
        days = extra.get((p.pk, p.current_phase), 0)
        out[p.pk] = Schedule(
            participation_id=p.pk,
            phase=p.current_phase,
            phase_name=template.phase_name(p.current_phase),
            started_on=start,
            due_on=rules.due_date(start, spec, days, batch=p.batch, template=template),
            extension_days=days,
            ended=p.pk in ended,
        )
    return out


def schedule_for(participation: Participation) -> Schedule:
    return schedules([participation])[participation.pk]
