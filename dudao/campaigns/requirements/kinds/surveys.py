"""Surveys, through the port the surveys app fills: a threshold met, or a survey held."""

from __future__ import annotations

from ..engine import Context, Results, Unit, counted_members, make, register_kind
from ..ports import STATUS_LABELS as SURVEY_STATUS_LABELS
from ..ports import survey_source
from ..types import Evidence, Shortfall
from .common import _pids


def _survey(ctx: Context, req: dict, phase: str, units: list[Unit], *, decide: bool) -> Results:
    code = req["params"]["instrument"]
    instrument = ctx.instrument(code)
    source = survey_source()
    pids = _pids(units)
    out: Results = {}
    if instrument.get("subject") == "member":
        outcomes = source.member_outcomes(
            campaign_id=ctx.campaign.pk, instrument=code, participation_ids=pids
        )
        counted, exempted = counted_members(ctx, req, phase, units)
        for unit in units:
            pid = unit.participation_id
            per_person = outcomes.get(pid, {})
            failing, waiting = [], []
            for m in counted[pid]:
                o = per_person.get(m.id)
                if o is None or o.status in ("open", "not_held", "too_few"):
                    status = o.status if o else "not_held"
                    waiting.append(Shortfall(m.id, m.name, SURVEY_STATUS_LABELS[status], "已测评"))
                elif o.status == "failed" and decide:
                    failing.append(
                        Shortfall(m.id, m.name, o.detail or "未达到", "达到", "需重新撰写")
                    )
            status = "failed" if failing else ("pending" if waiting else "passed")
            out[pid] = make(
                req,
                status,
                f"应测评 {len(counted[pid])} 人，未达到 {len(failing)} 人，待测评 {len(waiting)} 人",
                shortfalls=failing + waiting,
            )
        return out
    outcomes = source.unit_outcomes(
        campaign_id=ctx.campaign.pk, instrument=code, participation_ids=pids
    )
    for unit in units:
        pid = unit.participation_id
        o = outcomes.get(pid)
        name = instrument.get("name", code)
        if o is None or o.status in ("not_held", "open", "too_few"):
            label = SURVEY_STATUS_LABELS[o.status if o else "not_held"]
            out[pid] = make(
                req,
                "pending",
                f"{name}：{label}",
                shortfalls=[Shortfall(pid, name, label, "已测评")],
            )
            continue
        if decide:
            status = "passed" if o.status == "passed" else "failed"
        else:
            status = "passed"  # survey_held only reports: held and closed is enough
        round_text = f"（第 {o.round_number} 轮）" if o.round_number > 1 else ""
        out[pid] = make(
            req,
            status,
            f"{name}{round_text}：{SURVEY_STATUS_LABELS[o.status]}。{o.detail}".rstrip("。"),
            evidence=[Evidence(f"{name}{round_text}，有效答卷 {o.answers} 份", None, url=o.url)],
            shortfalls=[] if status == "passed" else [Shortfall(pid, name, o.detail, "达到阈值")],
        )
    return out


@register_kind("survey_threshold")
def survey_threshold(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 004: "群众满意度不到三分之二的，要进行补课" (the rule and threshold are the
    instrument's, in the template)."""
    return _survey(ctx, req, phase, units, decide=True)


@register_kind("survey_held")
def survey_held(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    return _survey(ctx, req, phase, units, decide=False)
