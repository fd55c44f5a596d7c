"""Helpers shared by the writes of 分析评议: the stale-version check, the audit event, the
campaign template, locking a ballot and the template's grade scale."""

from __future__ import annotations

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError

from .. import rules
from ..models import Ballot


def _check_version(obj, expected_version) -> None:
    if expected_version is None:
        return
    text = str(expected_version).strip()
    stale = not (text.isascii() and text.isdigit() and len(text) < 10) or int(text) != obj.version
    if stale:
        raise ConflictError(
            f"“{obj}”已被他人修改：请刷新页面，查看最新情况后再操作。", code="stale"
        )


def _audit(actor, action: str, target, participation, *, reason: str = "", data=None):
    record_event(
        actor=actor,
        action=action,
        target=target,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


def _template(participation):
    return participation.campaign.template


def _lock_ballot(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("participation__campaign__template", "participation__unit", "branch")
        .get(pk=ballot.pk)
    )


def _grade_codes(template) -> list[str]:
    codes = [c for c, _n in rules.grades(template)]
    if not codes:
        raise DomainError("本活动模板没有规定民主评议党员的评议等次。")
    return codes
