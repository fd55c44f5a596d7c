"""Exemptions: nobody certifies himself (issue 10.2). The unit proposes that a member be
exempted from a requirement of a phase (only where the template lists the reason in the
requirement's ``applies_to.exemptable_categories``); its supervision group confirms it or
refuses it with a reason. Only a confirmed exemption counts in the requirements engine. A
withdrawn exemption is kept (``withdrawn_at``) for the archive.

``exemption_permits`` is the one rule; the pages show its buttons and the actions require it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import AccessDenied, ConflictError, DomainError
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from . import kinds
from .access import check_writer
from .checks import audit, check_members, check_open, frozen_reason, required, resolve_phase
from .models import Exemption, ExemptionReason, ExemptionStatus


def _group_checks(user, participation) -> bool:
    """The unit's own supervision group (leader or member) decides on its exemptions."""
    if user is None or participation.group_id is None:
        return False
    return participation.group_id in scope_for(user).groups


def roles(user, participation) -> tuple[bool, str]:
    """(the user checks for the unit's group, why he may not write for the unit or "")."""
    try:
        check_writer(user, participation)
    except AccessDenied as exc:
        return _group_checks(user, participation), exc.message
    return _group_checks(user, participation), ""


def exemption_permits(user, exemption: Exemption, *, known_roles=None) -> Permits:
    """``known_roles``: ``roles(user, participation)`` when a list asks for many rows."""
    participation = exemption.participation
    checker, not_writer = known_roles or roles(user, participation)
    permits = Permits()
    frozen = frozen_reason(participation, exemption.phase)
    if exemption.withdrawn_at is not None:
        for action in ("confirm", "refuse", "withdraw"):
            permits.add(refuse(action, "这条登记已撤销。"))
        return permits
    if frozen:
        for action in ("confirm", "refuse", "withdraw"):
            permits.add(refuse(action, frozen))
        return permits
    if not checker:
        why = "免于要求由单位提出，须由督导组确认；本单位不能自行确认。"
        permits.add(refuse("confirm", why)).add(refuse("refuse", why))
    elif exemption.status == ExemptionStatus.PROPOSED:
        permits.add(allow("confirm")).add(allow("refuse"))
    else:
        done = f"这条登记已{exemption.get_status_display()}。"
        permits.add(refuse("confirm", done)).add(refuse("refuse", done))
    permits.add(refuse("withdraw", not_writer) if not_writer else allow("withdraw"))
    return permits


def _check_requirement(participation, phase: str, requirement: str, reason: str) -> dict:
    campaign = participation.campaign
    phase_reqs = {r["code"]: r for r in kinds.requirements(campaign, phase)}
    if requirement not in phase_reqs:
        name = kinds.phase_name(campaign, phase)
        raise DomainError(f"“{name}”阶段没有这项要求，请从列表中重新选择。")
    req = phase_reqs[requirement]
    allowed = (req.get("applies_to") or {}).get("exemptable_categories") or []
    if reason not in allowed:
        if not allowed:
            raise DomainError(f"“{req['name']}”按活动模板不能免于，任何党员都须达到。")
        shown = "、".join(ExemptionReason(r).label for r in allowed if r in ExemptionReason.values)
        label = ExemptionReason(reason).label
        raise DomainError(f"“{req['name']}”按活动模板只能因{shown}免于，不能因“{label}”免于。")
    return req


@transaction.atomic
def propose_exemption(
    *,
    actor,
    participation,
    person,
    requirement: str,
    reason: str,
    explanation: str,
    phase: str | None = None,
    **_ignored,
) -> Exemption:
    """The unit proposes; proposing the same exemption again keeps one (natural key: phase,
    person, requirement). A refused one proposed again goes back to the group."""
    check_writer(actor, participation)
    phase = resolve_phase(participation, phase)
    check_open(participation, phase)
    if person is None:
        raise DomainError("请选择党员。")
    check_members(participation, [person.pk])
    explanation = required(explanation, "情况说明（如“外出务工，在广州”）")[:300]
    if reason not in ExemptionReason.values:
        raise DomainError("请选择免于要求的原因类别。")
    req = _check_requirement(participation, phase, requirement, reason)
    existing = (
        Exemption.objects.select_for_update(of=("self",))
        .filter(
            participation=participation,
            phase=phase,
            person=person,
            requirement=requirement,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    if existing is not None and existing.status != ExemptionStatus.REFUSED:
        if existing.reason == reason:
            return existing
        raise DomainError(
            f"{person.name}已因“{existing.get_reason_display()}”免于“{req['name']}”。"
            "如需改变原因，请先撤销原登记。"
        )
    if existing is not None:  # refused before: the unit asks again, with what it now says
        existing.reason, existing.explanation = reason, explanation
        existing.status, existing.decided_by, existing.decided_at = (
            ExemptionStatus.PROPOSED,
            None,
            None,
        )
        existing.save(update_fields=["reason", "explanation", "status", "decided_by", "decided_at"])
        exemption = existing
    else:
        exemption = Exemption.objects.create(
            participation=participation,
            phase=phase,
            person=person,
            requirement=requirement,
            reason=reason,
            explanation=explanation,
            created_by=actor,
        )
    audit(
        actor,
        "records.exemption.create",
        exemption,
        participation,
        reason=explanation,
        data={"phase": phase, "person": person.code, "requirement": requirement, "reason": reason},
    )
    return exemption


def _locked(exemption: Exemption) -> Exemption:
    return (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("participation__campaign__template", "person", "withdrawn_by")
        .get(pk=exemption.pk)
    )


@transaction.atomic
def _decide(*, actor, exemption: Exemption, action: str, reason: str) -> Exemption:
    exemption = _locked(exemption)
    exemption_permits(actor, exemption).require(action)
    exemption.status = ExemptionStatus.CONFIRMED if action == "confirm" else ExemptionStatus.REFUSED
    exemption.decided_by = actor
    exemption.decided_at = timezone.now()
    exemption.decision_reason = reason[:300]
    exemption.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit(
        actor,
        f"records.exemption.{action}",
        exemption,
        exemption.participation,
        reason=reason,
        data={"person": exemption.person.code, "requirement": exemption.requirement},
    )
    return exemption


def confirm_exemption(*, actor, exemption: Exemption, reason: str = "") -> Exemption:
    """The unit's supervision group confirms; from now on the exemption counts."""
    return _decide(
        actor=actor, exemption=exemption, action="confirm", reason=(reason or "").strip()
    )


def refuse_exemption(*, actor, exemption: Exemption, reason: str) -> Exemption:
    """The group refuses, saying why; the member must meet the requirement."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("不予确认须写明理由（如“经核实已返回单位，应参加学习”）。")
    return _decide(actor=actor, exemption=exemption, action="refuse", reason=reason)


@transaction.atomic
def withdraw_exemption(*, actor, exemption: Exemption, reason: str) -> Exemption:
    """Withdraw an exemption; the row is kept (withdrawn_at) for the archive."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("撤销免于要求须写明理由（如“已返回单位，参加补学”）。")
    exemption = _locked(exemption)
    if exemption.withdrawn_at is not None:
        by = exemption.withdrawn_by
        who = (by.get_full_name() or by.username) if by else "其他人"
        raise ConflictError(
            f"这条登记已被{who}于{timezone.localtime(exemption.withdrawn_at):%m月%d日 %H:%M}"
            "撤销，无需再撤销。请重新载入页面。"
        )
    check_writer(actor, exemption.participation)
    exemption_permits(actor, exemption).require("withdraw")
    exemption.withdrawn_at = timezone.now()
    exemption.withdrawn_by = actor
    exemption.withdraw_reason = reason[:300]
    exemption.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit(
        actor,
        "records.exemption.withdraw",
        exemption,
        exemption.participation,
        reason=reason,
        data={"person": exemption.person.code, "requirement": exemption.requirement},
    )
    return exemption
