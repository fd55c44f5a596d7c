"""The cross-checks of validation: references, header, archive, reports, batches, documents,
instruments, phases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, ValidationError

from ..report_tallies import REFERENCE_SECTIONS, tally_keys
from .base import CODE_PATTERN, Coded, Strict, TemplateError
from .requirements import _REFERENCES, REQUIREMENT_KINDS
from .sections import ReportsSpec
from .template import (
    BatchSpec,
    Checklist,
    DocumentKind,
    PhaseHead,
    Requirement,
    SurveyInstrument,
    TemplateHead,
)
from .translation import _duplicates, _parse


class _References(BaseModel):
    """The parts of the header other sections refer to, read leniently when the header as a
    whole failed, so that references into them can still be checked in the same pass."""

    model_config = ConfigDict(extra="ignore", strict=True)
    session_kinds: list[Coded] = []
    meeting_kinds: list[Coded] = []
    checklists: dict[str, Checklist] = {}


def _references_only(data: dict) -> _References | None:
    try:
        return _References.model_validate(data)
    except ValidationError:
        return None


@dataclass
class _Context:
    head: TemplateHead | _References | None
    docs: dict[int, DocumentKind]
    instruments: dict[int, SurveyInstrument]
    phases: dict[int, PhaseHead]
    phases_listed: int = 0
    doc_by_code: dict = field(init=False)
    instrument_by_code: dict = field(init=False)
    unparsed: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.doc_by_code = {d.code: d for d in self.docs.values()}
        self.instrument_by_code = {s.code: s for s in self.instruments.values()}
        head = self.head
        self.session_kinds = {k.code for k in head.session_kinds} if head else set()
        self.meeting_kinds = {k.code for k in head.meeting_kinds} if head else set()
        self.checklists = set(head.checklists) if head else set()
        # Without even the lenient header (``_References``) references into it are not
        # checked: the header's own errors say what is wrong.
        self.header_ok = head is not None

    def known(self, section: str) -> set[str] | None:
        if section == "document_kinds":
            return set(self.doc_by_code)
        if section == "survey_instruments":
            return set(self.instrument_by_code)
        if not self.header_ok:
            return None
        if section == "session_kinds":
            return self.session_kinds
        # A party lecture or report meeting is recorded as a study session kind, so a meeting
        # requirement may name one.
        return self.meeting_kinds | self.session_kinds


def _check_ref(ctx: _Context, param: str, value, path: str, errors: list[TemplateError]) -> None:
    section, label = _REFERENCES[param]
    known = ctx.known(section)
    if value is None or known is None or value in known:
        return
    if value in ctx.unparsed.get(section, ()):
        return
    listed = "、".join(sorted(known)) or "（无）"
    errors.append(
        TemplateError(path, f"{label}“{value}”未在 {section} 中定义；已定义的有：{listed}")
    )


def _check_header(head: TemplateHead | None, errors: list[TemplateError]) -> None:
    if head is None:
        return
    _duplicates([b.number for b in head.batches], "批次序号", "batches", errors, "number")
    numbers = [b.number for b in head.batches]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        errors.append(
            TemplateError("batches", f"批次序号应为 1、2、3 … 连续编号，实际为 {numbers}")
        )
    _duplicates([k.code for k in head.session_kinds], "学习形式编码", "session_kinds", errors)
    _duplicates([k.code for k in head.meeting_kinds], "会议类型编码", "meeting_kinds", errors)
    names = [("names", head.names), ("names.leading_group", head.names.leading_group)]
    names.append(("names.office", head.names.office))
    for path, name in names:
        if name is not None and name.short in name.forbidden_short:
            errors.append(TemplateError(f"{path}.short", f"简称“{name.short}”在禁用简称之列"))
    for key, checklist in head.checklists.items():
        if not _is_code(key):
            errors.append(
                TemplateError(
                    f"checklists.{key}",
                    "清单编码只能用小写字母、数字、下划线和连字符，且以字母开头",
                )
            )
        _duplicates(
            [item.code for item in checklist.items], "清单项编码", f"checklists.{key}.items", errors
        )


def _check_archive(head: TemplateHead | None, ctx, errors: list[TemplateError]) -> None:
    """Every archive line names a phase, document kind and instrument the template defines."""
    if head is None or head.archive is None:
        return
    _duplicates([i.code for i in head.archive.items], "档案项编码", "archive.items", errors)
    phases = {p.code for p in ctx.phases.values()}
    docs = set(ctx.doc_by_code)
    instruments = {s.code for s in ctx.instruments.values()}
    for n, item in enumerate(head.archive.items):
        where = f"archive.items[{n}]"
        if item.phase and item.phase not in phases:
            errors.append(TemplateError(f"{where}.phase", f"未定义的阶段“{item.phase}”"))
        if item.document_kind and item.document_kind not in docs:
            errors.append(
                TemplateError(f"{where}.document_kind", f"未定义的文书种类“{item.document_kind}”")
            )
        if item.instrument and item.instrument not in instruments:
            errors.append(TemplateError(f"{where}.instrument", f"未定义的测评“{item.instrument}”"))


def _check_reports(ctx: _Context, reports: ReportsSpec | None, errors) -> None:
    """Every tally key is registered, every parameter is one the tally takes, every code a
    parameter names is defined; figure codes are unique."""
    if reports is None:
        return
    known = tally_keys()
    codes = []
    for i, tally in enumerate(reports.tallies):
        path = f"reports.tallies[{i}]"
        codes.append(tally.code or tally.key)
        spec = known.get(tally.key)
        if spec is None:
            listed = "、".join(sorted(known)) or "（无）"
            errors.append(
                TemplateError(f"{path}.key", f"未知的统计项“{tally.key}”；可用的统计项：{listed}")
            )
            continue
        for name, values in tally.params.items():
            param = spec.params.get(name)
            if param is None:
                allowed = "、".join(spec.params) or "（无参数）"
                errors.append(
                    TemplateError(
                        f"{path}.params.{name}",
                        f"统计项“{tally.key}”没有参数“{name}”；可用的参数：{allowed}",
                    )
                )
                continue
            for j, value in enumerate(values):
                where = f"{path}.params.{name}[{j}]"
                if param.refers:
                    section, label = REFERENCE_SECTIONS[param.refers]
                    # Meeting kinds include the session kinds (ctx.known): a lecture may be
                    # entered as either.
                    defined = ctx.known(section)
                    if defined is not None and value not in defined:
                        listed = "、".join(sorted(defined)) or "（无）"
                        errors.append(
                            TemplateError(
                                where,
                                f"{label}“{value}”未在 {section} 中定义；已定义的有：{listed}",
                            )
                        )
                elif value not in param.choices:
                    listed = "、".join(f"{k}（{v}）" for k, v in param.choices.items())
                    errors.append(TemplateError(where, f"“{value}”不是可选的值；可选：{listed}"))
    _duplicates(codes, "统计项编码", "reports.tallies", errors, "code")


def _lenient(model, raws: list) -> list:
    """The items that parse, for checks that need them when their section has errors."""
    out = []
    for raw in raws:
        item = _parse(model, raw, (), [])
        if item is not None:
            out.append(item)
    return out


def _check_batch_durations(batches: list[BatchSpec], raw_phases: list, errors) -> None:
    """Per-batch phase lengths name phases that exist; a phase without ``duration_days`` gets
    its length from every batch (``phase_durations`` or the batch's window ``end_date``)."""
    codes = [p.get("code") for p in raw_phases if isinstance(p, dict)]
    for b, batch in enumerate(batches):
        for code in batch.phase_durations:
            if code not in codes:
                errors.append(
                    TemplateError(
                        f"batches[{b}].phase_durations.{code}",
                        f"阶段“{code}”未在 phases 中定义；已定义的有：{'、'.join(map(str, codes))}",
                    )
                )
    for i, phase in enumerate(raw_phases):
        if not isinstance(phase, dict) or phase.get("duration_days") is not None:
            continue
        code = phase.get("code")
        lacking = [b.name for b in batches if code not in b.phase_durations and b.end_date is None]
        if not batches or len(lacking) == len(batches):
            errors.append(TemplateError(f"phases[{i}].duration_days", "缺少必填字段"))
        elif lacking:
            errors.append(
                TemplateError(
                    f"phases[{i}].duration_days",
                    f"缺少必填字段：{'、'.join(lacking)}没有为本阶段规定时间（batches 的 "
                    "phase_durations 或 end_date），本阶段须写 duration_days",
                )
            )


def _is_code(value: str) -> bool:
    return re.fullmatch(CODE_PATTERN, value) is not None


def _check_documents(ctx: _Context, errors: list[TemplateError]) -> None:
    _duplicates({i: d.code for i, d in ctx.docs.items()}, "文书种类编码", "document_kinds", errors)
    for i, doc in ctx.docs.items():
        if doc.checklist and ctx.header_ok and doc.checklist not in ctx.checklists:
            listed = "、".join(sorted(ctx.checklists)) or "（无）"
            errors.append(
                TemplateError(
                    f"document_kinds[{i}].checklist",
                    f"审核清单“{doc.checklist}”未在 checklists 中定义；已定义的有：{listed}",
                )
            )


def _check_instruments(ctx: _Context, errors: list[TemplateError]) -> None:
    _duplicates(
        {i: s.code for i, s in ctx.instruments.items()}, "测评编码", "survey_instruments", errors
    )
    for i, inst in ctx.instruments.items():
        path = f"survey_instruments[{i}]"
        _duplicates([q.code for q in inst.questions], "题目编码", f"{path}.questions", errors)
        for j, q in enumerate(inst.questions):
            _duplicates(q.options, "选项", f"{path}.questions[{j}].options", errors, None)
            bad = [o for o in q.satisfied if o not in q.options]
            if bad:
                errors.append(
                    TemplateError(
                        f"{path}.questions[{j}].satisfied",
                        f"选项 {'、'.join(bad)} 不在本题的 options 中",
                    )
                )
        rule = inst.rule
        by_code = {q.code: q for q in inst.questions}
        missing = [c for c in rule.questions if c not in by_code]
        if missing:
            errors.append(
                TemplateError(f"{path}.rule.questions", f"题目 {'、'.join(missing)} 未定义")
            )
        counted = [by_code[c] for c in rule.questions if c in by_code] or list(inst.questions)
        if rule.kind == "report_only":
            if rule.threshold is not None:
                errors.append(
                    TemplateError(f"{path}.rule.threshold", "只报告结果的测评不设阈值，请删去")
                )
        elif rule.threshold is None:
            errors.append(TemplateError(f"{path}.rule.threshold", '缺少必填字段（如 "2/3"）'))
        if rule.kind == "satisfied_share_at_least":
            unsaid = [q.code for q in counted if not q.satisfied]
            if unsaid:
                errors.append(
                    TemplateError(
                        f"{path}.rule",
                        f"满意率规则计入的题目 {'、'.join(unsaid)} 须写明 satisfied（哪些选项算满意）",
                    )
                )
        if rule.kind == "remedial_when_share_above":
            if not rule.options:
                errors.append(
                    TemplateError(
                        f"{path}.rule.options",
                        "“超过比例则补课”规则须列出计入的选项（如 一般化、走过场）",
                    )
                )
            bad = [o for o in rule.options if not any(o in q.options for q in counted)]
            if bad:
                errors.append(
                    TemplateError(
                        f"{path}.rule.options", f"选项 {'、'.join(bad)} 不在计入题目的 options 中"
                    )
                )
        elif rule.options:
            errors.append(
                TemplateError(
                    f"{path}.rule.options", "只有 remedial_when_share_above 规则使用 options"
                )
            )
        if inst.on_fail is not None:
            if inst.on_fail.action == "rewrite_document" and inst.on_fail.document_kind is None:
                errors.append(
                    TemplateError(f"{path}.on_fail.document_kind", "重写文书须写明 document_kind")
                )
            _check_ref(
                ctx,
                "document_kind",
                inst.on_fail.document_kind,
                f"{path}.on_fail.document_kind",
                errors,
            )
        if inst.audience is not None and inst.subject != "member":
            errors.append(
                TemplateError(
                    f"{path}.audience", "只有测评对象为党员（subject: member）时才设 audience"
                )
            )


def _check_phases(
    ctx: _Context,
    requirements: dict[tuple[int, int, int], tuple[Requirement, Strict | None]],
    errors: list[TemplateError],
) -> None:
    phases = ctx.phases
    _duplicates({i: p.code for i, p in phases.items()}, "阶段编码", "phases", errors)
    orders = [p.order for p in phases.values()]
    # Order is checked only when every phase parsed; otherwise a broken phase shifts the numbers.
    if len(phases) == ctx.phases_listed and orders != list(range(1, len(orders) + 1)):
        errors.append(
            TemplateError("phases", f"阶段应按顺序排列，order 依次为 1、2、3 …，实际为 {orders}")
        )
    kinds = [p.kind for p in phases.values()]
    if "consolidation" in kinds and "phase" in kinds[kinds.index("consolidation") :]:
        errors.append(TemplateError("phases", "巩固阶段（kind: consolidation）应排在各阶段之后"))

    step_codes: list[str] = []
    step_paths: list[str] = []
    for i, phase in phases.items():
        for k, step in enumerate(phase.steps):
            step_codes.append(step.code)
            step_paths.append(f"phases[{i}].steps[{k}]")
        own = {
            m: ctx.measures[(i, m)] for m in range(len(phase.measures)) if (i, m) in ctx.measures
        }
        _duplicates(
            {m: x.code for m, x in own.items()}, "措施编码", f"phases[{i}].measures", errors
        )
        for m, measure in own.items():
            for k, step in enumerate(measure.steps):
                step_codes.append(step.code)
                step_paths.append(f"phases[{i}].measures[{m}].steps[{k}]")
        _check_ref(
            ctx,
            "document_kind",
            phase.transition.summary_document,
            f"phases[{i}].transition.summary_document",
            errors,
        )
        _check_ref(
            ctx,
            "meeting_kind",
            phase.transition.meeting_kind,
            f"phases[{i}].transition.meeting_kind",
            errors,
        )
    seen: dict[str, str] = {}
    for code, path in zip(step_codes, step_paths, strict=True):
        if code in seen:
            errors.append(TemplateError(f"{path}.code", f"环节编码“{code}”与 {seen[code]} 重复"))
        seen.setdefault(code, path)

    req_seen: dict[str, str] = {}
    for (i, m, j), (req, params) in sorted(requirements.items()):
        if m < 0:
            path = f"phases[{i}].requirements[{j}]"
            owner = phases.get(i)
            where = "本阶段"
        else:
            path = f"phases[{i}].measures[{m}].requirements[{j}]"
            owner = ctx.measures.get((i, m))
            where = "本措施"
        if req.code in req_seen:
            errors.append(
                TemplateError(f"{path}.code", f"要求编码“{req.code}”与 {req_seen[req.code]} 重复")
            )
        req_seen.setdefault(req.code, path)
        if owner is not None and req.step is not None:
            steps = {s.code: s.name for s in owner.steps}
            if req.step not in steps:
                listed = "、".join(f"{c}（{n}）" for c, n in steps.items()) or "（无）"
                errors.append(
                    TemplateError(
                        f"{path}.step",
                        f"环节“{req.step}”不是{where}的环节；{where}的环节有：{listed}",
                    )
                )
        overlap = set(req.applies_to.exclude_categories) & set(req.applies_to.exemptable_categories)
        if overlap:
            errors.append(
                TemplateError(
                    f"{path}.applies_to",
                    f"类别 {'、'.join(sorted(overlap))} 不能既不计入又可登记免除",
                )
            )
        spec = REQUIREMENT_KINDS.get(req.kind)
        if spec is not None and req.scope not in spec.scopes:
            errors.append(
                TemplateError(
                    f"{path}.scope",
                    f"要求类型 {req.kind} 的 scope 只能取 {'、'.join(spec.scopes)}，实际为 '{req.scope}'",
                )
            )
        if params is None:
            continue
        for name in _REFERENCES:
            if hasattr(params, name):
                _check_ref(ctx, name, getattr(params, name), f"{path}.params.{name}", errors)
        for name in ("except_kinds", "counted_kinds"):
            for k, value in enumerate(getattr(params, name, None) or []):
                _check_ref(ctx, "session_kind", value, f"{path}.params.{name}[{k}]", errors)
        if req.kind == "survey_threshold":
            inst = ctx.instrument_by_code.get(params.instrument)
            if inst is not None and inst.rule.kind == "report_only":
                errors.append(
                    TemplateError(
                        f"{path}.kind",
                        f"测评“{inst.code}”只报告结果、没有阈值，请用 survey_held",
                    )
                )
        if req.kind == "review_rounds_min" and params.min_rounds is not None:
            doc = ctx.doc_by_code.get(params.document_kind)
            if doc is not None and doc.min_review_rounds != params.min_rounds:
                errors.append(
                    TemplateError(
                        f"{path}.params.min_rounds",
                        f"与文书种类“{doc.code}”的 min_review_rounds（{doc.min_review_rounds}）"
                        f"不一致，实际为 {params.min_rounds}：删去本参数或改为一致",
                    )
                )
