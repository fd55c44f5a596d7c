"""What a validated template will look like as a campaign: the office's preview before loading.

Everything is read from the clean data (``validate_template_*``), so the preview shows exactly
what would be stored: stages with their steps or parallel measures, each requirement with its
kind and parameters, documents, survey instruments, batches and the campaign's terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .template_schema import REQUIREMENT_KINDS
from .terms import TERM_SPECS, terms_from_data

SCOPE_LABELS = {
    "per_member": "每名党员",
    "per_person": "每人",
    "per_leadership_team": "领导班子",
    "per_branch": "每个支部",
    "per_unit": "本单位",
}
PARTY_LABELS = {
    "unit": "单位",
    "member": "党员",
    "leadership_member": "班子成员",
    "branch": "支部",
    "group": "督导组",
    "office": "活动办公室",
    "higher_organisation": "上级组织",
}
RULE_LABELS = {
    "satisfied_share_at_least": "满意率不低于",
    "remedial_when_share_above": "超过比例则补课",
    "report_only": "只报告结果",
}
PARAM_LABELS = {
    "min_hours": "最少学时",
    "counted_kinds": "计入的学习形式",
    "session_kind": "学习形式",
    "min_days": "最少天数",
    "except_kinds": "除外的学习形式",
    "document_kind": "文书种类",
    "min_count": "最少数量",
    "meeting_kind": "会议类型",
    "speaker_role": "主讲人",
    "share": "比例",
    "instrument": "测评",
    "min_rounds": "最少轮（稿）数",
    "min_topics": "每人最少课题数",
    "min_items": "最少条目数",
    "done_share": "整改完成比例",
    "areas": "整治领域",
    "done_status": "应达到状态",
}


@dataclass
class ReqView:
    code: str
    name: str
    kind: str
    kind_label: str
    params: list[tuple[str, str]]
    scope: str
    blocking: bool
    source: str


@dataclass
class StepView:
    code: str
    name: str
    requirements: list[ReqView] = field(default_factory=list)


@dataclass
class MeasureView:
    code: str
    name: str
    steps: list[StepView]
    other: list[ReqView] = field(default_factory=list)


@dataclass
class StageView:
    code: str
    name: str
    order: int
    consolidation: bool
    duration: str
    steps: list[StepView]
    measures: list[MeasureView]
    other: list[ReqView]
    transition: str


def _names(data: dict) -> dict[str, dict[str, str]]:
    out = {}
    for section in ("session_kinds", "meeting_kinds", "document_kinds", "survey_instruments"):
        out[section] = {x["code"]: x["name"] for x in data.get(section, [])}
    return out


def _param_text(key: str, value, names: dict) -> str:
    lookup = {
        "session_kind": "session_kinds",
        "meeting_kind": "meeting_kinds",
        "document_kind": "document_kinds",
        "instrument": "survey_instruments",
    }
    if key in lookup:
        section = names[lookup[key]]
        return section.get(value) or names["session_kinds"].get(value, str(value))
    if key in ("counted_kinds", "except_kinds"):
        return "、".join(names["session_kinds"].get(v, v) for v in value) or "全部"
    if key == "areas":
        return "；".join(a["name"] for a in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _req(req: dict, names: dict) -> ReqView:
    params = [
        (PARAM_LABELS.get(k, k), _param_text(k, v, names))
        for k, v in req.get("params", {}).items()
        if v not in (None, [], "")
    ]
    kind = REQUIREMENT_KINDS.get(req["kind"])
    return ReqView(
        code=req["code"],
        name=req["name"],
        kind=req["kind"],
        kind_label=kind.label if kind else req["kind"],
        params=params,
        scope=SCOPE_LABELS.get(req.get("scope", "per_unit"), req.get("scope", "")),
        blocking=req.get("blocking", True),
        source=req.get("source", ""),
    )


def _steps(steps: list[dict], reqs: list[ReqView], step_of: dict) -> tuple[list, list]:
    views = [StepView(s["code"], s["name"]) for s in steps]
    by_code = {v.code: v for v in views}
    other = []
    for r in reqs:
        target = by_code.get(step_of.get(r.code))
        (target.requirements if target else other).append(r)
    return views, other


def preview(data: dict) -> dict:
    names = _names(data)
    stages = []
    for phase in sorted(data.get("phases", []), key=lambda p: p.get("order", 0)):
        reqs = {r["code"]: r for r in phase.get("requirements", [])}
        step_of = {code: r.get("step") for code, r in reqs.items()}
        own_steps = [s for s in phase.get("steps", []) if not s.get("measure")]
        own_reqs = [_req(r, names) for r in reqs.values() if not r.get("measure")]
        steps, other = _steps(own_steps, own_reqs, step_of)
        measures = []
        for m in phase.get("measures", []):
            m_reqs = [_req(reqs[c], names) for c in m.get("requirements", []) if c in reqs]
            m_steps, m_other = _steps(m.get("steps", []), m_reqs, step_of)
            measures.append(MeasureView(m["code"], m["name"], m_steps, m_other))
        duration = f"{phase['duration_days']} 天" if phase.get("duration_days") else "按批次时间"
        t = phase.get("transition") or {}
        parts = []
        if t.get("summary_document"):
            parts.append(f"提交{names['document_kinds'].get(t['summary_document'], '')}")
        if t.get("meeting_kind"):
            parts.append(f"批准后召开{names['meeting_kinds'].get(t['meeting_kind'], '')}")
        parts.append("结束参加活动" if t.get("ends_participation") else "进入下一阶段")
        stages.append(
            StageView(
                code=phase["code"],
                name=phase["name"],
                order=phase.get("order", 0),
                consolidation=phase.get("kind") == "consolidation",
                duration=duration,
                steps=steps,
                measures=measures,
                other=other,
                transition="，".join(parts),
            )
        )
    given = data.get("terms") or {}
    terms = [
        {"key": k, "what": what, "value": given.get(k) or default, "default": not given.get(k)}
        for k, (default, what) in TERM_SPECS.items()
    ]
    phase_names = {p["code"]: p["name"] for p in data.get("phases", [])}
    batches = []
    for b in data.get("batches", []):
        window = ""
        if b.get("start_date") or b.get("end_date"):
            window = f"{b.get('start_date') or '…'} 至 {b.get('end_date') or '…'}"
        lengths = "；".join(
            f"{phase_names.get(c, c)} {d} 天" for c, d in (b.get("phase_durations") or {}).items()
        )
        batches.append({**b, "window": window, "lengths": lengths})
    words = terms_from_data(data)
    parties = {**PARTY_LABELS, "group": words["group"], "office": words["office"]}
    documents = [
        {
            **d,
            "submitted": parties.get(d["submitted_by"], d["submitted_by"]),
            "reviewed": parties.get(d["reviewed_by"], d["reviewed_by"]),
        }
        for d in data.get("document_kinds", [])
    ]
    instruments = []
    for s in data.get("survey_instruments", []):
        rule = s.get("rule", {})
        text = RULE_LABELS.get(rule.get("kind"), rule.get("kind", ""))
        if rule.get("threshold"):
            text += f" {rule['threshold']}"
        instruments.append({**s, "rule_text": text, "n_questions": len(s.get("questions", []))})
    return {
        "data": data,
        "stages": stages,
        "parallel": any(s.measures for s in stages),
        "terms": terms,
        "batches": batches,
        "documents": documents,
        "instruments": instruments,
        "display": data.get("display") or {},
        "names": data.get("names") or {},
        "n_requirements": sum(len(p.get("requirements", [])) for p in data.get("phases", [])),
    }
