"""What every record page shares: the phase shown, the page context (members, branches and
meetings the forms choose from, resolved from submitted ids within the unit only), the tabs,
spreadsheet responses, and the session form's tick list."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cached_property
from urllib.parse import quote

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from dudao.core.access import parse_optional_id
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME
from dudao.orgs.models import Organisation

from . import kinds, selectors
from .access import NOT_FOUND, Rights
from .checks import frozen_reason
from .models import Meeting
from .registry import all_kinds


def shown_phase(request, rights: Rights) -> str:
    """The phase a page shows: ?phase= among the phases begun so far, else the current one."""
    wanted = request.GET.get("phase") or request.POST.get("phase")
    codes = [p["code"] for p in kinds.open_phases(rights.participation)]
    if wanted in codes:
        return wanted
    return rights.participation.current_phase or (codes[0] if codes else "")


class PageContext:
    """One page's participation, rights and phase, and the objects its forms name."""

    def __init__(self, rights: Rights, phase: str, record=None):
        self.rights = rights
        self.participation = rights.participation
        self.phase = phase
        self.record = record

    @cached_property
    def people(self):
        return list(selectors.members(self.participation))

    @cached_property
    def branches(self) -> list[Organisation]:
        if self.rights.write_all or self.rights.read_all:
            return list(
                Organisation.objects.filter(
                    unit_id=self.participation.unit_id, kind__in=["branch", "general_branch"]
                ).order_by("path")
            )
        return self.rights.branches

    @cached_property
    def meetings(self) -> list[Meeting]:
        return list(Meeting.objects.filter(participation=self.participation).order_by("-date"))

    @cached_property
    def phase_choices(self) -> list[tuple[str, str]]:
        """Phases a record may still go into (not frozen), and the record's own phase."""
        p = self.participation
        out = [
            (ph["code"], ph["name"])
            for ph in kinds.open_phases(p)
            if not frozen_reason(p, ph["code"])
        ]
        if self.record is not None and self.record.phase not in dict(out):
            out.insert(0, (self.record.phase, kinds.phase_name(p.campaign, self.record.phase)))
        return out

    def pick(self, objects, value):
        pk = parse_optional_id(value)
        if pk is None:
            return None
        for obj in objects:
            if obj.pk == pk:
                return obj
        raise Http404(NOT_FOUND)

    def resolve(self, kind, cleaned: dict) -> dict:
        """The action's data from a form's cleaned data: ids become the unit's people,
        branches and meetings (an id outside the unit answers 404)."""
        data = {k: v for k, v in cleaned.items() if k not in ("phase", "token", "version")}
        sources = {"person": self.people, "branch": self.branches, "meeting": self.meetings}
        for name, ref in kind.refs.items():
            if name not in data:
                continue
            many = {"people": "person", "branches": "branch"}
            objects = sources[many.get(ref, ref)]
            if ref in many:
                data[name] = [self.pick(objects, v) for v in data[name] or []]
            else:
                data[name] = self.pick(objects, data[name])
        return data


def tabs(rights: Rights) -> list[tuple[str, str]]:
    """(path below /records/<p>/, label) of the tabs this user may open."""
    out = []
    if rights.read_sessions:
        out.append(("", "汇总"))
    for kind in all_kinds():
        if rights.read_all or (kind.read_need == "sessions" and rights.read_sessions):
            out.append((f"{kind.slug}/", kind.label))
        if kind.slug == "meetings" and rights.read_all:
            out += [("hours/", "党员学时"), ("notes/", "学习心得")]
    if rights.person:
        out.append(("me/", "我的记录"))
    return out


def base(request, rights: Rights, phase: str, section: str, **extra) -> dict:
    p = rights.participation
    return {
        "p": p,
        "rights": rights,
        "phase": phase,
        "phase_name": kinds.phase_name(p.campaign, phase),
        "phases": kinds.open_phases(p),
        "section": section,
        "tabs": tabs(rights),
        "phase_query": f"?phase={quote(phase)}",
        "frozen": frozen_reason(p, phase) if phase else "",
        **extra,
    }


def back(rights: Rights, slug: str, phase: str) -> str:
    return f"/records/{rights.participation.pk}/{slug}/?phase={quote(phase)}"


def xlsx_response(title: str, filename: str, header: list[str], rows) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(stream_workbook(title, header, rows), content_type=XLSX_MIME)
    name = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"records-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def bytes_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def import_page(request, rights: Rights, *, section, title, template_url, run, back_url):
    """Upload → ``run(data, only_valid, phase)`` → the outcome's problems, or back to the list
    when everything was imported."""
    from django.contrib import messages
    from django.shortcuts import redirect, render

    from dudao.core.errors import DomainError
    from dudao.imports.excel import FileRejected

    from .forms import ImportForm
    from .importing import reject_message

    phase = shown_phase(request, rights)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = run(
                data=form.cleaned_data["file"].read(),
                only_valid=form.cleaned_data["only_valid"],
                phase=phase,
            )
        except (FileRejected, DomainError) as exc:
            form.add_error("file", reject_message(exc))
        else:
            if outcome.imported:
                messages.success(request, f"导入完成：{outcome.summary}。")
                if not outcome.problems:
                    return redirect(back_url)
    context = base(request, rights, phase, section, form=form, outcome=outcome, title=title)
    return render(request, "records/import.html", {**context, "template_url": template_url})


# --- the session form's tick list -----------------------------------------------------------


def _tick_state(request, people, session):
    """(ticked person ids, {person id: hours text}) from the posted form, else the session."""
    if request.method == "POST":
        tick = request.POST.get("tick")
        if tick == "all":
            ticked = {p.pk for p in people}
        elif tick == "none":
            ticked = set()
        else:
            ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        hours = {p.pk: request.POST.get(f"hours_{p.pk}", "").strip() for p in people}
        return ticked, hours
    if session is None:
        return set(), {}
    current = dict(session.attendances.values_list("person_id", "hours"))
    return set(current), {pk: (str(h) if h != session.hours else "") for pk, h in current.items()}


def session_ticks(request, ctx: PageContext, session, form):
    """(extra page context, extra action data, hold): the members of the chosen branch to tick,
    and whether the post only re-ticked (全选 / 全不选 / 刷新名单) and must not save."""
    people = ctx.people
    branch = (
        ctx.pick(ctx.branches, form["branch"].value() or None) if form["branch"].value() else None
    )
    if branch is not None:
        people = [m for m in people if m.branch.path.startswith(branch.path)]
    ticked, hours = _tick_state(request, people, session)
    try:
        session_hours = Decimal(str(form["hours"].value()))
    except (InvalidOperation, ValueError):
        session_hours = None
    extra = {
        "rows": [(m, m.pk in ticked, hours.get(m.pk, "")) for m in people],
        "ticked": len(ticked),
        "session_hours": session_hours,
        "session": session,
    }
    data = {
        "attendance": sorted(ticked),
        "hours_by_person": {pk: h for pk, h in hours.items() if h and pk in ticked},
    }
    return extra, data, bool(request.POST.get("tick"))
