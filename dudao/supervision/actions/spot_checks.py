"""Spot-checks: draw claims (at random or chosen) and record the result."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError

from ..access import may_spot_check
from ..models import CheckResult, ClaimKind, ProblemSource, SpotCheck
from ._common import _required
from .problems import record_problem

# --- spot-checks -------------------------------------------------------------------------------


@transaction.atomic
def draw_spot_checks(
    *,
    actor,
    participation,
    claim_kind: str,
    candidates: list[tuple[int, str]],
    count: int,
    seed: int | None = None,
) -> list[SpotCheck]:
    """Draw ``count`` claims at random from ``candidates`` (``[(id, label)]``, read by the
    caller from the unit's records) and record the draw: its seed, the pool size and what was
    drawn, so the draw can be repeated and shown."""
    if not may_spot_check(actor, participation):
        raise AccessDenied("只有负责该单位的督导组可以抽查。", code="forbidden")
    if claim_kind not in ClaimKind.values:
        raise DomainError("核实对象不正确。", code="invalid")
    pending = set(
        SpotCheck.objects.filter(
            participation=participation, claim_kind=claim_kind, result=CheckResult.PENDING
        ).values_list("claim_id", flat=True)
    )
    pool = sorted((c for c in candidates if c[0] not in pending), key=lambda c: c[0])
    if not pool:
        raise DomainError("没有可抽查的记录（或都已在核实中）。", code="empty")
    count = max(1, min(int(count), len(pool)))
    seed = seed if seed is not None else secrets.randbelow(2**31)
    chosen = random.Random(seed).sample(pool, count)
    draw = {"seed": seed, "pool": len(pool), "drawn": [c[0] for c in chosen]}
    checks = [
        SpotCheck.objects.create(
            campaign_id=participation.campaign_id,
            participation=participation,
            group_id=participation.group_id,
            claim_kind=claim_kind,
            claim_id=cid,
            claim_label=label[:255],
            drawn=True,
            draw=draw,
            created_by=actor,
        )
        for cid, label in chosen
    ]
    record_event(
        actor=actor,
        action="supervision.draw_spot_checks",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"claim_kind": claim_kind, **draw},
    )
    return checks


@transaction.atomic
def record_spot_check(
    *,
    actor,
    check: SpotCheck,
    confirmed: bool,
    method: str,
    finding: str = "",
    deadline: dt.date | None = None,
) -> SpotCheck:
    """The result of a spot-check. A discrepancy becomes a problem found (sent to the unit as
    any other) and marks the claim until that problem is solved."""
    locked = SpotCheck.objects.select_for_update().get(pk=check.pk)
    locked.participation = check.participation
    if not may_spot_check(actor, locked.participation):
        raise AccessDenied("只有负责该单位的督导组可以记录抽查结果。", code="forbidden")
    if locked.result != CheckResult.PENDING:
        raise TransitionError("该抽查已记录结果。", code="conflict")
    locked.method = _required(method, "核实方式（如“电话核实 3 人”）")[:200]
    locked.finding = (finding or "").replace("\x00", "").strip()
    locked.checked_by = actor
    locked.checked_at = timezone.now()
    if confirmed:
        locked.result = CheckResult.CONFIRMED
    else:
        if not locked.finding:
            raise DomainError("与实际不符须写明核实情况。", code="required")
        locked.result = CheckResult.DISCREPANCY
        locked.problem = record_problem(
            actor=actor,
            participation=locked.participation,
            description=(
                f"抽查核实“{locked.claim_label}”与实际不符（{locked.method}）：{locked.finding}"
            ),
            source=ProblemSource.SPOT_CHECK,
            deadline=deadline,
        )
    locked.save()
    record_event(
        actor=actor,
        action="supervision.record_spot_check",
        target=locked,
        campaign_id=locked.campaign_id,
        organisation_id=locked.participation.unit_id,
        data={"result": locked.result, "claim": [locked.claim_kind, locked.claim_id]},
    )
    return locked
