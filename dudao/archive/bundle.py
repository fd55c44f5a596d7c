"""Building a unit's archive bundle: one zip file holding everything the unit's campaign left
behind, a manifest of SHA-256 hashes bound to the audit chain's head, and the verifier.

Layout (paths are ASCII so that every unzip tool keeps them; index.pdf names each in Chinese):

| path | holds |
|---|---|
| README.txt | what the bundle is and how to verify it |
| index.pdf | the human-readable index: unit, audit head, checklist, table of contents |
| unit.json, checklist.json | the unit, its campaign, and the completeness checklist |
| documents/<id>/document.json | a document, its versions, review rounds and comments |
| documents/<id>/v<n>.txt, v<n>-original.<ext> | each version's extracted text and original file |
| records/<kind>.xlsx | every record of each kind, all phases (dudao.core.xlsx) |
| surveys/results.json | each survey round's aggregates only (anonymity: no codes, no ballots;
  a round below the minimum group size gives no counts) |
| decisions/transitions.json, decisions/remedial_orders.json | transition decisions with
  their evidence snapshots, remedial orders |
| rectification/items.xlsx, rectification/items.json | items with progress, close
  applications, sign-offs and extensions |
| rectification/evidence/<item>/<file> | the evidence files |
| audit/events.jsonl | the unit's audit events (with their chain hashes) |
| verify.py | the stand-alone verifier (Python standard library only) |
| manifest.json | SHA-256 and size of every other file, and the audit chain head |
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from dudao.campaigns.terms import reword, terms_of
from dudao.core.audit import current_head
from dudao.core.models import AuditEvent
from dudao.core.xlsx import stream_workbook
from dudao.records.access import Rights
from dudao.records.registry import Labels, all_kinds
from dudao.rectification.models import (
    Attachment,
    CloseApplication,
    Extension,
    Item,
    ProgressUpdate,
    SignOff,
)
from dudao.reviews.models import Document, DocumentVersion, ReviewComment, ReviewRound
from dudao.surveys.instruments import decide, get_instrument
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.selectors import counts_for_rounds
from dudao.transitions.models import RemedialOrder, TransitionApplication

from . import pdf, rules, selectors

FORMAT = "dudao-archive/1"
VERIFIER = Path(__file__).with_name("verify_bundle.py")
CHUNK = 1024 * 1024
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _plain(value):
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def row_of(obj, exclude: Iterable[str] = ()) -> dict:
    """A model row as plain JSON values (foreign keys as ids)."""
    skip = set(exclude)
    return {
        f.attname: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in skip and f.name not in skip
    }


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str).encode()


@dataclass
class Writer:
    """Adds members to the zip, hashing each as it is written."""

    zf: zipfile.ZipFile
    files: dict[str, dict] = field(default_factory=dict)
    contents: list[list[str]] = field(default_factory=list)

    def add_bytes(self, path: str, data: bytes, *, title: str = "") -> None:
        self.add_chunks(path, [data], title=title)

    def add_chunks(self, path: str, chunks: Iterable[bytes], *, title: str = "") -> None:
        if path in self.files:
            raise ValueError(f"duplicate member {path}")
        digest = hashlib.sha256()
        size = 0
        with self.zf.open(path, "w", force_zip64=True) as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.files[path] = {"sha256": digest.hexdigest(), "size": size}
        if title:
            self.contents.append([path, title])


def _file_chunks(fieldfile) -> Iterable[bytes]:
    with fieldfile.open("rb") as fh:
        while block := fh.read(CHUNK):
            yield block


def _ext(name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    return SAFE.sub("", suffix)[:10] if suffix else ""


@dataclass
class Progress:
    report: Callable[[str, int, int], None]
    total: int
    done: int = 0

    def step(self, stage: str, n: int = 1) -> None:
        self.done += n
        self.report(stage, min(self.done, self.total), self.total)


def _documents(w: Writer, p, template, progress: Progress) -> None:
    docs = list(
        Document.objects.filter(participation=p)
        .select_related("author", "created_by")
        .order_by("phase", "kind", "pk")
    )
    names = rules.document_names(template)
    phases = rules.phase_names(template)
    ids = [d.pk for d in docs]
    versions: dict[int, list] = {}
    for v in DocumentVersion.objects.filter(document_id__in=ids).order_by("document_id", "number"):
        versions.setdefault(v.document_id, []).append(v)
    rounds: dict[int, list] = {}
    for r in ReviewRound.objects.filter(document_id__in=ids).select_related("reviewer"):
        rounds.setdefault(r.document_id, []).append(r)
    comments: dict[int, list] = {}
    for c in ReviewComment.objects.filter(document_id__in=ids).select_related("author"):
        comments.setdefault(c.document_id, []).append(c)
    for doc in docs:
        base = f"documents/{doc.pk}"
        label = doc.title or names.get(doc.kind, doc.kind)
        if doc.author_id:
            label = f"{label}（{doc.author.name}）"
        meta = row_of(doc)
        meta.update(
            kind_name=names.get(doc.kind, doc.kind),
            phase_name=phases.get(doc.phase, doc.phase),
            status_name=doc.get_status_display(),
            author_name=doc.author.name if doc.author_id else "",
            versions=[],
            review_rounds=[
                {
                    **row_of(r),
                    "reviewer_name": _user(r.reviewer),
                    "decision_name": r.get_decision_display(),
                }
                for r in sorted(rounds.get(doc.pk, []), key=lambda r: r.number)
            ],
            comments=[
                {**row_of(c), "author_name": _user(c.author), "status_name": c.get_status_display()}
                for c in sorted(comments.get(doc.pk, []), key=lambda c: (c.created_at, c.pk))
            ],
        )
        for v in versions.get(doc.pk, []):
            text_path = f"{base}/v{v.number}.txt"
            w.add_bytes(text_path, v.text.encode("utf-8"), title=f"{label} 第{v.number}稿 正文")
            entry = {**row_of(v, exclude=("text",)), "text_file": text_path, "original_file": ""}
            if v.original:
                original = f"{base}/v{v.number}-original{_ext(v.original_name or v.original.name)}"
                try:
                    w.add_chunks(
                        original, _file_chunks(v.original), title=f"{label} 第{v.number}稿 原始文件"
                    )
                    entry["original_file"] = original
                except FileNotFoundError:
                    entry["original_missing"] = "原始文件已不在存储中"
            meta["versions"].append(entry)
        w.add_bytes(f"{base}/document.json", _json(meta), title=f"{label}：版本、审核轮次与批注")
        progress.step("文书")


def _user(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.username


def _records(w: Writer, p, template, progress: Progress) -> None:
    rights = Rights(participation=p, read_all=True)
    phases = rules.phase_names(template)
    terms = terms_of(p)
    for kind in all_kinds():
        header = ["单位", "阶段", "日期", *[reword(c.header, terms) for c in kind.columns]]

        def rows(kind=kind):
            for phase in phases or [""]:
                labels = Labels(p, phase)
                for item in kind.queryset(p, phase, rights).iterator(chunk_size=2000):
                    yield (
                        p.unit_name,
                        phases.get(phase, phase),
                        kind.date_of(item),
                        *[c.get(item, labels) for c in kind.columns],
                    )

        w.add_chunks(
            f"records/{kind.slug}.xlsx",
            stream_workbook(kind.label[:31], header, rows()),
            title=f"{kind.label}（全部阶段）",
        )
        progress.step("记录")


def _surveys(w: Writer, p, template, progress: Progress) -> None:
    rounds = list(
        SurveyRound.objects.filter(participation=p)
        .select_related("subject_person")
        .order_by("instrument", "round_number", "pk")
    )
    closed = [r.pk for r in rounds if r.status == RoundStatus.CLOSED]
    counts = counts_for_rounds(closed)
    names = rules.instrument_names(template)
    out = []
    for r in rounds:
        entry = {
            "round_id": r.pk,
            "instrument": r.instrument,
            "instrument_name": names.get(r.instrument, r.instrument),
            "round_number": r.round_number,
            "subject": r.subject_person.name if r.subject_person_id else p.unit_name,
            "status_name": r.get_status_display(),
        }
        if r.status == RoundStatus.CLOSED:
            try:
                outcome = decide(get_instrument(template.data, r.instrument), counts.get(r.pk, {}))
            except Exception as exc:  # an instrument removed from the template since
                entry["result"] = f"无法判定：{exc}"
            else:
                entry["result"] = outcome.detail
                entry["answers"] = outcome.answers
                # Below the minimum group size no count is shown anywhere (anonymity).
                if outcome.status != "too_few":
                    entry["counts"] = {q: dict(o) for q, o in counts.get(r.pk, {}).items()}
        out.append(entry)
    w.add_bytes("surveys/results.json", _json(out), title="测评结果（仅汇总数）")
    progress.step("测评")


def _decisions(w: Writer, p, template, progress: Progress) -> None:
    phases = rules.phase_names(template)
    apps = [
        {
            **row_of(a),
            "from_phase_name": phases.get(a.from_phase, a.from_phase),
            "to_phase_name": phases.get(a.to_phase, a.to_phase),
            "status_name": a.get_status_display(),
        }
        for a in TransitionApplication.objects.filter(participation=p).order_by(
            "submitted_at", "pk"
        )
    ]
    w.add_bytes("decisions/transitions.json", _json(apps), title="转段申请与批复（含要求核查快照）")
    orders = [
        {**row_of(o), "phase_name": phases.get(o.phase, o.phase)}
        for o in RemedialOrder.objects.filter(participation=p).order_by("ordered_at", "pk")
    ]
    w.add_bytes("decisions/remedial_orders.json", _json(orders), title="责令补课")
    progress.step("转段")


ITEM_HEADER = [
    "序号",
    "层级",
    "问题",
    "整改类别",
    "整改措施",
    "牵头责任人",
    "完成时限",
    "状态",
    "办结日期",
]


def _rectification(w: Writer, p, template, progress: Progress) -> None:
    items = list(Item.objects.filter(participation=p).order_by("number", "pk"))
    ids = [i.pk for i in items]
    updates = list(ProgressUpdate.objects.filter(item_id__in=ids).order_by("created_at", "pk"))
    attachments = list(
        Attachment.objects.filter(update__item_id__in=ids).select_related("update").order_by("pk")
    )
    applications = list(CloseApplication.objects.filter(item_id__in=ids))
    signoffs = list(SignOff.objects.filter(application__item_id__in=ids))
    extensions = list(Extension.objects.filter(item_id__in=ids))
    rows = (
        (
            i.number,
            i.get_level_display(),
            i.problem,
            i.get_rect_class_display(),
            i.measures,
            i.lead_name,
            i.deadline,
            i.get_status_display(),
            i.closed_on,
        )
        for i in items
    )
    w.add_chunks(
        "rectification/items.xlsx",
        stream_workbook("整改事项", ITEM_HEADER, rows),
        title="整改事项台账",
    )
    evidence: dict[int, list] = {}
    for a in attachments:
        path = f"rectification/evidence/{a.update.item_id}/{a.pk}{_ext(a.original_name)}"
        entry = {**row_of(a), "bundle_file": path}
        try:
            w.add_chunks(path, _file_chunks(a.file), title=f"整改佐证：{a.original_name}")
        except FileNotFoundError:
            entry["bundle_file"] = ""
            entry["missing"] = "文件已不在存储中"
        evidence.setdefault(a.update_id, []).append(entry)
    by_item: dict[int, dict] = {
        i.pk: {
            **row_of(i),
            "status_name": i.get_status_display(),
            "rect_class_name": i.get_rect_class_display(),
            "progress": [],
            "close_applications": [],
            "extensions": [],
        }
        for i in items
    }
    for u in updates:
        by_item[u.item_id]["progress"].append({**row_of(u), "attachments": evidence.get(u.pk, [])})
    signs: dict[int, list] = {}
    for s in signoffs:
        signs.setdefault(s.application_id, []).append(row_of(s))
    for a in applications:
        by_item[a.item_id]["close_applications"].append(
            {**row_of(a), "sign_offs": signs.get(a.pk, [])}
        )
    for e in extensions:
        by_item[e.item_id]["extensions"].append(row_of(e))
    w.add_bytes(
        "rectification/items.json",
        _json(list(by_item.values())),
        title="整改事项：进展、佐证、办结审批、延期",
    )
    progress.step("整改")


def unit_events(p):
    return AuditEvent.objects.filter(
        Q(organisation_id=p.unit_id) & (Q(campaign_id=p.campaign_id) | Q(campaign_id__isnull=True))
    ).order_by("seq")


def _events(w: Writer, p, head_seq: int, progress: Progress) -> int:
    count = 0

    def lines():
        nonlocal count
        for event in unit_events(p).filter(seq__lte=head_seq).iterator(chunk_size=2000):
            count += 1
            yield (
                json.dumps(row_of(event), ensure_ascii=False, sort_keys=True, default=str) + "\n"
            ).encode()

    w.add_chunks("audit/events.jsonl", lines(), title="本单位审计事件（含链上哈希）")
    progress.step("审计事件")
    return count


README = """活动档案包
========

本压缩包是“{unit}”在“{campaign}”中的活动档案，由督导通于 {when} 导出（导出人：{who}）。

- index.pdf：档案目录（可打印），含完整性清单与每个文件的说明。
- manifest.json：档案清单，记有每个文件的 SHA-256 与大小，以及导出时审计链链头。
- verify.py：校验程序，只需 Python 3，不需联网、不需安装任何软件包。

校验方法：在本文件所在目录运行

    python3 verify.py 档案包.zip     （或解压后：python3 verify.py 解压目录）

程序逐一核对文件，列出被修改、多出或缺少的文件；并打印清单自身的 SHA-256，可与系统审计
记录中本次“导出活动档案”事件所记的清单哈希对照。
"""


@dataclass
class BuildResult:
    manifest_sha256: str
    head_seq: int
    head_hash: str
    members: int
    events: int


def build(
    path,
    *,
    participation,
    exporter,
    report: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> BuildResult:
    """Write the bundle of ``participation`` to ``path``."""
    p = participation
    template = p.campaign.template
    head = current_head()
    now = timezone.now()
    doc_count = Document.objects.filter(participation=p).count()
    progress = Progress(report, total=doc_count + len(all_kinds()) + 6)
    checklist = selectors.checklist(p)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        w = Writer(zf)
        unit = {
            "participation_id": p.pk,
            "unit_id": p.unit_id,
            "name": p.unit_name,
            "campaign": p.campaign.name,
            "campaign_id": p.campaign_id,
            "batch": str(p.batch),
            "group": str(p.group) if p.group_id else "",
            "current_phase": rules.phase_names(template).get(p.current_phase, p.current_phase),
        }
        lines = [
            {
                "code": s.line.code,
                "name": s.line.name,
                "phase": s.phase_name,
                "required": s.required,
                "have": s.have,
                "complete": s.ok,
                "missing": s.missing,
            }
            for s in checklist.lines
        ]
        w.add_bytes("unit.json", _json(unit), title="单位与活动信息")
        w.add_bytes("checklist.json", _json(lines), title="完整性清单")
        _documents(w, p, template, progress)
        _records(w, p, template, progress)
        _surveys(w, p, template, progress)
        _decisions(w, p, template, progress)
        _rectification(w, p, template, progress)
        events = _events(w, p, head.seq, progress)
        when = timezone.localtime(now).strftime("%Y年%m月%d日 %H:%M")
        who = _user(exporter)
        w.add_bytes(
            "README.txt",
            README.format(unit=p.unit_name, campaign=p.campaign.name, when=when, who=who).encode(),
        )
        w.add_bytes("verify.py", VERIFIER.read_bytes())
        contents = [["文件", "内容"], *w.contents]
        contents += [
            ["README.txt", "说明"],
            ["verify.py", "校验程序"],
            ["manifest.json", "档案清单（SHA-256）"],
        ]
        index = pdf.index_pdf(
            title=f"活动档案 · {p.unit_name}",
            facts=[
                ("活动", p.campaign.name),
                ("批次", str(p.batch)),
                ("督导组", unit["group"] or "（未分组）"),
                ("当前阶段", unit["current_phase"] or "—"),
                ("导出时间", when),
                ("导出人", who),
                ("审计链链头", f"第 {head.seq} 号事件，哈希 {head.hash}"),
                ("完整性", f"{checklist.done_count}/{len(checklist.lines)} 项齐全"),
                ("审计事件", f"{events} 条"),
            ],
            checklist=[
                ["档案项", "阶段", "应有/现有", "缺少"],
                *[
                    [s.line.name, s.phase_name, f"{s.required}/{s.have}", s.missing or "齐全"]
                    for s in checklist.lines
                ],
            ],
            contents=contents,
        )
        w.add_bytes("index.pdf", index)
        progress.step("目录")
        manifest = {
            "format": FORMAT,
            "unit": unit,
            "exported_at": timezone.localtime(now).isoformat(),
            "exported_by": who,
            "audit_head": head.as_dict(),
            "files": dict(sorted(w.files.items())),
        }
        raw = _json(manifest)
        zf.writestr("manifest.json", raw)
        progress.step("清单")
    return BuildResult(
        manifest_sha256=hashlib.sha256(raw).hexdigest(),
        head_seq=head.seq,
        head_hash=head.hash,
        members=len(w.files) + 1,
        events=events,
    )
