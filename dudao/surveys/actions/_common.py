"""Helpers shared by the staff actions of the surveys: shard counts, locking a round, the
permission check, the audit event, and creating a round's counters and codes."""

from __future__ import annotations

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from .. import codes as code_rules
from ..access import survey_permits
from ..models import SurveyCode, SurveyRound, Tally

# Counters per (question, option) are split over this many rows so that concurrent ballots of
# one round rarely wait for the same row lock (held until the commit is on disk); results add
# the shards up. A unit survey may get hundreds of ballots at once; a member's test has a branch
# or a team answering, so fewer rows are enough there.
UNIT_SHARDS = 32
MEMBER_SHARDS = 4
MAX_CODES_PER_ISSUE = 20000


def _template_data(campaign) -> dict:
    return campaign.template.data


def _lock_round(round_: SurveyRound) -> SurveyRound:
    return (
        SurveyRound.objects.select_for_update(of=("self",))
        .select_related("campaign__template", "participation")
        .get(pk=round_.pk)
    )


def _instrument_name(round_: SurveyRound) -> str:
    """The instrument's name in the template (the archive shows names, not codes)."""
    for inst in (round_.campaign.template.data or {}).get("survey_instruments", []):
        if inst.get("code") == round_.instrument:
            return inst.get("name") or "测评"
    return "测评"


def _require(actor, round_: SurveyRound, action: str) -> None:
    """The one rule the pages ask too (``access.survey_permits``): who may run this round.
    The round's state is judged by each action on the locked row."""
    survey_permits(actor, round_).require(action)


def _audit(actor, action: str, round_: SurveyRound, *, reason: str = "", data: dict | None = None):
    record_event(
        actor=actor,
        action=action,
        target=round_,
        target_label=f"{round_.participation.unit_name} · {_instrument_name(round_)} 第{round_.round_number}轮",
        campaign_id=round_.campaign_id,
        organisation_id=round_.participation.unit_id,
        reason=reason,
        data=data or {},
    )


def _create_tallies(rounds: list[SurveyRound], inst: dict) -> None:
    """Every counter of a round exists, at zero, before the first ballot: a row created by a
    ballot would tell by its key or position which option was chosen first."""
    Tally.objects.bulk_create(
        [
            Tally(round=r, question=q["code"], option=opt, shard=s)
            for r in rounds
            for q in inst["questions"]
            for opt in q["options"]
            for s in range(r.shards)
        ]
    )


def _insert_codes(round_: SurveyRound, count: int) -> int:
    if count < 1 or count > MAX_CODES_PER_ISSUE:
        raise DomainError(f"发放测评码的数量应在 1 到 {MAX_CODES_PER_ISSUE} 之间，实际为 {count}。")
    made: set[str] = set()
    while len(made) < count:
        batch = {code_rules.new_code() for _ in range(count - len(made))} - made
        taken = set(SurveyCode.objects.filter(code__in=batch).values_list("code", flat=True))
        made |= batch - taken
    SurveyCode.objects.bulk_create([SurveyCode(round=round_, code=c) for c in made])
    return count
