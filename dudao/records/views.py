"""The record pages every kind of the registry shares: list, export, new, the record's page
(its edit form, or what it holds for whoever may only read it), delete, correction of a frozen
record, Excel import and its template. Thin: fetch through ``records.access`` (404 outside the
user's rights) → form → action → message. Forms work without JavaScript."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.campaigns.terms import reword as reword_text
from dudao.campaigns.terms import terms_of
from dudao.core.errors import DomainError

from . import actions, bulk_import, kinds, selectors
from .access import NOT_FOUND, get_record_or_404, get_rights
from .exemptions import exemption_permits
from .exemptions import roles as exemption_roles
from .forms import CorrectionMixin, DecisionForm, ReasonForm, new_token
from .models import Exemption
from .pages import (
    PageContext,
    back,
    base,
    bytes_response,
    import_page,
    shown_phase,
    xlsx_response,
)
from .registry import Labels
from .rules import record_permits


def _writer(rights, kind) -> bool:
    return rights.write_sessions if kind.write_need == "write_sessions" else rights.write_all


@login_required
def kind_list(request, participation_id, kind):
    rights = get_rights(request.user, participation_id, kind.read_need)
    phase = shown_phase(request, rights)
    labels = Labels(rights.participation, phase)
    items = list(kind.queryset(rights.participation, phase, rights))
    for item in items:
        item.participation = rights.participation  # one fetched object for the rules
    rows = [(item, [(c, c.get(item, labels)) for c in kind.columns]) for item in items]
    context = base(
        request,
        rights,
        phase,
        kind.slug,
        kind=kind,
        rows=rows,
        columns=kind.columns,
        may_write=_writer(rights, kind),
    )
    if kind.slug == "exemptions":
        known = exemption_roles(request.user, rights.participation)
        context["decisions"] = {
            e.pk: exemption_permits(request.user, e, known_roles=known) for e in items
        }
        context["can_exempt"] = bool(kinds.exemptable(rights.participation.campaign, phase))
    return render(request, kind.list_template, context)


@login_required
def kind_export(request, participation_id, kind):
    """Every row carries the unit, the phase and the date it belongs to."""
    rights = get_rights(request.user, participation_id, kind.read_need)
    phase = shown_phase(request, rights)
    labels = Labels(rights.participation, phase)
    p = rights.participation
    phase_name = labels.phases.get(phase, phase)
    rows = (
        (p.unit_name, phase_name, kind.date_of(item), *[c.get(item, labels) for c in kind.columns])
        for item in kind.queryset(p, phase, rights)
    )
    terms = terms_of(p)
    header = ["单位", "阶段", "日期", *[reword_text(c.header, terms) for c in kind.columns]]
    return xlsx_response(kind.label, f"{kind.label}-{p.unit_name}", header, rows)


def _form(request, kind, ctx, record, *, correcting=False):
    form_class = kind.form_class
    if correcting:
        form_class = type(f"Correct{form_class.__name__}", (form_class, CorrectionMixin), {})
    if record is None:
        initial = {"phase": ctx.phase, "token": new_token()}
        if kind.slug == "sessions" and not ctx.rights.write_all and ctx.branches:
            initial["branch"] = ctx.branches[0].pk
    else:
        initial = {"phase": record.phase, "version": record.version}
        for name, value in actions.record_data(kind, record).items():
            if isinstance(value, list):
                value = [o.pk for o in value]
            elif hasattr(value, "pk"):
                value = value.pk
            initial[name] = "" if value is None else value
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=initial, ctx=ctx)
    if correcting:  # the reason last, beside the save button
        form.order_fields([f for f in form.fields if f != "correction_reason"])
    return form


def _save_page(request, rights, kind, record, *, correcting=False):
    """The new / edit / correct form of any kind: GET shows it, POST saves through the
    action; a refusal (stale, frozen, not a member) is shown on the form, nothing saved."""
    phase = record.phase if record is not None else shown_phase(request, rights)
    ctx = PageContext(rights, phase, record)
    form = _form(request, kind, ctx, record, correcting=correcting)
    extra, extra_data, hold = ({}, {}, False)
    if kind.slug == "sessions":
        from .pages import session_ticks

        extra, extra_data, hold = session_ticks(request, ctx, record, form)
    if request.method == "POST" and not hold and form.is_valid():
        d = form.cleaned_data
        data = {**ctx.resolve(kind, d), **extra_data}
        data.pop("correction_reason", None)
        common = {"actor": request.user, "data": data, "phase": d["phase"]}
        try:
            if correcting:
                actions.correct_record(
                    kind,
                    actor=request.user,
                    record=record,
                    reason=d["correction_reason"],
                    data=data,
                    expected_version=d["version"],
                )
                saved = record
            elif record is None:
                saved = actions.create_record(
                    kind, participation=rights.participation, token=d["token"], **common
                )
            else:
                saved = actions.edit_record(
                    kind, record=record, expected_version=d["version"], **common
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            verb = "更正" if correcting else ("修改" if record else "保存")
            messages.success(request, f"已{verb}{kind.noun}“{kind.describe(saved)}”。")
            if kind.detail_url is not None and record is None:
                return redirect(kind.detail_url(saved))
            return redirect(back(rights, kind.slug, saved.phase))
    if correcting:
        title = f"更正已封存的{kind.noun}"
    else:
        title = f"修改{kind.noun}" if record else f"登记{kind.noun}"
    return render(
        request,
        kind.form_template,
        base(
            request,
            rights,
            phase,
            kind.slug,
            kind=kind,
            form=form,
            title=title,
            record=record,
            correcting=correcting,
            reason_form=ReasonForm(initial={"version": record.version}) if record else None,
            **extra,
        ),
    )


@login_required
def kind_new(request, participation_id, kind):
    rights = get_rights(request.user, participation_id, kind.write_need)
    return _save_page(request, rights, kind, None)


def _record(request, participation_id, kind, record_id, need=None):
    rights = get_rights(request.user, participation_id, need or kind.read_need)
    record = get_record_or_404(rights, kind.model, record_id)
    return rights, record


@login_required
def kind_record(request, participation_id, kind, record_id):
    """The edit form for whoever may edit it now; else what the record holds, with the
    correction button where the phase is frozen and the user may correct."""
    rights, record = _record(request, participation_id, kind, record_id)
    permits = record_permits(request.user, kind, record)
    if permits.may("edit"):
        return _save_page(request, rights, kind, record)
    if request.method == "POST":
        raise Http404(NOT_FOUND)
    labels = Labels(rights.participation, record.phase)
    extra = kind.detail_hook(request, None, record) if kind.detail_hook else {}
    return render(
        request,
        kind.detail_template,
        base(
            request,
            rights,
            record.phase,
            kind.slug,
            kind=kind,
            record=record,
            facts=[(c.header, c.get(record, labels)) for c in kind.columns],
            permits=permits,
            reason=permits.reason("edit"),
            **extra,
        ),
    )


@login_required
def kind_correct(request, participation_id, kind, record_id):
    rights, record = _record(request, participation_id, kind, record_id)
    if not record_permits(request.user, kind, record).may("correct"):
        raise Http404(NOT_FOUND)
    if request.method == "POST" and request.POST.get("operation") == "delete":
        return _with_reason(
            request,
            rights,
            kind,
            record,
            partial(actions.correct_record, kind, actor=request.user, record=record, delete=True),
            refused="更正（删除）已封存的记录须写明理由。",
            done=f"已作为更正删除{kind.noun}“{kind.describe(record)}”。",
        )
    return _save_page(request, rights, kind, record, correcting=True)


@login_required
@require_POST
def kind_delete(request, participation_id, kind, record_id):
    rights, record = _record(request, participation_id, kind, record_id, kind.write_need)
    if not record_permits(request.user, kind, record).may("delete"):
        raise Http404(NOT_FOUND)
    verb = "删除" if kind.editable else "撤销"
    return _with_reason(
        request,
        rights,
        kind,
        record,
        partial(actions.delete_record, kind, actor=request.user, record=record),
        refused=f"{verb}{kind.label}须写明理由。",
        done=f"已{verb}{kind.noun}“{kind.describe(record)}”。",
    )


def _with_reason(request, rights, kind, record, act, *, refused: str, done: str):
    """A POST that needs a reason (delete, withdraw, a correction's delete): ``act(reason=,
    expected_version=)``; a refusal goes back to the record with the message."""
    form = ReasonForm(request.POST)
    here = request.path.rsplit("/", 2)[0] + "/" if kind.editable else None
    if not form.is_valid():
        messages.error(request, refused)
        return redirect(here or back(rights, kind.slug, record.phase))
    try:
        act(reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(here or back(rights, kind.slug, record.phase))
    messages.success(request, done)
    return redirect(back(rights, kind.slug, record.phase))


@login_required
def kind_import(request, participation_id, kind):
    rights = get_rights(request.user, participation_id, "write")
    if not kind.import_columns:
        raise Http404(NOT_FOUND)

    return import_page(
        request,
        rights,
        section=kind.slug,
        title=f"Excel 导入{kind.label}",
        template_url=f"/records/{rights.participation.pk}/{kind.slug}/import/template.xlsx",
        run=partial(
            bulk_import.import_kind, kind, actor=request.user, participation=rights.participation
        ),
        back_url=back(rights, kind.slug, shown_phase(request, rights)),
    )


@login_required
def kind_import_template(request, participation_id, kind):
    rights = get_rights(request.user, participation_id, "write")
    if not kind.import_columns:
        raise Http404(NOT_FOUND)
    data = bulk_import.template(kind, rights.participation, shown_phase(request, rights))
    return bytes_response(data, f"{kind.label}导入模板.xlsx")


@login_required
@require_POST
def exemption_decide(request, participation_id, record_id):
    """The supervision group confirms or refuses (with a reason) an exemption the unit
    proposed."""
    rights = get_rights(request.user, participation_id, "read")
    exemption = get_record_or_404(rights, Exemption, record_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise Http404(NOT_FOUND)
    decide = (
        actions.confirm_exemption
        if form.cleaned_data["decision"] == "confirm"
        else actions.refuse_exemption
    )
    try:
        decide(actor=request.user, exemption=exemption, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if not exemption_permits(request.user, exemption).get(form.cleaned_data["decision"]):
            raise Http404(NOT_FOUND) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已处理{exemption.person.name}的免于要求登记。")
    return redirect(back(rights, "exemptions", exemption.phase))


def corrections_context(participation) -> list:
    return selectors.corrections_for([participation.pk]).get(participation.pk, [])
