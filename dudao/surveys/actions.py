"""Every write of the surveys app.

Staff actions (creating rounds, drawing samples, issuing codes, opening and closing rounds, paper
tallies and their confirmation) take an explicit ``actor`` and write an audit event in their
transaction. Answering (``submit_ballot``) deliberately has no actor and writes no audit event,
no log line and nothing with a time: it flips the code's ``used`` flag and adds one to a
counter per question in one transaction, and that is all (DESIGN.md "Anonymity",
docs/anonymity.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignTemplate, Participation
from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.orgs.models import Person

from . import atrest, rolls
from . import codes as code_rules
from .access import may_run, survey_permits
from .instruments import RUNNER_LABELS, get_instrument
from .models import (
    PaperBallotSheet,
    PaperCount,
    PaperEntry,
    PaperStatus,
    RoundStatus,
    SampledPerson,
    SealedBallot,
    SurveyCode,
    SurveyRound,
    Tally,
)
from .selectors import (
    member_audience,
    paper_differences,
    round_outcome,
    tested_members,
    unit_population,
)

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


# --- rounds -------------------------------------------------------------------------------------


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


# --- the open link (template ``open_link: true``) ------------------------------------------------

# A round's open link mints at most this many codes (one per device that opens it): a ceiling
# on what a script opening the link in a loop can add to the database.
MAX_LINK_CODES = 20000


@transaction.atomic
def enable_open_link(*, actor, round_: SurveyRound) -> SurveyRound:
    """Turn on the round's open link: anyone with the link answers once per device. Only for
    instruments whose template sets ``open_link: true`` (public respondents, no sampling)."""
    round_ = _lock_round(round_)
    _require(actor, round_, "open_link")
    inst = get_instrument(_template_data(round_.campaign), round_.instrument)
    if not inst.get("open_link"):
        raise DomainError(f"按活动模板，“{inst['name']}”只能凭测评码作答，不能开放公开链接。")
    if round_.status == RoundStatus.CLOSED:
        raise TransitionError("测评已结束，不能再开放公开链接。")
    if round_.open_token:
        return round_  # already on: a second click changes nothing
    round_.open_token = secrets.token_urlsafe(12)
    round_.save(update_fields=["open_token"])
    _audit(actor, "survey.link.enable", round_)
    return round_


def code_for_device(token: str) -> tuple[str | None, str]:
    """A fresh one-time code for a device opening the open link: (code, "ok"), or (None, why).

    No actor, no audit event, no time: the code is handed to the device (in a cookie) and the
    server keeps only the code row, like a printed code's. The device, not the server,
    remembers that it has answered."""
    found = (
        SurveyRound.objects.filter(open_token=token).values_list("pk", "status", "expires_on")
    ).first()
    if found is None:
        return None, "unknown_link"
    round_id, status, expires_on = found
    if status == RoundStatus.PREPARING:
        return None, "not_open"
    if status == RoundStatus.CLOSED:
        return None, "closed"
    if expires_on and timezone.localdate() > expires_on:
        return None, "expired"
    if SurveyCode.objects.filter(round_id=round_id, via_link=True).count() >= MAX_LINK_CODES:
        return None, "link_full"
    while True:
        code = code_rules.new_code()
        if not SurveyCode.objects.filter(code=code).exists():
            break
    SurveyCode.objects.create(round_id=round_id, code=code, via_link=True)
    return code, "ok"


# --- member self-analysis tests (seed 001) ------------------------------------------------------


@transaction.atomic
def create_member_rounds(*, actor, participation: Participation, instrument: str) -> int:
    """One round per member to be tested (seed 001: retired members exempt), each with one code
    per person of the audience the member's role dictates. Members who already have a round
    are left alone. Returns the number of rounds created."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    inst = get_instrument(_template_data(participation.campaign), instrument)
    if not may_run(actor, participation, inst):
        raise AccessDenied(
            f"“{inst['name']}”由{RUNNER_LABELS.get(inst['run_by'], inst['run_by'])}组织实施。"
        )
    if inst["subject"] != "member":
        raise DomainError(f"“{inst['name']}”不是对党员个人的测评。")
    done = set(
        SurveyRound.objects.filter(participation=participation, instrument=instrument).values_list(
            "subject_person_id", flat=True
        )
    )
    members = [m for m in tested_members(participation, inst) if m.pk not in done]
    audiences = member_audience(participation, inst, members)
    rounds = SurveyRound.objects.bulk_create(
        [
            SurveyRound(
                campaign_id=participation.campaign_id,
                participation=participation,
                instrument=instrument,
                subject_person=m,
                shards=MEMBER_SHARDS,
                created_by=actor,
            )
            for m in members
        ]
    )
    if connection.vendor != "postgresql" or any(r.pk is None for r in rounds):
        # SQLite before RETURNING support gives no ids back: fetch them.
        by_person = dict(
            SurveyRound.objects.filter(
                participation=participation, instrument=instrument, round_number=1
            ).values_list("subject_person_id", "pk")
        )
        for r in rounds:
            r.pk = r.id = by_person[r.subject_person_id]
    _create_tallies(rounds, inst)
    for r in rounds:
        size = len(audiences[r.subject_person_id])
        if size:
            _insert_codes(r, size)
    record_event(
        actor=actor,
        action="survey.member_rounds.create",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"instrument": instrument, "rounds": len(rounds)},
    )
    return len(rounds)


# --- answering (anonymous) ----------------------------------------------------------------------


@dataclass(frozen=True)
class BallotResult:
    status: str  # counted | unknown | used | not_open | closed | expired | invalid
    message: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        return self.status == "counted"


MESSAGES = {
    "counted": "您的答卷已提交，谢谢参与。",
    "unknown": "测评码不存在：请核对纸条上的测评码后重新输入（不区分大小写，短横线可不输）。",
    "used": "这个测评码已经使用过，答卷只计一次。如果您没有提交过，请与发放测评码的同志联系。",
    "not_open": "测评尚未开始，请在通知的时间再来。",
    "closed": "测评已经结束，不再接收答卷。",
    "expired": "测评码已过截止日期，不再接收答卷。",
    "invalid": "还有题目没有回答，请选择后再提交。",
    "unknown_link": "链接无效：请重新扫描测评通知上的二维码，或与组织测评的同志联系。",
    "link_full": "本次测评的公开链接答卷已满，请与组织测评的同志联系。",
    "device_answered": "这台设备已经回答过本次测评，每台设备只能回答一次。谢谢参与。",
}

# Instruments by (template id, code): templates are immutable once loaded (code + version), so
# this per-process cache never goes stale and holds nothing about anyone's answer.
_INSTRUMENTS: dict[tuple[int, str], dict] = {}


def _instrument_for(template_id: int, code: str) -> dict:
    key = (template_id, code)
    inst = _INSTRUMENTS.get(key)
    if inst is None:
        data = CampaignTemplate.objects.values_list("data", flat=True).get(pk=template_id)
        inst = _INSTRUMENTS[key] = get_instrument(data, code)
    return inst


_FIELDS = (
    "pk",
    "code",
    "used",
    "round_id",
    "round__status",
    "round__expires_on",
    "round__instrument",
    "round__shards",
    "round__campaign__template_id",
    "round__participation__unit_name",
    "round__subject_person__name",
)
_SQL: dict[str, str] = {}


def _sql(name: str) -> str:
    """The answering path's statements, written once as SQL: a ballot is a handful of
    statements, and the ORM's per-statement work would cost more than the database's."""
    if not _SQL:
        code, rnd, tally = (
            SurveyCode._meta.db_table,
            SurveyRound._meta.db_table,
            Tally._meta.db_table,
        )
        camp, part, person = (
            Campaign._meta.db_table,
            Participation._meta.db_table,
            Person._meta.db_table,
        )
        _SQL["lookup"] = (
            f"SELECT c.id, c.code, c.used, c.round_id, r.status, r.expires_on, r.instrument, "
            f"r.shards, k.template_id, p.unit_name, s.name FROM {code} c "
            f"JOIN {rnd} r ON r.id = c.round_id JOIN {camp} k ON k.id = r.campaign_id "
            f"JOIN {part} p ON p.id = r.participation_id "
            f"LEFT JOIN {person} s ON s.id = r.subject_person_id WHERE c.code = %s"
        )
        _SQL["consume"] = f"UPDATE {code} SET used = %s WHERE id = %s AND used = %s"
        _SQL["status"] = f"SELECT status FROM {rnd} WHERE id = %s"
        # One statement for all the ballot's counters, counting only while the round is open.
        # Its snapshot is taken after the code's row lock is held (see ``submit_ballot``).
        _SQL["count"] = (
            f"UPDATE {tally} SET count = count + 1 WHERE round_id = %s AND shard = %s "
            f"AND EXISTS (SELECT 1 FROM {rnd} WHERE id = %s AND status = %s) AND ({{pairs}})"
        )
    return _SQL[name]


def lookup_code(text: str) -> tuple[dict | None, str]:
    """(the code's round facts, status) for the answering page; reads only."""
    code = code_rules.normalise(text)
    if not code_rules.looks_valid(code):
        return None, "unknown"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The same statement, planned once per connection (surveys migration 0007).
            cur.execute("SELECT * FROM surveys_lookup_code(%s)", [code])
        else:
            cur.execute(_sql("lookup"), [code])
        found = cur.fetchone()
    if found is None:
        return None, "unknown"
    row = dict(zip(_FIELDS, found, strict=True))
    if isinstance(row["round__expires_on"], str):  # SQLite returns dates as text
        row["round__expires_on"] = dt.date.fromisoformat(row["round__expires_on"])
    row["used"] = bool(row["used"])
    row["instrument"] = _instrument_for(
        row["round__campaign__template_id"], row["round__instrument"]
    )
    if row["round__status"] == RoundStatus.PREPARING:
        return row, "not_open"
    if row["round__status"] == RoundStatus.CLOSED:
        return row, "closed"
    if row["round__expires_on"] and timezone.localdate() > row["round__expires_on"]:
        return row, "expired"
    if row["used"]:
        return row, "used"
    return row, "ok"


def _submit_on_postgresql(code: str, chosen: list[tuple[str, str]]) -> str:
    """The ballot in one round trip and one transaction: ``surveys_submit_ballot`` (migration
    0002) does what the SQLite path below does — compare-and-set the code, re-read the round
    while holding the code's lock, add one to a counter per question on a random shard — and
    refuses (rolling everything back) unless every question of the round got one known option.
    Returns "counted", or "not_counted" for the caller to find out why."""
    # Outside any transaction the call is its own transaction (autocommit): no BEGIN/COMMIT
    # round trips. Inside one (a caller's atomic block) a savepoint keeps a refusal local.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard, connection.cursor() as cur:
            cur.execute(
                "SELECT surveys_submit_ballot(%s, %s, %s::text[], %s::text[])",
                [
                    code,
                    timezone.localdate(),
                    [q for q, _o in chosen],
                    [o for _q, o in chosen],
                ],
            )
            return cur.fetchone()[0]
    except DatabaseError as exc:
        if "surveys_ballot_not_counted" not in str(exc):
            raise
        return "not_counted"


def submit_ballot(*, code: str, answers: dict[str, str]) -> BallotResult:
    """Count one ballot for a one-time code, at most once whatever happens concurrently.

    No actor, no audit event, no log: the code row's ``used`` flag is compared-and-set and one
    is added to one counter per question (on a shard picked at random), in one transaction."""
    if connection.vendor == "postgresql":
        # Fast path: the ballot as posted, in one round trip. Anything but "counted" (unknown or
        # used code, closed round, missing answer) takes the careful path below, which says why.
        normalised = code_rules.normalise(code)
        posted = [(k, v) for k, v in answers.items() if isinstance(v, str) and k != "code"]
        if code_rules.looks_valid(normalised) and posted:
            if _submit_on_postgresql(normalised, posted) == "counted":
                return BallotResult("counted", MESSAGES["counted"])
    row, status = lookup_code(code)
    if status != "ok":
        return BallotResult(status, MESSAGES[status])
    inst = row["instrument"]
    chosen: list[tuple[str, str]] = []
    errors = {}
    for q in inst["questions"]:
        value = answers.get(q["code"])
        if value not in q["options"]:
            errors[q["code"]] = "请选择一项"
        else:
            chosen.append((q["code"], value))
    if errors:
        return BallotResult("invalid", MESSAGES["invalid"], errors)
    if connection.vendor == "postgresql":
        if _submit_on_postgresql(row["code"], chosen) == "counted":
            return BallotResult("counted", MESSAGES["counted"])
        row, status = lookup_code(code)  # what changed meanwhile: used, closed or expired
        if status == "ok":
            raise RuntimeError("计票单元缺失：测评轮次与模板题目不一致")
        return BallotResult(status, MESSAGES[status])
    shard = secrets.randbelow(row["round__shards"])
    with transaction.atomic(), connection.cursor() as cur:
        # Compare-and-set: of any number of simultaneous submissions of one code exactly one
        # sees used=false (PostgreSQL re-checks the condition after waiting for the row lock).
        cur.execute(_sql("consume"), [True, row["pk"], False])
        if cur.rowcount != 1:
            return BallotResult("used", MESSAGES["used"])
        # Count only now, holding the code's row lock, and only if the round is still open:
        # ``close_round`` sets the status and then rewrites every code row of the round, so
        # either it waits for this ballot to commit (and counts it), or it committed first and
        # this statement, which starts after the lock was granted, sees "closed". No lock is
        # taken on the round row, which every ballot would otherwise contend for.
        if atrest.seals_ballots():
            # SQLite: one transaction at a time (IMMEDIATE), so the round's status read here
            # cannot change before the commit. The ballot is sealed, not counted (atrest.py).
            cur.execute(_sql("status"), [row["round_id"]])
            if cur.fetchone()[0] != RoundStatus.OPEN:
                transaction.set_rollback(True)
                return BallotResult("closed", MESSAGES["closed"])
            SealedBallot.objects.create(
                round_id=row["round_id"], box=atrest.seal(row["round_id"], chosen)
            )
            return BallotResult("counted", MESSAGES["counted"])
        pairs = " OR ".join(["(question = %s AND option = %s)"] * len(chosen))
        params: list = [row["round_id"], shard, row["round_id"], RoundStatus.OPEN.value]
        for question, option in chosen:
            params += [question, option]
        cur.execute(_sql("count").format(pairs=pairs), params)
        if cur.rowcount != len(chosen):
            cur.execute(_sql("status"), [row["round_id"]])
            still_open = cur.fetchone()[0] == RoundStatus.OPEN
            transaction.set_rollback(True)  # the code stays unused
            if not still_open:
                return BallotResult("closed", MESSAGES["closed"])
            raise RuntimeError("计票单元缺失：测评轮次与模板题目不一致")
    return BallotResult("counted", MESSAGES["counted"])


# --- paper ballots ------------------------------------------------------------------------------


def _check_paper(
    inst: dict, *, issued: int, returned: int, void: int, valid: int, counts: dict
) -> dict[str, int]:
    problems = []
    for label, value in (
        ("发出票数", issued),
        ("收回票数", returned),
        ("无效票数", void),
        ("有效票数", valid),
    ):
        if value is None or value < 0:
            problems.append(f"{label}应为不小于 0 的整数")
    if problems:
        raise DomainError("；".join(problems) + "。")
    if returned > issued:
        problems.append(f"收回票数 {returned} 多于发出票数 {issued}")
    if void + valid != returned:
        problems.append(
            f"无效票 {void} + 有效票 {valid} = {void + valid}，与收回票数 {returned} 不符"
        )
    clean: dict[str, int] = {}
    for q in inst["questions"]:
        total = 0
        for opt in q["options"]:
            key = f"{q['code']}:{opt}"
            value = counts.get(key, 0)
            if value is None or value < 0:
                problems.append(f"“{q['text']}”的“{opt}”应为不小于 0 的整数")
                value = 0
            clean[key] = value
            total += value
        if total != valid:
            problems.append(f"“{q['text']}”各选项合计 {total}，与有效票数 {valid} 不符")
    if problems:
        raise DomainError("；".join(problems) + "。")
    return clean


def _write_counts(sheet: PaperBallotSheet, clean: dict[str, int]) -> None:
    PaperCount.objects.filter(sheet=sheet).delete()
    PaperCount.objects.bulk_create(
        [
            PaperCount(
                sheet=sheet, question=key.split(":", 1)[0], option=key.split(":", 1)[1], count=n
            )
            for key, n in clean.items()
        ]
    )


def _paper_figures(sheet: PaperBallotSheet) -> dict:
    return {
        "issued": sheet.issued,
        "returned": sheet.returned,
        "void": sheet.void,
        "valid": sheet.valid,
        "counts": {f"{c.question}:{c.option}": c.count for c in sheet.counts.order_by("pk")},
    }


def _digest(figures: dict) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:16]


def _reconcile_paper(actor, round_: SurveyRound, inst: dict, entries: list[PaperEntry]) -> None:
    """Two entries that agree become the round's confirmed sheet; otherwise nothing counts."""
    if len(entries) < 2:
        PaperBallotSheet.objects.filter(round=round_).delete()
        return
    first, second = entries[0], entries[1]
    if first.figures() != second.figures():
        PaperBallotSheet.objects.filter(round=round_).delete()
        _audit(
            actor,
            "survey.paper.mismatch",
            round_,
            data={
                "first": {"clerk": first.clerk_id, **first.figures()},
                "second": {"clerk": second.clerk_id, **second.figures()},
                "differ": [d[0] for d in paper_differences(inst, first, second)],
            },
        )
        return
    PaperBallotSheet.objects.filter(round=round_).delete()
    sheet = PaperBallotSheet.objects.create(
        round=round_,
        issued=first.issued,
        returned=first.returned,
        void=first.void,
        valid=first.valid,
        status=PaperStatus.CONFIRMED,
        entered_by_id=first.clerk_id,
        entered_at=first.entered_at,
        confirmed_by_id=second.clerk_id,
        confirmed_at=timezone.now(),
    )
    _write_counts(sheet, first.counts)
    _audit(
        actor,
        "survey.paper.agree",
        round_,
        data={"clerks": [first.clerk_id, second.clerk_id], **_paper_figures(sheet)},
    )


@transaction.atomic
def enter_paper_ballots(
    *,
    actor,
    round_: SurveyRound,
    issued: int,
    returned: int,
    void: int,
    valid: int,
    counts: dict,
    reason: str = "",
) -> PaperEntry:
    """A clerk enters his own count of the round's paper ballots (blind double entry).

    The first entry waits for a second clerk, who counts and types every figure without seeing
    the first (the page shows a clerk only his own entry). When both agree, the figures become
    the round's confirmed sheet and count; when they differ, both clerks are shown where, and
    nothing counts until one of them corrects his entry (with a reason) and they agree. The
    audit event of an entry carries a digest, not the figures, so that nobody can read the
    first count from the trail before the second is in; the agreement or mismatch event
    carries both."""
    round_ = _lock_round(round_)
    _require(actor, round_, "paper")
    if round_.status != RoundStatus.OPEN:
        raise TransitionError("只有进行中的测评可以录入纸质票。")
    inst = get_instrument(_template_data(round_.campaign), round_.instrument)
    clean = _check_paper(
        inst, issued=issued, returned=returned, void=void, valid=valid, counts=counts
    )
    entries = list(PaperEntry.objects.select_for_update().filter(round=round_).order_by("pk"))
    mine = next((e for e in entries if e.clerk_id == actor.pk), None)
    figures = {"issued": issued, "returned": returned, "void": void, "valid": valid}
    if mine is None:
        if len(entries) >= 2:
            raise DomainError(
                "本轮纸质票已由两位同志分别录入；如不一致，请由这两位同志重新清点后各自更正。"
            )
        mine = PaperEntry.objects.create(
            round=round_, clerk=actor, counts=clean, entered_at=timezone.now(), **figures
        )
        entries.append(mine)
        _audit(
            actor,
            "survey.paper.enter",
            round_,
            data={"entry": len(entries), "digest": _digest(mine.figures())},
        )
    else:
        if not (reason or "").strip():
            raise DomainError("更正自己录入的纸质票须写明理由。")
        before = _digest(mine.figures())
        for key, value in figures.items():
            setattr(mine, key, value)
        mine.counts, mine.entered_at = clean, timezone.now()
        mine.save()
        _audit(
            actor,
            "survey.paper.correct",
            round_,
            reason=reason.strip(),
            data={"before": before, "after": _digest(mine.figures())},
        )
    _reconcile_paper(actor, round_, inst, entries)
    return mine


def correct_paper_ballots(*, actor, round_: SurveyRound, reason: str, **figures) -> PaperEntry:
    """A clerk corrects his own entry: the same as entering again, with a required reason."""
    return enter_paper_ballots(actor=actor, round_=round_, reason=reason, **figures)


def confirm_paper_ballots(*, actor, sheet=None, round_=None):
    """There is no "confirm" any more: a second clerk confirms by counting himself."""
    raise DomainError(
        "纸质票须由第二位同志独立清点并录入全部票数，两次录入一致后才计入结果；不能只点确认。"
    )
