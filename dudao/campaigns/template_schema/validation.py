"""validate_template_data: the template validated piece by piece, errors in file order."""

from __future__ import annotations

import re
from typing import Any

from .base import Strict, TemplateError
from .checks import (
    _check_archive,
    _check_batch_durations,
    _check_documents,
    _check_header,
    _check_instruments,
    _check_phases,
    _check_reports,
    _Context,
    _lenient,
    _references_only,
)
from .requirements import REQUIREMENT_KINDS
from .template import (
    BatchSpec,
    Display,
    DocumentKind,
    MeasureHead,
    PhaseHead,
    Requirement,
    SurveyInstrument,
    TemplateHead,
)
from .translation import _list_of, _loc_path, _parse, _show

# --- validation --------------------------------------------------------------------------------


def validate_template_data(data: Any) -> tuple[dict | None, list[TemplateError]]:
    """Validate parsed template data.

    Returns ``(clean, [])`` where ``clean`` is the JSON-ready template with every default filled
    in and requirement parameters normalised, or ``(None, errors)`` listing every problem found.
    """
    if not isinstance(data, dict):
        return None, [
            TemplateError("", "模板文件的顶层应为键值映射（code、version、name、phases …）")
        ]
    errors: list[TemplateError] = []
    if "version" in data and not isinstance(data["version"], str):
        errors.append(
            TemplateError(
                "version",
                f'版本号须写成带引号的文本（如 version: "2"），实际为 {_show(data["version"])}',
            )
        )
        data = {**data, "version": str(data["version"])}
    head = _parse(TemplateHead, data, (), errors)

    docs = _parse_items(DocumentKind, _list_of(data, "document_kinds"), "document_kinds", errors)
    instruments = _parse_items(
        SurveyInstrument, _list_of(data, "survey_instruments"), "survey_instruments", errors
    )
    phases = _parse_items(PhaseHead, _list_of(data, "phases"), "phases", errors)
    measures: dict[tuple[int, int], MeasureHead] = {}
    # Key (phase, measure, requirement); measure -1 = the phase's own requirements.
    requirements: dict[tuple[int, int, int], tuple[Requirement, Strict | None]] = {}
    for i, raw_phase in enumerate(_list_of(data, "phases")):
        # A phase whose own fields are wrong still has its requirements checked, so that one
        # typo does not hide the rest of that phase's errors.
        lists: list[tuple[int, list, tuple]] = [
            (-1, _raw_list(phases.get(i), raw_phase, "requirements"), ("phases", i))
        ]
        for m, raw_measure in enumerate(_raw_list(phases.get(i), raw_phase, "measures")):
            prefix = ("phases", i, "measures", m)
            measure = _parse(MeasureHead, raw_measure, prefix, errors)
            if measure is not None:
                measures[(i, m)] = measure
            lists.append((m, _raw_list(measure, raw_measure, "requirements"), prefix))
        for m, raw_requirements, prefix in lists:
            for j, raw in enumerate(raw_requirements):
                where = (*prefix, "requirements", j)
                req = _parse(Requirement, raw, where, errors)
                if req is None:
                    continue
                spec = REQUIREMENT_KINDS.get(req.kind)
                params = None
                if spec is None:
                    errors.append(
                        TemplateError(
                            f"{_loc_path(where)}.kind",
                            f"未知的要求类型“{req.kind}”；可用的类型：{'、'.join(REQUIREMENT_KINDS)}",
                        )
                    )
                else:
                    params = _parse(spec.params, req.params, (*where, "params"), errors)
                requirements[(i, m, j)] = (req, params)

    refs = None if head is not None else _references_only(data)
    ctx = _Context(head or refs, docs, instruments, phases, len(_list_of(data, "phases")))
    ctx.measures = measures
    # Items that failed to parse are still "defined": their own errors say what is wrong, and
    # every reference to them should not be reported a second time.
    ctx.unparsed = {
        section: {
            item.get("code")
            for i, item in enumerate(_list_of(data, section))
            if isinstance(item, dict) and i not in parsed
        }
        for section, parsed in (("document_kinds", docs), ("survey_instruments", instruments))
    }
    _check_header(head, errors)
    _check_archive(head, ctx, errors)
    _check_batch_durations(
        head.batches if head else _lenient(BatchSpec, _list_of(data, "batches")),
        _list_of(data, "phases"),
        errors,
    )
    _check_documents(ctx, errors)
    _check_instruments(ctx, errors)
    _check_phases(ctx, requirements, errors)
    _check_reports(ctx, head.reports if head else None, errors)

    if errors or head is None:
        return None, _in_file_order(errors, data)
    clean = head.model_dump(mode="json")
    clean["document_kinds"] = [d.model_dump(mode="json") for d in docs.values()]
    clean["survey_instruments"] = [s.model_dump(mode="json") for s in instruments.values()]
    clean["phases"] = []
    for i, phase in phases.items():
        dumped = phase.model_dump(mode="json")
        dumped["requirements"] = []
        dumped["measures"] = []
        # Measures are flattened for the engine: their steps and requirements join the phase's,
        # each marked with its measure; ``measures`` keeps their order, names and steps.
        groups = [(-1, None, phase.requirements)]
        for m in range(len(phase.measures)):
            measure = measures[(i, m)]
            groups.append((m, measure, measure.requirements))
            mdump = measure.model_dump(mode="json", exclude={"requirements"})
            mdump["requirements"] = []
            dumped["measures"].append(mdump)
            dumped["steps"].extend(
                {**step.model_dump(mode="json"), "measure": measure.code} for step in measure.steps
            )
        for m, measure, raw_list in groups:
            for j in range(len(raw_list)):
                req, params = requirements[(i, m, j)]
                item = req.model_dump(mode="json")
                item["params"] = params.model_dump(mode="json")
                if req.kind == "review_rounds_min" and item["params"]["min_rounds"] is None:
                    item["params"]["min_rounds"] = ctx.doc_by_code[
                        params.document_kind
                    ].min_review_rounds
                if measure is not None:
                    item["measure"] = measure.code
                    dumped["measures"][m]["requirements"].append(req.code)
                dumped["requirements"].append(item)
        if not dumped["measures"]:
            del dumped["measures"]  # the format before measures: the same digest as before
        clean["phases"].append(dumped)
    _drop_new_defaults(clean)
    return clean, []


def _raw_list(parsed, raw, key: str) -> list:
    if parsed is not None:
        return list(getattr(parsed, key))
    return _list_of(raw, key)


def _drop_new_defaults(clean: dict) -> None:
    """Keys added to the format after templates were stored are left out while they hold their
    default, so that a stored template's digest (and its version) still matches its file."""
    terms = {k: v for k, v in (clean.get("terms") or {}).items() if v}
    if terms:
        clean["terms"] = terms
    else:
        clean.pop("terms", None)
    if clean.get("archive") is None:
        clean.pop("archive", None)
    if clean.get("display") == Display().model_dump(mode="json"):
        clean.pop("display", None)
    for key in ("reports", "evaluation", "supervision", "opinions"):
        if clean.get(key) is None:
            clean.pop(key, None)
    rect = clean.get("rectification")
    if isinstance(rect, dict) and not rect.get("plan_documents"):
        rect.pop("plan_documents", None)
    for batch in clean.get("batches", []):
        for key in ("start_date", "end_date"):
            if batch.get(key) is None:
                batch.pop(key, None)
        if not batch.get("phase_durations"):
            batch.pop("phase_durations", None)


def _in_file_order(errors: list[TemplateError], data: dict) -> list[TemplateError]:
    """Errors sorted as their fields appear in the file (top-level key, then item number)."""
    keys = {k: n for n, k in enumerate(data)}

    def key(error: TemplateError):
        top = re.split(r"[.\[]", error.path, maxsplit=1)[0]
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", error.path)]
        return (keys.get(top, -1 if not error.path else len(keys)), numbers)

    return sorted(errors, key=key)


def _parse_items(model, raws: list, section: str, errors: list[TemplateError]) -> dict[int, Any]:
    out = {}
    for i, raw in enumerate(raws):
        item = _parse(model, raw, (section, i), errors)
        if item is not None:
            out[i] = item
    return out
