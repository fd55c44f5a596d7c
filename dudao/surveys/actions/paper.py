"""Paper ballots: blind double entry by two clerks; when both agree the figures become the
round's confirmed sheet."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import DomainError, TransitionError

from ..instruments import get_instrument
from ..models import PaperBallotSheet, PaperCount, PaperEntry, PaperStatus, RoundStatus, SurveyRound
from ..selectors import paper_differences
from ._common import _audit, _lock_round, _require, _template_data


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
