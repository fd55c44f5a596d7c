"""The shape of a campaign template file, and its validation.

Code knows requirement *kinds* (``REQUIREMENT_KINDS``); a template chooses kinds and gives them
parameters. Validation reports every problem of a file at once, each naming the field path and
the reason in Chinese, so whoever writes the next campaign's template can fix it in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CODE_PATTERN = r"^[a-z][a-z0-9_\-]*$"
MEMBER_CATEGORIES = ("serving", "retired", "away", "laid_off")
SPEAKER_ROLES = ("unit_head", "leadership_member", "group_leader", "expert", "any")
SCOPES = ("per_member", "per_unit", "per_leadership_team", "per_person", "per_branch")


@dataclass(frozen=True)
class TemplateError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '（文件）'}：{self.message}"


def parse_fraction(value: Any, *, allow_one: bool = True) -> Fraction:
    """'2/3', '1/2', '1', 0.5 → an exact Fraction in (0, 1]. Raises ValueError in Chinese."""
    if isinstance(value, bool):
        raise ValueError(f'应为分数（如 "2/3"），实际为 {value!r}')
    try:
        frac = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f'应为分数（如 "2/3"），实际为 {value!r}') from None
    if frac <= 0 or frac > 1 or (frac == 1 and not allow_one):
        raise ValueError(f'应在 0 与 1 之间（如 "2/3"），实际为 {value!r}')
    return frac


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Code(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)


# --- requirement parameters, one model per kind ------------------------------------------------


class _Share(Strict):
    share: str = "1"

    @field_validator("share", mode="before")
    @classmethod
    def _fraction(cls, v):
        parse_fraction(v)
        return str(v)


class StudyHoursParams(Strict):
    min_hours: float = Field(gt=0, le=1000)


class SessionKindDaysParams(Strict):
    session_kind: str
    min_days: float = Field(gt=0, le=365)


class SessionMinHoursParams(Strict):
    min_hours: float = Field(gt=0, le=24)
    except_kinds: list[str] = []


class DocumentsPerMemberParams(Strict):
    document_kind: str
    min_count: int = Field(ge=1, le=1000)


class MeetingHeldParams(Strict):
    meeting_kind: str
    speaker_role: Literal[SPEAKER_ROLES] | None = None  # type: ignore[valid-type]
    per_branch: bool = False
    min_count: int = Field(default=1, ge=1)


class TestParticipationParams(_Share):
    pass


class DocumentApprovedParams(Strict):
    document_kind: str


class SurveyThresholdParams(Strict):
    instrument: str


class TalkRoundsParams(Strict):
    min_rounds: int = Field(ge=1, le=100)


class CountParams(Strict):
    min_count: int = Field(ge=1, le=10000)


class ReviewRoundsParams(Strict):
    document_kind: str
    min_rounds: int = Field(ge=1, le=50)


REQUIREMENT_KINDS: dict[str, tuple[str, type[Strict]]] = {
    "study_hours_per_member": ("每名党员最少学习学时", StudyHoursParams),
    "session_kind_days": ("某类学习最少天数", SessionKindDaysParams),
    "session_min_hours": ("每次学习最少学时", SessionMinHoursParams),
    "documents_per_member": ("每名党员最少某类文书篇数", DocumentsPerMemberParams),
    "meeting_held": ("召开某类会议（可指定主讲人）", MeetingHeldParams),
    "test_participation": ("知识检测参加比例", TestParticipationParams),
    "document_approved": ("某类文书经审核通过", DocumentApprovedParams),
    "survey_threshold": ("测评达到阈值", SurveyThresholdParams),
    "talk_rounds": ("谈心谈话最少轮数", TalkRoundsParams),
    "self_found_problems": ("自查问题最少条数", CountParams),
    "criticisms_per_person": ("每人最少批评意见条数", CountParams),
    "review_rounds_min": ("文书最少审核稿数", ReviewRoundsParams),
}


# --- the template ------------------------------------------------------------------------------


class Names(Strict):
    full: str = Field(min_length=1)
    short: str = Field(min_length=1)
    forbidden_short: list[str] = []
    office: str = ""
    office_short: str = ""


class BatchSpec(Strict):
    number: int = Field(ge=1, le=99)
    name: str = Field(min_length=1)
    scope: str = ""
    duration_days: int | None = Field(default=None, ge=1, le=3650)


class MemberCategories(Strict):
    exemptable: list[Literal[MEMBER_CATEGORIES]] = []  # type: ignore[valid-type]


class ChecklistItem(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    text: str = Field(min_length=1)


class Checklist(Strict):
    name: str = Field(min_length=1)
    items: list[ChecklistItem] = Field(min_length=1)


class Publicity(Strict):
    scope: Literal["branch", "unit", "public"]


class Endorsement(Strict):
    by: Literal["branch_meeting", "higher_organisation", "public_commitment", "office"]


class DocumentKind(Code):
    submitted_by: Literal["unit", "member", "branch", "group"]
    reviewed_by: Literal["group", "branch", "office", "unit"]
    then_reported_to: Literal["office"] | None = None
    checklist: str | None = None
    min_review_rounds: int = Field(default=1, ge=0, le=50)
    publicity: Publicity | None = None
    endorsement: Endorsement | None = None
    source: str = ""


class Question(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    text: str = Field(min_length=1)
    options: list[str] = Field(min_length=2)
    satisfied: list[str] = []


class SurveyRule(Strict):
    kind: Literal["satisfied_share_at_least", "remedial_when_share_above"]
    threshold: str
    options: list[str] = []

    @field_validator("threshold", mode="before")
    @classmethod
    def _fraction(cls, v):
        parse_fraction(v)
        return str(v)


class Sampling(Strict):
    by: Literal["group", "office"]
    within: Literal["notified_scope", "unit_members", "public"]


class SurveyInstrument(Code):
    anonymous: bool = True
    min_group_size: int = Field(ge=1, le=1000)
    questions: list[Question] = Field(min_length=1)
    rule: SurveyRule
    sampling: Sampling | None = None
    source: str = ""


class Requirement(Code):
    kind: str
    params: dict[str, Any] = {}
    scope: Literal[SCOPES] = "per_unit"  # type: ignore[valid-type]
    exempt_categories: list[Literal[MEMBER_CATEGORIES]] = []  # type: ignore[valid-type]
    source: str = ""


class Phase(Code):
    order: int = Field(ge=1)
    kind: Literal["phase", "consolidation"] = "phase"
    duration_days: int = Field(ge=1, le=3650)
    extendable: bool = False
    steps: list[Code] = []
    requirements: list[Requirement] = []
    source: str = ""


class Template(Strict):
    code: str = Field(pattern=CODE_PATTERN)
    version: str = Field(min_length=1)
    name: str = Field(min_length=1)
    names: Names
    batches: list[BatchSpec] = Field(min_length=1)
    member_categories: MemberCategories = MemberCategories()
    session_kinds: list[Code] = []
    meeting_kinds: list[Code] = []
    checklists: dict[str, Checklist] = {}
    document_kinds: list[DocumentKind] = []
    survey_instruments: list[SurveyInstrument] = []
    phases: list[Phase] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, v):
        if not isinstance(v, str):
            raise ValueError(f'版本号须写成带引号的文本（如 version: "1"），实际为 {v!r}')
        return v


# --- error translation -------------------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（检查拼写，或删去）",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "string_pattern_mismatch": "编码只能用小写字母、数字、下划线和连字符，且以字母开头",
    "string_too_short": "不能为空",
    "too_short": "至少需要 {min_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "literal_error": "只能取 {expected}",
}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _translate(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        return err["msg"]
    message = template.format(**{k: v for k, v in ctx.items()})
    if kind not in {"missing", "extra_forbidden"} and "input" in err:
        message += f"，实际为 {err['input']!r}"
    return message


def _errors_from(exc: ValidationError, prefix: tuple = ()) -> list[TemplateError]:
    return [TemplateError(_path(prefix + tuple(e["loc"])), _translate(e)) for e in exc.errors()]


def _duplicates(items: list, what: str, path: str) -> list[TemplateError]:
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        code = item.code if hasattr(item, "code") else item.number
        if code in seen:
            out.append(TemplateError(f"{path}[{i}]", f"{what}“{code}”与第 {seen[code] + 1} 项重复"))
        else:
            seen[code] = i
    return out


def validate_template_data(data: Any) -> tuple[Template | None, list[TemplateError]]:
    """Validate parsed template data. Returns the model (if the structure is sound) and all errors."""
    if not isinstance(data, dict):
        return None, [TemplateError("", "模板文件的顶层应为键值映射（code、version、phases …）")]
    try:
        tpl = Template.model_validate(data)
    except ValidationError as exc:
        return None, _errors_from(exc)

    errors: list[TemplateError] = []
    errors += _duplicates(tpl.batches, "批次序号", "batches")
    errors += _duplicates(tpl.phases, "阶段编码", "phases")
    errors += _duplicates(tpl.document_kinds, "文书种类编码", "document_kinds")
    errors += _duplicates(tpl.survey_instruments, "测评编码", "survey_instruments")
    errors += _duplicates(tpl.session_kinds, "学习形式编码", "session_kinds")
    errors += _duplicates(tpl.meeting_kinds, "会议类型编码", "meeting_kinds")
    if tpl.names.short in tpl.names.forbidden_short:
        errors.append(TemplateError("names.short", f"规范简称“{tpl.names.short}”在禁用简称之列"))

    doc_kinds = {d.code for d in tpl.document_kinds}
    instruments = {s.code for s in tpl.survey_instruments}
    session_kinds = {s.code for s in tpl.session_kinds}
    meeting_kinds = {m.code for m in tpl.meeting_kinds} | {"party_lecture", "report_meeting"}
    meeting_kinds |= session_kinds  # a lecture may be recorded as a study session kind

    for i, doc in enumerate(tpl.document_kinds):
        if doc.checklist and doc.checklist not in tpl.checklists:
            errors.append(
                TemplateError(
                    f"document_kinds[{i}].checklist",
                    f"审核清单“{doc.checklist}”未在 checklists 中定义",
                )
            )
    for i, inst in enumerate(tpl.survey_instruments):
        for j, q in enumerate(inst.questions):
            bad = [o for o in q.satisfied if o not in q.options]
            if bad:
                errors.append(
                    TemplateError(
                        f"survey_instruments[{i}].questions[{j}].satisfied",
                        f"选项 {bad} 不在 options 中",
                    )
                )
        bad = [o for o in inst.rule.options if not any(o in q.options for q in inst.questions)]
        if bad:
            errors.append(
                TemplateError(
                    f"survey_instruments[{i}].rule.options", f"选项 {bad} 不在任何题目的 options 中"
                )
            )
        if inst.rule.kind == "satisfied_share_at_least" and not any(
            q.satisfied for q in inst.questions
        ):
            errors.append(
                TemplateError(
                    f"survey_instruments[{i}].rule",
                    "满意率规则需要至少一道题写明 satisfied（哪些选项算满意）",
                )
            )
        if inst.rule.kind == "remedial_when_share_above" and not inst.rule.options:
            errors.append(
                TemplateError(
                    f"survey_instruments[{i}].rule.options",
                    "“超过比例则补课”规则须列出计入的选项（如 一般化、走过场）",
                )
            )

    orders = [p.order for p in tpl.phases]
    if len(set(orders)) != len(orders):
        errors.append(TemplateError("phases", f"阶段顺序 order 有重复：{orders}"))
    requirement_codes: dict[str, str] = {}
    for i, phase in enumerate(tpl.phases):
        errors += _duplicates(phase.steps, "环节编码", f"phases[{i}].steps")
        for j, req in enumerate(phase.requirements):
            path = f"phases[{i}].requirements[{j}]"
            if req.code in requirement_codes:
                errors.append(
                    TemplateError(
                        f"{path}.code", f"要求编码“{req.code}”与 {requirement_codes[req.code]} 重复"
                    )
                )
            requirement_codes.setdefault(req.code, path)
            spec = REQUIREMENT_KINDS.get(req.kind)
            if spec is None:
                known = "、".join(REQUIREMENT_KINDS)
                errors.append(
                    TemplateError(
                        f"{path}.kind", f"未知的要求类型“{req.kind}”；可用的类型：{known}"
                    )
                )
                continue
            try:
                params = spec[1].model_validate(req.params)
            except ValidationError as exc:
                errors += _errors_from(exc, (*_split(path), "params"))
                continue
            ref = getattr(params, "document_kind", None)
            if ref is not None and ref not in doc_kinds:
                errors.append(
                    TemplateError(
                        f"{path}.params.document_kind", f"文书种类“{ref}”未在 document_kinds 中定义"
                    )
                )
            ref = getattr(params, "instrument", None)
            if ref is not None and ref not in instruments:
                errors.append(
                    TemplateError(
                        f"{path}.params.instrument", f"测评“{ref}”未在 survey_instruments 中定义"
                    )
                )
            ref = getattr(params, "session_kind", None)
            if ref is not None and ref not in session_kinds:
                errors.append(
                    TemplateError(
                        f"{path}.params.session_kind", f"学习形式“{ref}”未在 session_kinds 中定义"
                    )
                )
            for k in getattr(params, "except_kinds", []) or []:
                if k not in session_kinds:
                    errors.append(
                        TemplateError(
                            f"{path}.params.except_kinds", f"学习形式“{k}”未在 session_kinds 中定义"
                        )
                    )
            ref = getattr(params, "meeting_kind", None)
            if ref is not None and ref not in meeting_kinds:
                errors.append(
                    TemplateError(
                        f"{path}.params.meeting_kind", f"会议类型“{ref}”未在 meeting_kinds 中定义"
                    )
                )
            bad = [c for c in req.exempt_categories if c not in tpl.member_categories.exemptable]
            if bad:
                errors.append(
                    TemplateError(
                        f"{path}.exempt_categories",
                        f"类别 {bad} 不在 member_categories.exemptable 中，模板不允许为其登记免除",
                    )
                )
    return tpl, errors


def _split(path: str) -> tuple:
    """'phases[1].requirements[0]' → ('phases', 1, 'requirements', 0)."""
    out: list = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        out.append(name)
        while rest:
            idx, _, rest = rest.partition("]")
            out.append(int(idx))
            rest = rest.lstrip("[")
    return tuple(out)
