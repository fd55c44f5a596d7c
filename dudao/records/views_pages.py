"""The record pages that are not one kind's list or form: the hub (the phase's tally and the
corrections made after approval), members' hours, a member's own records, study notes, a
test's score grid, and the grid imports (attendance matrix, scores)."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dudao.core.errors import DomainError

from . import actions, importing, kinds, selectors
from .access import NOT_FOUND, get_record_or_404, get_rights
from .forms import StudyNoteForm
from .models import KnowledgeTest
from .pages import (
    PageContext,
    back,
    base,
    bytes_response,
    import_page,
    shown_phase,
    xlsx_response,
)
from .registry import get_kind
from .rules import record_permits


@login_required
def hub(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = shown_phase(request, rights)
    tally = selectors.tally(rights.participation, phase)
    corrections = []
    if rights.read_all:
        corrections = selectors.corrections_for([rights.participation.pk]).get(
            rights.participation.pk, []
        )
    return render(
        request,
        "records/hub.html",
        base(request, rights, phase, "hub", t=tally, corrections=corrections),
    )


@login_required
def member_hours(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = shown_phase(request, rights)
    rows = selectors.member_hours(rights.participation, phase)
    notes = selectors.study_note_counts(rights.participation, phase)
    for r in rows:
        r.notes = notes.get(r.person.pk, 0)
    return render(request, "records/hours.html", base(request, rights, phase, "hours", rows=rows))


@login_required
def member_hours_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = shown_phase(request, rights)
    p = rights.participation
    notes = selectors.study_note_counts(p, phase)
    phase_name = kinds.phase_name(p.campaign, phase)
    rows = (
        (
            p.unit_name,
            phase_name,
            r.person.code,
            r.person.name,
            r.person.branch.name,
            r.person.get_category_display(),
            float(r.hours),
            r.sessions,
            notes.get(r.person.pk, 0),
        )
        for r in selectors.member_hours(p, phase)
    )
    header = ["单位", "阶段", "人员编号", "姓名", "支部", "类别", "本阶段学时", "参加学习场次"]
    return xlsx_response("党员学时", f"党员学时-{p.unit_name}", [*header, "学习心得篇数"], rows)


@login_required
def own(request, participation_id):
    rights = get_rights(request.user, participation_id, "own")
    if rights.person is None:
        raise Http404(NOT_FOUND)
    attendance, results, totals = selectors.own_records(rights.participation, rights.person)
    phase = shown_phase(request, rights)
    names = {p["code"]: p["name"] for p in kinds.phases(rights.participation.campaign)}
    return render(
        request,
        "records/own.html",
        base(
            request,
            rights,
            phase,
            "own",
            person=rights.person,
            attendance=attendance,
            results=results,
            totals=[(names.get(k, k), v) for k, v in totals.items()],
            kind_names=kinds.session_kinds(rights.participation.campaign),
        ),
    )


# --- knowledge test scores ------------------------------------------------------------------


@login_required
def test_scores(request, participation_id, test_id):
    """The score grid: every member with a score or an absence reason."""
    rights = get_rights(request.user, participation_id, "read")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    permits = record_permits(request.user, get_kind("tests"), test)
    people = PageContext(rights, test.phase).people
    current = {r.person_id: r for r in test.results.all()}
    error = ""
    if request.method == "POST":
        if not rights.write_all:
            raise Http404(NOT_FOUND)
        results = [
            (
                p.pk,
                request.POST.get(f"score_{p.pk}", "").replace("\x00", "").strip(),
                request.POST.get(f"reason_{p.pk}", "").replace("\x00", "").strip(),
            )
            for p in people
        ]
        try:
            actions.enter_test_results(
                actor=request.user,
                test=test,
                results=results,
                expected_version=_posted_version(request.POST.get("version")),
            )
        except DomainError as exc:
            error = exc.message
            posted = {pk: (s, r) for pk, s, r in results}
        else:
            messages.success(request, "成绩已保存。")
            return redirect(f"/records/{rights.participation.pk}/tests/{test.pk}/")
    else:
        posted = {
            pk: ("" if r.score is None else f"{r.score.normalize():f}", r.absence_reason)
            for pk, r in current.items()
        }
    rows = [(p, *posted.get(p.pk, ("", ""))) for p in people]
    scored = sum(1 for r in current.values() if r.score is not None)
    return render(
        request,
        "records/test_scores.html",
        base(
            request,
            rights,
            test.phase,
            "tests",
            test=test,
            rows=rows,
            error=error,
            scored=scored,
            absent=len(current) - scored,
            permits=permits,
        ),
    )


@login_required
def test_export(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "read")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    p = rights.participation
    current = {r.person_id: r for r in test.results.all()}
    phase_name = kinds.phase_name(p.campaign, test.phase)
    rows = []
    for m in selectors.members(p):
        r = current.get(m.pk)
        score = float(r.score) if r and r.score is not None else None
        reason = r.absence_reason if r else ""
        rows.append(
            (p.unit_name, phase_name, test.date, m.code, m.name, m.branch.name, score, reason)
        )
    header = ["单位", "阶段", "日期", "人员编号", "姓名", "支部", "成绩", "缺考原因"]
    return xlsx_response("检测成绩", f"检测成绩-{test.title}", header, rows)


# --- grid imports: the attendance matrix and a test's scores --------------------------------


@login_required
def attendance_import(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    pid = rights.participation.pk

    return import_page(
        request,
        rights,
        section="sessions",
        title="导入学习记录和出勤",
        template_url=f"/records/{pid}/import/attendance/template.xlsx",
        run=partial(
            importing.import_attendance, actor=request.user, participation=rights.participation
        ),
        back_url=back(rights, "sessions", shown_phase(request, rights)),
    )


@login_required
def attendance_template(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    return bytes_response(
        importing.attendance_template(rights.participation), "学习记录和出勤导入模板.xlsx"
    )


@login_required
def scores_import(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "write")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    pid = rights.participation.pk

    def run(*, data, only_valid, phase):
        return importing.import_scores(
            actor=request.user, test=test, data=data, only_valid=only_valid
        )

    return import_page(
        request,
        rights,
        section="tests",
        title=f"导入成绩：{test.title}",
        template_url=f"/records/{pid}/tests/{test.pk}/template.xlsx",
        run=run,
        back_url=f"/records/{pid}/tests/{test.pk}/",
    )


@login_required
def scores_template(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "write")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    return bytes_response(importing.scores_template(test), f"成绩导入模板-{test.title}.xlsx")


# --- study notes (documents of kind study_note in the reviews app) ---------------------------


@login_required
def notes(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = shown_phase(request, rights)
    from dudao.reviews.models import Document, DocumentStatus, DocumentVersion

    docs = list(
        Document.objects.filter(
            participation=rights.participation, phase=phase, kind=selectors.STUDY_NOTE
        )
        .exclude(status=DocumentStatus.DRAFT)
        .select_related("author")
        .order_by("author_id", "-last_submitted_at")
    )
    latest = {}
    for v in DocumentVersion.objects.filter(document__in=docs).order_by("document_id", "number"):
        latest[v.document_id] = v
    by_author: dict[int, list] = {}
    for d in docs:
        d.latest = latest.get(d.pk)
        by_author.setdefault(d.author_id, []).append(d)
    rows = [(m, by_author.get(m.pk, [])) for m in selectors.members(rights.participation)]
    return render(
        request,
        "records/notes.html",
        base(
            request,
            rights,
            phase,
            "notes",
            rows=rows,
            total=len(docs),
            writers=sum(1 for _m, d in rows if d),
        ),
    )


@login_required
def note_new(request, participation_id):
    """The unit enters a note on a member's behalf; a member enters his own."""
    rights = get_rights(request.user, participation_id, "own")
    if not rights.write_all and rights.person is None:
        raise Http404(NOT_FOUND)
    ctx = PageContext(rights, rights.participation.current_phase)
    people = ctx.people if rights.write_all else [rights.person]
    form = StudyNoteForm(
        request.POST or None,
        request.FILES or None,
        people=people,
        initial={"author": request.GET.get("author") or people[0].pk if people else None},
    )
    if request.method == "POST" and form.is_valid():
        from dudao.reviews.actions import submit_document

        d = form.cleaned_data
        try:
            doc = submit_document(
                actor=request.user,
                participation=rights.participation,
                kind=selectors.STUDY_NOTE,
                author=ctx.pick(people, d["author"]),
                title=d["title"],
                text=d["text"],
                upload=d["upload"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已提交“{doc.title}”。")
            if rights.read_all:
                return redirect(
                    f"/records/{rights.participation.pk}/notes/?phase={quote(doc.phase)}"
                )
            return redirect(f"/records/{rights.participation.pk}/me/")
    return render(
        request,
        "records/note_form.html",
        base(
            request,
            rights,
            rights.participation.current_phase,
            "notes" if rights.read_all else "own",
            form=form,
        ),
    )


def _posted_version(value) -> int | None:
    """The page's version stamp; a malformed one is a stale page (refused as such), not a 500."""
    if not value:
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1
