"""Self-analysis tests (item 6): settling a member's closed test rounds into a result."""

from __future__ import annotations

from django.db import transaction

from dudao.core.errors import DomainError, TransitionError
from dudao.reviews import actions as review_actions
from dudao.reviews.models import Document, DocumentStatus
from dudao.surveys import actions as survey_actions
from dudao.surveys.instruments import decide as decide_outcome
from dudao.surveys.instruments import get_instrument
from dudao.surveys.models import RoundStatus, SurveyCode, SurveyRound
from dudao.surveys.selectors import AUDIENCE_LABELS, _head_people, counts_for_rounds, member_role

from .. import rules
from ..access import participation_caps
from ..models import SelfAnalysisResult, TestStatus
from ._common import _audit, _template


@transaction.atomic
def settle_self_analysis(*, actor, round_: SurveyRound) -> SelfAnalysisResult:
    """The result of a closed member round of the template's self-analysis test, judged with
    the smallest group the template gives the member's audience (seed 001: a team member is
    tested within the team; a team of five gives four answers). A failing result returns the
    member's self-analysis for rewriting, with the result as the reason (the instrument's
    ``on_fail``). Settling twice answers the first result."""
    round_ = (
        SurveyRound.objects.select_for_update(of=("self",))
        .select_related(
            "participation__campaign__template", "participation__unit", "subject_person"
        )
        .get(pk=round_.pk)
    )
    existing = SelfAnalysisResult.objects.filter(round=round_).first()
    if existing is not None:
        return existing
    participation = round_.participation
    template = _template(participation)
    spec = rules.self_analysis_spec(template)
    if not spec or spec["instrument"] != round_.instrument or round_.subject_person is None:
        raise DomainError("这不是本活动模板规定的党性分析测评。")
    if round_.status != RoundStatus.CLOSED:
        raise TransitionError("测评尚未结束，不能确认结果。")
    caps = participation_caps(actor, participation)
    if not caps & {"unit", "group", "office"}:
        raise DomainError("只有本单位、督导组或活动办公室可以确认测评结果。", code="forbidden")
    inst = get_instrument(template.data, round_.instrument)
    person = round_.subject_person
    role = member_role(person, _head_people(participation))
    audience = (inst.get("audience") or {}).get(role) or "branch_members"
    minimum = rules.min_group_size(template, inst, audience)
    judged = dict(inst, min_group_size=minimum)
    counts = counts_for_rounds([round_.pk]).get(round_.pk, {})
    outcome = decide_outcome(judged, counts, round_number=round_.round_number)
    group_size = SurveyCode.objects.filter(round=round_, via_link=False).count()
    result = SelfAnalysisResult.objects.create(
        round=round_,
        participation=participation,
        person=person,
        audience=audience,
        group_size=group_size,
        min_group_size=minimum,
        answers=outcome.answers,
        status=outcome.status,
        detail=outcome.detail[:255],
        settled_by=actor,
    )
    on_fail = inst.get("on_fail") or {}
    if outcome.status == TestStatus.FAILED and on_fail.get("action") == "rewrite_document":
        document = (
            Document.objects.filter(
                participation=participation,
                kind=on_fail["document_kind"],
                author=person,
                status__in=[DocumentStatus.SUBMITTED, DocumentStatus.APPROVED],
            )
            .order_by("-pk")
            .first()
        )
        if document is not None:
            reason = (
                f"党性分析报告满意度测评未达到要求（测评范围{AUDIENCE_LABELS.get(audience, '')} "
                f"{group_size} 人，有效票 {outcome.answers} 张；{outcome.detail}），请重新撰写。"
            )
            review_actions.return_for_rewrite(actor=actor, document=document, reason=reason)
            result.returned_document = document
            result.save(update_fields=["returned_document"])
    _audit(
        actor,
        "evaluation.self_analysis.settle",
        result,
        participation,
        data={
            "status": outcome.status,
            "answers": outcome.answers,
            "group_size": group_size,
            "min_group_size": minimum,
            "returned": result.returned_document_id,
        },
    )
    return result


def settle_closed_rounds() -> int:
    """Periodic job (``evaluation.settle_closed_rounds``): settle every closed self-analysis
    round not yet settled, as the person who closed it (the audit's ``survey.round.close``
    event), so that a round closed on the surveys pages also gives its result and returns a
    failing member's self-analysis. A round whose closer may not settle it is left for the unit
    or group to settle on the results page. Returns the number settled."""
    import logging

    from dudao.campaigns.models import Campaign
    from dudao.core.models import AuditEvent

    settled = 0
    for campaign in Campaign.objects.select_related("template"):
        spec = rules.self_analysis_spec(campaign.template)
        if not spec:
            continue
        rounds = (
            SurveyRound.objects.filter(
                campaign=campaign,
                instrument=spec["instrument"],
                status=RoundStatus.CLOSED,
                subject_person__isnull=False,
            )
            .exclude(pk__in=SelfAnalysisResult.objects.values("round_id"))
            .order_by("pk")
        )
        for round_ in rounds[:1000]:
            closer = (
                AuditEvent.objects.filter(
                    action="survey.round.close",
                    target_type=SurveyRound._meta.label_lower,
                    target_id=str(round_.pk),
                    actor__isnull=False,
                )
                .select_related("actor")
                .order_by("-seq")
                .first()
            )
            if closer is None:
                continue
            try:
                settle_self_analysis(actor=closer.actor, round_=round_)
                settled += 1
            except DomainError as exc:
                logging.getLogger(__name__).info("round %s left unsettled: %s", round_.pk, exc)
    return settled


@transaction.atomic
def close_self_analysis_test(*, actor, round_: SurveyRound) -> SelfAnalysisResult:
    """Close the member's round (surveys) and settle its result in the same transaction."""
    survey_actions.close_round(actor=actor, round_=round_)
    return settle_self_analysis(actor=actor, round_=round_)
