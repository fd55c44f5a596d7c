"""The export bundle holds the unit's whole archive with a manifest bound to the audit chain's
head; the shipped verifier (run as a separate Python process, standard library only) accepts an
untouched bundle and names a changed, an added and a removed file."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dudao.archive import actions
from dudao.archive.models import ArchiveExport, ExportStatus
from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent


@pytest.fixture
def export(cast2005, filled):
    result = actions.request_export(
        actor=cast2005.user("group_leader"), participation=filled, token="t-1"
    )
    assert result.status == ExportStatus.DONE, result.failure
    return result


@pytest.fixture
def unpacked(export, tmp_path):
    folder = tmp_path / "bundle"
    with export.file.open("rb") as fh, zipfile.ZipFile(fh) as zf:
        zf.extractall(folder)
    return folder


def _verify(target, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", str(cwd / "verify.py"), str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )


def test_the_bundle_holds_the_whole_archive(export, unpacked):
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    for expected in (
        "index.pdf",
        "manifest.json",
        "verify.py",
        "README.txt",
        "unit.json",
        "checklist.json",
        "records/meetings.xlsx",
        "records/sessions.xlsx",
        "surveys/results.json",
        "decisions/transitions.json",
        "decisions/remedial_orders.json",
        "rectification/items.xlsx",
        "rectification/items.json",
        "audit/events.jsonl",
    ):
        assert expected in names, expected
    # Every version: its text, and the original where one was uploaded.
    docs = [n for n in names if n.startswith("documents/")]
    assert sum(n.endswith(".txt") for n in docs) == 4
    assert sum("-original" in n for n in docs) == 1
    meta = [
        json.loads((unpacked / n).read_text("utf-8")) for n in docs if n.endswith("document.json")
    ]
    plan = next(m for m in meta if m["kind"] == "implementation_plan")
    assert [r["decision"] for r in plan["review_rounds"]] == ["returned", "approved"]
    assert plan["comments"][0]["body"] == "请写明具体问题"
    # Evidence of rectification: the photo itself.
    assert any(n.startswith("rectification/evidence/") and n.endswith(".png") for n in names)
    items = json.loads((unpacked / "rectification/items.json").read_text("utf-8"))
    assert items[0]["progress"][0]["attachments"][0]["bundle_file"]
    # Decisions with their evidence snapshot.
    transitions = json.loads((unpacked / "decisions/transitions.json").read_text("utf-8"))
    assert transitions[0]["report_snapshot"]["requirements"][0]["name"] == "集中学习"
    # Records as Excel.
    ws = load_workbook(unpacked / "records/meetings.xlsx").active
    rows = list(ws.iter_rows(values_only=True))[1:]  # below the title row (what, whose, when)
    assert rows[0][:3] == ("单位", "阶段", "日期") and len(rows) == 3
    assert rows[1][0] == "东城区财政局"


def test_surveys_carry_aggregates_only(export, unpacked):
    results = json.loads((unpacked / "surveys/results.json").read_text("utf-8"))
    assert results[0]["counts"]["found_problems"]["找准抓住了"] == 20
    assert set(results[0]) <= {
        "round_id",
        "instrument",
        "instrument_name",
        "round_number",
        "subject",
        "status_name",
        "result",
        "answers",
        "counts",
    }
    text = (unpacked / "surveys/results.json").read_text("utf-8")
    assert "code" not in json.loads(text)[0]


def test_the_index_pdf_reads_in_chinese(export, unpacked):
    text = "".join(page.extract_text() for page in PdfReader(unpacked / "index.pdf").pages)
    assert "活动档案" in text and "东城区财政局" in text
    assert "完整性清单" in text and "党性分析材料" in text
    assert "第 1 页" in text


def test_the_manifest_is_bound_to_the_audit_head(export, unpacked):
    manifest_raw = (unpacked / "manifest.json").read_bytes()
    manifest = json.loads(manifest_raw)
    assert manifest["audit_head"]["seq"] == export.head_seq > 0
    assert manifest["audit_head"]["hash"] == export.head_hash
    head_event = AuditEvent.objects.get(seq=export.head_seq)
    assert head_event.hash == export.head_hash
    assert hashlib.sha256(manifest_raw).hexdigest() == export.manifest_sha256
    done = AuditEvent.objects.filter(action="archive.export", target_id=str(export.pk)).get()
    assert done.data["manifest_sha256"] == export.manifest_sha256
    assert done.data["audit_head_seq"] == export.head_seq
    assert done.organisation_id == export.participation.unit_id
    assert verify_chain()[1] is None
    # The unit's audit events are in the bundle, up to the head, with their chain hashes.
    lines = (unpacked / "audit/events.jsonl").read_text("utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert events and all(e["seq"] <= export.head_seq for e in events)
    assert any(e["action"] == "rectification.create_item" for e in events)
    for e in events:
        assert AuditEvent.objects.get(seq=e["seq"]).hash == e["hash"]
    with export.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == export.bundle_sha256


def test_the_verifier_accepts_an_untouched_bundle(export, unpacked, tmp_path):
    run = _verify(unpacked, unpacked)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "校验通过" in run.stdout and export.manifest_sha256 in run.stdout
    zipped = tmp_path / "bundle.zip"
    with export.file.open("rb") as fh:
        zipped.write_bytes(fh.read())
    run = _verify(zipped, unpacked)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_verifier_names_a_changed_byte_an_added_and_a_removed_file(unpacked):
    target = unpacked / "records/meetings.xlsx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (unpacked / "documents" / "extra.txt").write_text("后来放入的文件", "utf-8")
    (unpacked / "surveys/results.json").unlink()
    run = _verify(unpacked, unpacked)
    assert run.returncode == 1
    out = run.stdout
    assert "被修改：records/meetings.xlsx" in out
    assert "多出：documents/extra.txt" in out
    assert "缺少：surveys/results.json" in out
    assert out.count("被修改：") == 1 and out.count("多出：") == 1 and out.count("缺少：") == 1


def test_the_verifier_names_a_changed_byte_inside_the_zip(export, unpacked, tmp_path):
    with export.file.open("rb") as fh:
        original = zipfile.ZipFile(io.BytesIO(fh.read()))
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "index.pdf":
                data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
            out.writestr(info.filename, data)
    run = _verify(tampered, unpacked)
    assert run.returncode == 1 and "被修改：index.pdf" in run.stdout


def test_the_verifier_uses_the_standard_library_only(unpacked):
    import ast

    tree = ast.parse((unpacked / "verify.py").read_text("utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_a_double_submit_exports_once(cast2005, filled):
    leader = cast2005.user("group_leader")
    first = actions.request_export(actor=leader, participation=filled, token="same")
    again = actions.request_export(actor=leader, participation=filled, token="same")
    assert first.pk == again.pk
    assert ArchiveExport.objects.count() == 1
    assert AuditEvent.objects.filter(action="archive.export").count() == 1


def test_the_leading_group_reads_but_does_not_export(cast2005, filled):
    from dudao.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        actions.request_export(actor=cast2005.user("leading"), participation=filled, token="x")
    assert not ArchiveExport.objects.exists()


def test_the_page_exports_and_downloads(client, cast2005, filled):
    client.force_login(cast2005.user("unit_head"))
    page = client.get(f"/archive/units/{filled.pk}/").content.decode()
    assert "完整性清单" in page and "导出档案包" in page
    response = client.post(f"/archive/units/{filled.pk}/export/", {"token": "abc"})
    assert response.status_code == 302
    export = ArchiveExport.objects.get()
    page = client.get(f"/archive/units/{filled.pk}/").content.decode()
    assert "已完成" in page and export.manifest_sha256 in page
    download = client.get(f"/archive/exports/{export.pk}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("manifest.json")
    client.force_login(cast2005.user("leading"))
    assert client.get(f"/archive/exports/{export.pk}/download/").status_code == 404


def test_a_failed_build_is_recorded_and_leaves_no_file(cast2005, filled, monkeypatch):
    from dudao.archive import bundle

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bundle, "build", broken)
    export = actions.request_export(actor=cast2005.user("office"), participation=filled, token="f")
    assert export.status == ExportStatus.FAILED and not export.file
    assert "未生成文件" in export.failure
    assert AuditEvent.objects.filter(action="archive.export_fail").count() == 1
