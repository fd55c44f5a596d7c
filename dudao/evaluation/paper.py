"""Paper ballots of 民主评议党员, entered twice, blind — the way the surveys' paper ballots are
(``surveys.actions.enter_paper_ballots``, docs/anonymity.md).

Two different clerks of the branch or the unit each count the paper ballots and type every
figure: the number of valid ballots and, for each member, the votes per grade. The page shows
a clerk only his own entry, and the audit event of an entry carries a digest of the figures,
not the figures, so the second clerk cannot copy the first. When both entries are in:

- they agree: the figures become the ballot's ``PaperGradeCount`` rows and count with the
  online votes (``Ballot.paper_votes``);
- they differ: nothing counts, both clerks are shown where they differ (member, grade, the
  two figures), and one of them corrects his entry — with a reason, audited — until they
  agree. The ballot cannot be closed while an entry waits for its second or the two differ.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import DomainError

from . import rules
from .access import ballot_permits
from .actions import _audit, _grade_codes, _lock_ballot, _template
from .models import Ballot, PaperGradeCount, PaperGradeEntry


def _key(person_id: int, grade: str) -> str:
    return f"{person_id}:{grade}"


def _clean(template, names: dict[int, str], valid, counts: dict) -> tuple[int, dict[str, int]]:
    """The entry's figures checked: each member's votes add up to the valid ballots."""
    scale = _grade_codes(template)
    try:
        valid = int(valid)
    except (TypeError, ValueError):
        raise DomainError("有效票数应为不小于 0 的整数。") from None
    if valid < 0:
        raise DomainError("有效票数不能为负数。")
    problems, clean = [], {}
    for pk, name in names.items():
        total = 0
        for g in scale:
            n = int(counts.get((pk, g), 0) or 0)
            if n < 0:
                problems.append(f"{name}的“{rules.grade_name(template, g)}”票数不能为负数")
                n = 0
            clean[_key(pk, g)] = n
            total += n
        if total != valid:
            problems.append(f"{name}各等次票数合计 {total}，与有效票数 {valid} 不符")
    if problems:
        raise DomainError("纸质票录入有误：" + "；".join(problems[:10]) + "。请核对后重新录入。")
    return valid, clean


def _digest(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:16]


def differences(ballot: Ballot, first: PaperGradeEntry, second: PaperGradeEntry) -> list[tuple]:
    """[(what, first's figure, second's figure)] wherever the two entries differ."""
    template = _template(ballot.participation)
    out = []
    if first.valid != second.valid:
        out.append(("有效票数", first.valid, second.valid))
    names = dict(ballot.members.values_list("person_id", "person__name"))
    for pk in ballot.members.values_list("person_id", flat=True):
        for g, gname in rules.grades(template):
            key = _key(pk, g)
            a, b = first.counts.get(key, 0), second.counts.get(key, 0)
            if a != b:
                out.append((f"{names[pk]} · {gname}", a, b))
    return out


def paper_state(ballot: Ballot, user) -> dict:
    """What the ballot page shows a clerk: ``status`` none / waiting (one entry) / mismatch /
    agreed, his own entry (``mine``), and only on a mismatch where the two differ. Never the
    other clerk's figures before both are in."""
    entries = list(
        PaperGradeEntry.objects.filter(ballot=ballot).select_related("clerk").order_by("pk")
    )
    mine = next((e for e in entries if e.clerk_id == user.pk), None)
    state = {"entries": entries, "mine": mine, "differences": [], "may_enter": True}
    if not entries:
        state["status"] = "none"
    elif len(entries) == 1:
        state["status"] = "waiting"
    else:
        state["differences"] = differences(ballot, entries[0], entries[1])
        state["status"] = "mismatch" if state["differences"] else "agreed"
        state["may_enter"] = mine is not None
    return state


def _reconcile(actor, ballot: Ballot, entries: list[PaperGradeEntry]) -> None:
    """Two agreeing entries become the counted figures; otherwise nothing counts."""
    PaperGradeCount.objects.filter(ballot=ballot).delete()
    ballot.paper_votes, ballot.paper_entered_by = 0, None
    if len(entries) == 2:
        first, second = entries
        if first.figures() == second.figures():
            PaperGradeCount.objects.bulk_create(
                [
                    PaperGradeCount(
                        ballot=ballot,
                        person_id=int(key.split(":", 1)[0]),
                        grade=key.split(":", 1)[1],
                        count=n,
                    )  # fmt: skip
                    for key, n in sorted(first.counts.items())
                ]
            )
            ballot.paper_votes, ballot.paper_entered_by_id = first.valid, first.clerk_id
            _audit(
                actor, "evaluation.ballot.paper.agree", ballot, ballot.participation,
                data={"clerks": [first.clerk_id, second.clerk_id], "valid": first.valid},
            )  # fmt: skip
        else:
            _audit(
                actor, "evaluation.ballot.paper.mismatch", ballot, ballot.participation,
                data={
                    "first": {"clerk": first.clerk_id, **first.figures()},
                    "second": {"clerk": second.clerk_id, **second.figures()},
                    "differ": [d[0] for d in differences(ballot, first, second)],
                },
            )  # fmt: skip
    ballot.version += 1
    ballot.save(update_fields=["paper_votes", "paper_entered_by", "version"])


@transaction.atomic
def enter_paper_votes(
    *, actor, ballot: Ballot, valid, counts: dict, reason: str = ""
) -> PaperGradeEntry:
    """A clerk enters his own count of the ballot's paper ballots: ``valid`` ballots and
    {(person_id, grade): votes}. A clerk's second call corrects his entry and needs a reason.
    A third clerk is refused once two have entered (module docstring)."""
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("enter_paper")
    template = _template(ballot.participation)
    names = dict(ballot.members.values_list("person_id", "person__name"))
    valid, clean = _clean(template, names, valid, counts)
    entries = list(PaperGradeEntry.objects.select_for_update().filter(ballot=ballot).order_by("pk"))
    mine = next((e for e in entries if e.clerk_id == actor.pk), None)
    if mine is None:
        if len(entries) >= 2:
            raise DomainError(
                "本支部的纸质评议票已由两位同志分别录入；如不一致，请由这两位同志重新清点后各自更正。"
            )
        mine = PaperGradeEntry.objects.create(
            ballot=ballot, clerk=actor, valid=valid, counts=clean, entered_at=timezone.now()
        )
        entries.append(mine)
        _audit(
            actor, "evaluation.ballot.paper.enter", ballot, ballot.participation,
            data={"entry": len(entries), "digest": _digest(mine.figures())},
        )  # fmt: skip
    else:
        if mine.figures() == {"valid": valid, "counts": clean}:
            return mine  # the same figures again (a double submit): nothing changes
        if not (reason or "").strip():
            raise DomainError("更正自己录入的纸质评议票须写明理由。")
        before = _digest(mine.figures())
        mine.valid, mine.counts, mine.entered_at = valid, clean, timezone.now()
        mine.save(update_fields=["valid", "counts", "entered_at"])
        _audit(
            actor, "evaluation.ballot.paper.correct", ballot, ballot.participation,
            reason=reason.strip(), data={"before": before, "after": _digest(mine.figures())},
        )  # fmt: skip
    _reconcile(actor, ballot, entries)
    return mine
