"""Instruments are template data (``survey_instruments`` of the campaign's template). This module
reads them and turns counts into a decision with the template schema's ``survey_rule_passes``;
code knows rule kinds, templates choose the questions, options and thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dudao.campaigns.requirements.ports import SurveyOutcome
from dudao.campaigns.template_schema import parse_fraction, survey_rule_passes
from dudao.core.errors import DomainError

RUNNER_LABELS = {
    "office": "活动办公室",
    "group": "督导组",
    "higher_organisation": "上级党组织（由活动办公室、督导组组织）",
    "unit": "本单位",
    "branch": "党支部（由本单位组织）",
}


def instruments_of(template_data: dict) -> list[dict]:
    return list(template_data.get("survey_instruments") or [])


def get_instrument(template_data: dict, code: str) -> dict:
    for inst in instruments_of(template_data):
        if inst["code"] == code:
            return inst
    known = "、".join(i["code"] for i in instruments_of(template_data)) or "（无）"
    raise DomainError(f"活动模板中没有编码为“{code}”的测评；模板中的测评有：{known}")


def counted_questions(inst: dict) -> list[dict]:
    """The questions the rule judges (rule.questions; empty = all)."""
    wanted = (inst.get("rule") or {}).get("questions") or []
    questions = inst["questions"]
    return [q for q in questions if q["code"] in wanted] if wanted else list(questions)


def _pct(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}%"


@dataclass(frozen=True)
class QuestionResult:
    code: str
    text: str
    counts: list[tuple[str, int]]  # (option, count) in template order
    total: int
    counted: int
    share: Fraction | None
    passes: bool


def question_results(inst: dict, counts: dict[str, dict[str, int]]) -> list[QuestionResult]:
    rule = inst["rule"]
    judged = {q["code"] for q in counted_questions(inst)}
    out = []
    for q in inst["questions"]:
        per = counts.get(q["code"], {})
        row = [(opt, int(per.get(opt, 0))) for opt in q["options"]]
        total = sum(n for _o, n in row)
        if rule["kind"] == "satisfied_share_at_least":
            chosen = set(q.get("satisfied") or [])
        elif rule["kind"] == "remedial_when_share_above":
            chosen = set(rule.get("options") or [])
        else:
            chosen = set()
        counted = sum(n for o, n in row if o in chosen)
        share = Fraction(counted, total) if total and chosen else None
        passes = True
        if q["code"] in judged and total and rule["kind"] != "report_only":
            passes = survey_rule_passes(rule, counted=counted, total=total)
        out.append(QuestionResult(q["code"], q["text"], row, total, counted, share, passes))
    return out


def decide(
    inst: dict, counts: dict[str, dict[str, int]], *, round_number: int = 1, url: str = ""
) -> SurveyOutcome:
    """The decision of a closed round from its counts (online tallies plus confirmed paper).

    ``answers`` is the number of ballots: every ballot answers every question, so it is the
    total of the first judged question. Below ``min_group_size`` the outcome is ``too_few`` and
    carries no share (nothing that would let anyone infer an answer)."""
    judged = counted_questions(inst)
    results = {r.code: r for r in question_results(inst, counts)}
    answers = max((results[q["code"]].total for q in judged), default=0)
    if answers < int(inst["min_group_size"]):
        return SurveyOutcome(
            status="too_few",
            answers=answers,
            round_number=round_number,
            detail=f"有效答卷 {answers} 份，少于 {inst['min_group_size']} 份，结果不予显示",
            url=url,
        )
    rule = inst["rule"]
    if rule["kind"] == "report_only":
        return SurveyOutcome(
            status="passed",
            answers=answers,
            round_number=round_number,
            detail=f"有效答卷 {answers} 份（只报告结果，不作判定）",
            url=url,
        )
    threshold = parse_fraction(rule["threshold"])
    judged_results = [results[q["code"]] for q in judged]
    failing = [r for r in judged_results if not r.passes]
    if rule["kind"] == "satisfied_share_at_least":
        # The share shown is the one that decides: the lowest satisfied share.
        worst = min(judged_results, key=lambda r: r.share or 0)
        label = "满意"
        compare = "不低于" if not failing else "低于"
    else:
        worst = max(judged_results, key=lambda r: r.share or 0)
        label = "、".join(rule.get("options") or [])
        compare = "未超过" if not failing else "超过"
    share = worst.share if worst.share is not None else Fraction(0)
    where = f"（{worst.text}）" if len(judged_results) > 1 else ""
    detail = f"{label}{where} {worst.counted}/{worst.total} = {_pct(share)}，{compare} {threshold}"
    return SurveyOutcome(
        status="failed" if failing else "passed",
        answers=answers,
        share=share,
        round_number=round_number,
        detail=detail,
        url=url,
    )
