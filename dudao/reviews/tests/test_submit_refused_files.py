"""A corrupt, encrypted, oversized or non-.docx upload is refused with a clear Chinese message
and nothing is saved: no document, no version, no stored file, no audit event."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from msoffcrypto.format.ooxml import OOXMLFile

from dudao.core.errors import DomainError
from dudao.core.models import AuditEvent
from dudao.reviews import actions
from dudao.reviews.docx_text import MAX_UPLOAD_BYTES
from dudao.reviews.models import Document, DocumentVersion

from .helpers import docx_upload, participation


def _good(doc):
    doc.add_paragraph("实施方案正文，内容完整。" * 10)


def _encrypted() -> bytes:
    plain = docx_upload(_good).read()
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("mima2005", out)
    return out.getvalue()


def _corrupt() -> bytes:
    data = bytearray(docx_upload(_good).read())
    # Damage the middle of the zip (the compressed document part).
    for k in range(len(data) // 3, len(data) // 3 + 200):
        data[k] ^= 0x5A
    return bytes(data)


def _truncated() -> bytes:
    data = docx_upload(_good).read()
    return data[: len(data) // 2]


CASES = {
    "encrypted": (_encrypted, "设置了打开密码"),
    "corrupt": (_corrupt, "损坏"),
    "truncated": (_truncated, "损坏"),
    "oversized": (lambda: b"PK" + b"0" * (MAX_UPLOAD_BYTES + 10), "文件过大"),
    "old_doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "旧版 Word"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_refuses_the_file_and_saves_nothing(cast05, settings, case):
    build, message = CASES[case]
    events = AuditEvent.objects.count()
    upload = SimpleUploadedFile("方案.docx", build())
    with pytest.raises(DomainError, match=message) as err:
        actions.submit_document(
            actor=cast05.user("liaison"),
            participation=participation(cast05),
            kind="implementation_plan",
            upload=upload,
        )
    assert "请" in err.value.message  # says what to do
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert AuditEvent.objects.count() == events
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_refused_revision_leaves_the_document_as_it_was(cast05):
    doc = actions.submit_document(
        actor=cast05.user("liaison"),
        participation=participation(cast05),
        kind="implementation_plan",
        text="第一稿正文。" * 10,
    )
    actions.decide(
        actor=cast05.user("group_leader"), document=doc, decision="returned", reason="请修改。"
    )
    doc.refresh_from_db()
    before = doc.version
    with pytest.raises(DomainError):
        actions.submit_document(
            actor=cast05.user("liaison"),
            participation=participation(cast05),
            kind="implementation_plan",
            document=doc,
            upload=SimpleUploadedFile("方案.docx", _truncated()),
        )
    doc.refresh_from_db()
    assert (doc.status, doc.version, doc.versions.count()) == ("returned", before, 1)


def test_it_refuses_a_file_that_is_not_docx_by_name(cast05):
    with pytest.raises(DomainError, match="不是 .docx"):
        actions.submit_document(
            actor=cast05.user("liaison"),
            participation=participation(cast05),
            kind="implementation_plan",
            upload=SimpleUploadedFile("方案.pdf", b"%PDF-1.4"),
        )
