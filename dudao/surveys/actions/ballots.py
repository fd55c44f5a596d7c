"""Answering (anonymous): looking a code up and counting one ballot for it. No actor, no audit
event, no log line and nothing with a time (DESIGN.md "Anonymity", docs/anonymity.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignTemplate, Participation
from dudao.orgs.models import Person

from .. import atrest
from .. import codes as code_rules
from ..instruments import get_instrument
from ..models import RoundStatus, SealedBallot, SurveyCode, SurveyRound, Tally


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
