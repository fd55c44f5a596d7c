"""The demo campaign under way: what every unit has done in the phases it has passed and in the
one it is in, dated between its batch's start and today.

Each unit has a timeline (:func:`plan_timeline`): its batch started on a set day, the unit
moves through the template's phases at its own pace, and the phase that contains today is its
current one. A passed phase holds a complete record (every blocking requirement met, because
the office approved the transition after the group checked it); the current phase holds what
would have happened by today, so early units have little and late ones are applying. A few
units in every phase fall short (members short of hours, a missing self-analysis, a failing
survey) and some of those are in remedial work.

Everything is written set-based (``bulk.Rows``) inside the seed's transaction, with one audit
event per submission and decision, dated when it happened. Applications are written last,
with the requirement report the decider saw, computed by the requirements engine itself; a
forward the engine would refuse is left waiting at the group instead.

The package: ``units`` (timelines and the units' members), ``base`` (the writer's state and
helpers), one mixin per area (``documents``, ``records``, ``phases``, ``surveys``,
``transitions``), assembled into ``Writer`` here with ``seed_activity``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.core.models import AuditEvent
from dudao.orgs.models import Person, Role, RoleAssignment
from dudao.records.models import (
    Attendance,
    Exemption,
    KnowledgeTest,
    Meeting,
    StudySession,
    TestResult,
)
from dudao.rectification.models import Item, LookBackEntry, Regulation
from dudao.reviews.models import (
    Document,
    DocumentVersion,
    ReviewRound,
)
from dudao.surveys.models import (
    PaperCount,
    SurveyCode,
    SurveyRound,
    Tally,
)
from dudao.transitions.models import (
    ParticipationEnd,
    PhaseExtension,
    PhasePeriod,
    RemedialOrder,
    TransitionApplication,
)

from ..bulk import Rows, analyze, clock, defer_indexes, reset_sequences
from ..reports import seed_reports
from ..supervision import seed_supervision
from .base import WriterBase
from .documents import DocumentsMixin
from .parts import parallel_possible, part_count, plan_parts, write_parts
from .phases import PhasesMixin
from .records import RecordsMixin
from .surveys import SurveysMixin
from .transitions import TransitionsMixin
from .units import (
    _MOMENTS,
    M,
    Timeline,
    U,
)

# The generator and the tests read the timelines and the batches' start days from here.
from .units import BATCH_START_DAYS_AGO as BATCH_START_DAYS_AGO
from .units import Span as Span
from .units import plan_timeline as plan_timeline


class Writer(DocumentsMixin, RecordsMixin, PhasesMixin, SurveysMixin, TransitionsMixin, WriterBase):
    """Everything the units did, as rows, plus the audit events of each unit in time order."""


APP_PRIVATE = ("_unit", "_events", "_meeting_on", "snapshot")


def _accounts(units: list[U], codes: dict[int, str], password_hash: str) -> None:
    """One liaison per unit and one secretary per branch (the units submit and the branches
    review members' papers through them), where the demo has none yet."""
    User = get_user_model()
    liaisons = {
        ra.organisation_id: (ra.user_id, ra.user.get_full_name() or ra.user.username)
        for ra in RoleAssignment.objects.filter(role=Role.UNIT_LIAISON).select_related("user")
    }
    secretaries = {
        ra.organisation_id: (ra.user_id, ra.user.get_full_name() or ra.user.username)
        for ra in RoleAssignment.objects.filter(role=Role.BRANCH_SECRETARY).select_related("user")
    }
    # Rows, not model instances: a city adds about 25,000 accounts (ORM bulk_create: 5 s).
    users, roles = Rows(User), Rows(RoleAssignment)
    made_at = timezone.now()

    def add(name: str, who: M, role: str, organisation_id: int) -> None:
        uid = users.add(username=name, first_name=who.name, password=password_hash,
                        date_joined=made_at)  # fmt: skip
        roles.add(user_id=uid, role=role, organisation_id=organisation_id, created_at=made_at)
        (liaisons if role == Role.UNIT_LIAISON else secretaries)[organisation_id] = (uid, who.name)

    for u in units:
        short = codes[u.unit_id].removeprefix("DEMO-").lower()
        if u.unit_id not in liaisons:
            plain = [m for m in u.members if not m.leader and m.category == "serving"]
            add(short, (plain or u.members)[0], Role.UNIT_LIAISON, u.unit_id)
        first = {}
        for m in u.members:
            first.setdefault(m.branch_id, m)
        for n, b in enumerate(u.branches, start=1):
            if b not in secretaries:
                add(f"{short}-b{n:02d}", first[b], Role.BRANCH_SECRETARY, b)
    users.flush()
    roles.flush()
    reset_sequences([User, RoleAssignment])
    for u in units:
        u.liaison = liaisons[u.unit_id]
        u.secretaries = {b: secretaries[b] for b in u.branches}


def seed_activity(*, campaign, timelines: dict[int, Timeline], seed_value: int, password_hash: str,
                  today: dt.date, out, parts: int | None = None,
                  parallel: bool | None = None) -> dict:  # fmt: skip
    """Write what every unit has done by today (see the module docstring). Returns counts.

    ``parts``: how many runs of units the campaign is written in (default: two for a city,
    see ``parts``); ``parallel``: side by side or one after the other (default: side by side
    where it can be). The demo is the same either way."""
    from dudao.campaigns.requirements import evaluate_campaign

    template = campaign.template.data
    rnd = random.Random(f"{seed_value}:activity")
    now = timezone.now()
    User = get_user_model()
    rows = list(
        Participation.objects.filter(campaign=campaign)
        .order_by("unit__code")
        .values_list("pk", "unit_id", "unit_name", "group_id", "unit__code")
    )
    unit_ids = Participation.objects.filter(campaign=campaign).values("unit_id")
    members: dict[int, list[M]] = defaultdict(list)
    for pid, name, unit_id, branch_id, category, lead in (
        Person.objects.filter(unit_id__in=unit_ids, is_party_member=True)
        .order_by("code")
        .values_list("pk", "name", "unit_id", "branch_id", "category", "is_leadership")
        .iterator(chunk_size=20000)
    ):
        members[unit_id].append(M(pid, name, branch_id, category, lead))
    units = []
    for pid, unit_id, name, group_id, _code in rows:
        ms = members.get(unit_id, [])
        if not ms:
            continue
        leaders = [m for m in ms if m.leader]
        ms = leaders[:1] + [m for m in ms if m is not (leaders[:1] or [None])[0]]
        u = U(pid, unit_id, name, "", group_id, ms, sorted({m.branch_id for m in ms}),
              timelines[unit_id])  # fmt: skip
        u.away = {m.id for m in ms if m.category == "away"}
        u.frail = {m.id for m in ms if m.category == "retired" and rnd.random() < 0.2}
        units.append(u)
    _accounts(units, {p[1]: p[4] for p in rows}, password_hash)
    out.write(f"  单位和支部账号已建立（{len(units)} 个单位）{clock.lap()}\n")
    clerk = User.objects.filter(username="clerk").first() or User.objects.get(username="admin")
    w = Writer(campaign=campaign, template=template, rnd=rnd, today=today, now=now,
               office=(clerk.pk, clerk.get_full_name() or clerk.username), out=out)  # fmt: skip
    staff = defaultdict(list)
    for ra in (
        RoleAssignment.objects.filter(group__campaign=campaign)
        .select_related("user")
        .order_by("group_id", "-role", "user__username")
    ):
        staff[ra.group_id].append((ra.user_id, ra.user.get_full_name() or ra.user.username))
    w.staff = dict(staff)
    # The secondary indexes of the tables written unit by unit are built once, after them.
    deferred = defer_indexes([t.model for t in w.tables.order] + [AuditEvent])
    w.units_by_id = {u.unit_id: u for u in units}
    runs = plan_parts(units, part_count(len(units)) if parts is None else parts)
    write_parts(w, runs, seed_value=seed_value, today=today,
                parallel=parallel_possible() if parallel is None else parallel)  # fmt: skip
    w.tables.flush(force=True)
    w.rosters.write()
    w.audit.rows.flush()
    deferred.restore()
    # Statistics before the stages below read what was loaded (bulletins, the engine's reports).
    analyze([t.model for t in w.tables.order] + [AuditEvent, Participation, Person, RoleAssignment])
    out.write(f"  索引已建立，统计信息已更新{clock.lap()}\n")
    _MOMENTS.clear()

    # What the group and the office saw: the engine's report on each decided application.
    by_phase: dict[str, list[dict]] = defaultdict(list)
    for a in w.apps:
        if a.get("snapshot"):
            by_phase[a["from_phase"]].append(a)
    for phase, apps in by_phase.items():
        reports = evaluate_campaign(
            campaign, participation_ids=sorted({a["participation_id"] for a in apps}), phase=phase
        )
        for a in apps:
            report = reports[a["participation_id"]]
            if "_decide" in a:
                w.decide_current(a, report)
                if a["status"] == "submitted":
                    continue
            elif not report.ready:
                w.stats["passed_not_ready"] += 1
            if a["status"] != "remedial" or "_events" in a:
                # A remedial order of a passed phase was decided on records since completed.
                a["report_snapshot"] = report.as_snapshot()
                a["snapshot_taken_at"] = a.get("group_decided_at") or a.get("office_decided_at")
    out.write(f"  转段申请的要求核对报告已生成{clock.lap()}\n")
    for a in w.apps:
        w.app_rows.add(**{k: v for k, v in a.items() if k not in APP_PRIVATE})
        w.stats[f"application:{a['status']}"] += 1
    for order in w.orders:
        w.order_rows.add(**order)
    for period in w.periods:
        w.period_rows.add(**period)
    for end in w.ends:
        w.end_rows.add(**end)
    later = sorted((e for a in w.apps for e in a.get("_events", [])), key=lambda e: e[0])
    for at, actor, action, ttype, tid, label, u, reason, data in later:
        w.audit.add(
            at=at,
            actor_id=actor[0],
            actor_label=actor[1],
            action=action,
            target_type=ttype,
            target_id=tid,
            target_label=label,
            campaign_id=campaign.pk,
            organisation_id=u.unit_id,
            reason=reason,
            data=data,
        )
    w.tables.flush(force=True)
    # The applications and what hangs on them were written after the ANALYZE above.
    analyze([TransitionApplication, RemedialOrder, PhasePeriod, ParticipationEnd])
    w.audit.close()
    w.tables.reset_sequences()
    w.stats.update(seed_reports(campaign=campaign, office=clerk, today=today, out=out))
    stats = dict(w.stats)
    stats["audit_events"] = w.audit.count
    for t in w.tables.order:
        stats[f"rows:{t.model._meta.label_lower}"] = t.total
    stats.update(seed_supervision(campaign=campaign, seed_value=seed_value, today=today, out=out))
    return stats


def written_tables() -> list:
    """Tables the activity writes (for ANALYZE after the load)."""
    return [StudySession, Attendance, Meeting, KnowledgeTest, TestResult, Exemption, Document,
            DocumentVersion, ReviewRound, SurveyRound, Tally, PaperCount, SurveyCode,
            TransitionApplication, PhasePeriod, RemedialOrder, PhaseExtension, Item, Regulation,
            LookBackEntry]  # fmt: skip
