"""Rounds of a survey: creating a round and its re-survey, issuing codes, drawing the sample,
opening and closing."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.orgs.models import Person

from .. import atrest, rolls
from ..access import may_run
from ..instruments import RUNNER_LABELS, get_instrument
from ..models import (
    PaperBallotSheet,
    PaperEntry,
    PaperStatus,
    RoundStatus,
    SampledPerson,
    SurveyCode,
    SurveyRound,
)
from ..selectors import round_outcome, unit_population
from ._common import (
    MEMBER_SHARDS,
    UNIT_SHARDS,
    _audit,
    _create_tallies,
    _insert_codes,
    _lock_round,
    _require,
    _template_data,
)


@transaction.atomic
def create_round(
    *,
    actor,
    participation: Participation,
    instrument: str,
    subject_person: Person | None = None,
    expires_on: dt.date | None = None,
) -> SurveyRound:
    """The first round of an instrument for a unit (or a member of it). Later rounds come from
    ``start_resurvey`` only, so that every re-survey is linked to the round it repeats."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    inst = get_instrument(_template_data(participation.campaign), instrument)
    if not may_run(actor, participation, inst):
        raise AccessDenied(
            f"“{inst['name']}”由{RUNNER_LABELS.get(inst['run_by'], inst['run_by'])}组织实施。"
        )
    if inst["subject"] == "member" and subject_person is None:
        raise DomainError(f"“{inst['name']}”以党员为测评对象：请为每名党员分别建立测评。")
    if inst["subject"] == "unit" and subject_person is not None:
        raise DomainError(f"“{inst['name']}”以单位为测评对象，不针对个人。")
    if subject_person is not None and subject_person.unit_id != participation.unit_id:
        raise DomainError(f"{subject_person.name}不是“{participation.unit_name}”的党员。")
    existing = SurveyRound.objects.filter(
        participation=participation, instrument=instrument, subject_person=subject_person
    ).exists()
    if existing:
        raise DomainError(
            f"“{participation.unit_name}”的“{inst['name']}”已经建立；不合格需重新测评时，"
            "请在上一轮的页面上选择“重新测评”。"
        )
    round_ = SurveyRound.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        instrument=instrument,
        subject_person=subject_person,
        expires_on=expires_on,
        shards=MEMBER_SHARDS if subject_person is not None else UNIT_SHARDS,
        created_by=actor,
    )
    _create_tallies([round_], inst)
    _audit(
        actor,
        "survey.round.create",
        round_,
        data={"instrument": instrument, "subject": subject_person.code if subject_person else None},
    )
    return round_


@transaction.atomic
def start_resurvey(*, actor, previous: SurveyRound, reason: str) -> SurveyRound:
    """A new round after a failing (or too small) closed round, linked to it; both are kept."""
    if not (reason or "").strip():
        raise DomainError("重新测评须写明理由（如补课情况）。")
    previous = _lock_round(previous)
    _require(actor, previous, "resurvey")
    if previous.status != RoundStatus.CLOSED:
        raise TransitionError("上一轮测评尚未结束，不能重新测评。")
    if SurveyRound.objects.filter(previous=previous).exists():
        raise TransitionError("这一轮已经安排过重新测评。")
    outcome = round_outcome(previous)
    if outcome.status == "passed":
        raise TransitionError("这一轮测评已达到要求，无需重新测评。")
    inst = get_instrument(_template_data(previous.campaign), previous.instrument)
    round_ = SurveyRound.objects.create(
        campaign_id=previous.campaign_id,
        participation_id=previous.participation_id,
        instrument=previous.instrument,
        subject_person_id=previous.subject_person_id,
        round_number=previous.round_number + 1,
        previous=previous,
        shards=previous.shards,
        created_by=actor,
    )
    _create_tallies([round_], inst)
    _audit(
        actor,
        "survey.round.resurvey",
        round_,
        reason=reason.strip(),
        data={"previous_round": previous.round_number, "previous_status": outcome.status},
    )
    return round_


@transaction.atomic
def issue_codes(*, actor, round_: SurveyRound, count: int) -> int:
    """``count`` more one-time codes for the round. The audit records how many, never which:
    an event carries a time, and a code next to a time is what must never exist."""
    round_ = _lock_round(round_)
    _require(actor, round_, "issue_codes")
    if round_.status == RoundStatus.CLOSED:
        raise TransitionError("测评已结束，不能再发放测评码。")
    _insert_codes(round_, count)
    _audit(
        actor,
        "survey.codes.issue",
        round_,
        # Printed codes only: codes minted by the open link are visitors, not for the record.
        data={"count": count, "total": round_.codes.filter(via_link=False).count()},
    )
    return count


@transaction.atomic
def draw_sample(
    *, actor, round_: SurveyRound, size: int, seed: str | None = None, extra_codes: int = 0
) -> list[int]:
    """Seed 004: the group draws respondents at random within the notified scope.

    The population is the unit's members (minus the instrument's excluded categories), ordered
    by id; ``random.Random(seed).sample`` over it is reproducible from the recorded seed. One
    code per sampled person is issued (plus ``extra_codes`` for respondents from the public
    within the notified scope, who are not on any roll); codes are not bound to persons.
    Where the instrument samples within the notified scope, the unit's roll (rolls.py) joins
    the population after the members; drawn roll entries are recorded as ``RollSample``.
    Returns the ids of the members drawn."""
    round_ = _lock_round(round_)
    _require(actor, round_, "sample")
    if round_.status != RoundStatus.PREPARING:
        raise TransitionError("测评已开始，不能再抽样。")
    if round_.sample_seed:
        raise TransitionError("本轮已经抽样，不能重抽（抽样结果和随机种子已记录）。")
    inst = get_instrument(_template_data(round_.campaign), round_.instrument)
    # Members, then (sampling within the notified scope) the unit's roll of public
    # representatives, service recipients, deputies… (rolls.py), in a fixed order.
    members = unit_population(round_.participation, inst)
    population = rolls.population(round_.participation, inst, members)
    makeup = rolls.makeup(
        round_.participation, inst, sum(1 for kind, _pk in population if kind == "p")
    )
    if size < 1:
        raise DomainError("抽样人数应至少为 1。")
    if size > len(population):
        raise DomainError(f"抽样人数 {size} 超过了抽样范围内的人数 {len(population)}。")
    if extra_codes < 0:
        raise DomainError("另发的群众测评码数量不能为负数。")
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise DomainError("随机种子最长 64 个字符。")
    chosen = random.Random(seed).sample(population, size)
    drawn = sorted(pk for kind, pk in chosen if kind == "p")
    SampledPerson.objects.bulk_create([SampledPerson(round=round_, person_id=p) for p in drawn])
    rolls.RollSample.objects.bulk_create(
        [rolls.RollSample(round=round_, entry_id=pk) for kind, pk in sorted(chosen) if kind == "r"]
    )
    round_.sample_seed = seed
    round_.sample_drawn_by = actor
    round_.sample_drawn_at = timezone.now()
    round_.population_size = len(population)
    round_.save(
        update_fields=["sample_seed", "sample_drawn_by", "sample_drawn_at", "population_size"]
    )
    _insert_codes(round_, size + extra_codes)
    _audit(
        actor,
        "survey.sample.draw",
        round_,
        data={
            "seed": seed,
            "population": len(population),
            "size": size,
            "extra_codes": extra_codes,
            "makeup": [[label, n] for label, n in makeup],
        },
    )
    return drawn


@transaction.atomic
def open_round(*, actor, round_: SurveyRound, expires_on: dt.date | None = None) -> SurveyRound:
    round_ = _lock_round(round_)
    _require(actor, round_, "open")
    if round_.status != RoundStatus.PREPARING:
        raise TransitionError(f"测评当前为“{round_.get_status_display()}”，不能开始。")
    inst = get_instrument(_template_data(round_.campaign), round_.instrument)
    if inst.get("sampling") and not round_.sample_seed:
        raise TransitionError("本测评须先随机抽样（模板规定），再开始。")
    round_.status = RoundStatus.OPEN
    round_.opened_at = timezone.now()
    if expires_on is not None:
        round_.expires_on = expires_on
    round_.save(update_fields=["status", "opened_at", "expires_on"])
    _audit(
        actor,
        "survey.round.open",
        round_,
        data={"expires_on": round_.expires_on.isoformat() if round_.expires_on else None},
    )
    return round_


@transaction.atomic
def close_round(*, actor, round_: SurveyRound) -> SurveyRound:
    """Close the round: from now on its result is shown (if enough people answered).

    The status is set first; then every code row of the round is rewritten, which waits for any
    ballot in flight (it holds its code's row lock), and any ballot that reaches its code after
    this sees "closed" and rolls back (``submit_ballot``): nothing is counted after closing.
    Every counter is rewritten too, so that afterwards no row carries the identity of the
    transaction that last touched it (on PostgreSQL a row's ``xmin`` would otherwise tie a code
    to the counters its ballot incremented)."""
    round_ = _lock_round(round_)
    _require(actor, round_, "close")
    if round_.status != RoundStatus.OPEN:
        raise TransitionError(f"测评当前为“{round_.get_status_display()}”，不能结束。")
    entered = PaperEntry.objects.filter(round=round_).exists()
    agreed = PaperBallotSheet.objects.filter(round=round_, status=PaperStatus.CONFIRMED).exists()
    if entered and not agreed:
        raise TransitionError(
            "纸质票须由两位同志分别录入且一致后才能结束测评（目前只录入了一次，或两次不一致）。"
        )
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    # Waits for any ballot in flight (it holds its code's row lock), then leaves nothing in the
    # files that ties a code to its ballot (atrest.py: sealed ballots opened on SQLite, rows
    # rewritten in random order, files scrubbed after the commit).
    SurveyCode.objects.filter(round=round_).update(used=F("used"))
    if atrest.seals_ballots():
        atrest.open_sealed_ballots(round_)
    atrest.rewrite_round_rows(round_)
    atrest.after_close()
    outcome = round_outcome(round_)
    _audit(
        actor,
        "survey.round.close",
        round_,
        data={
            "status": outcome.status,
            "answers": outcome.answers,
            "share": str(outcome.share) if outcome.share is not None else None,
        },
    )
    return round_
