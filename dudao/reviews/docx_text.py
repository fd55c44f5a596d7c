"""Text of an uploaded .docx: headings, paragraphs and tables in document order.

Everything that can be wrong with an upload is checked here, before anything is saved, and
refused with a message that says what to do: too large, not a .docx (an old .doc), encrypted
(Word's "用密码进行加密" produces an OLE container, not a zip), damaged, or a zip that would
expand to an unreasonable size.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn

from dudao.core.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the same as the server's upload limit
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_TEXT_CHARS = 300_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRefused(DomainError):
    pass


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refusing oversized files before reading them whole."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise UploadRefused(_too_large(size))
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return (
        f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 "
        f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB：请删除其中的图片后重新上传，或直接粘贴正文。"
    )


def extract_text(data: bytes, name: str = "") -> str:
    """The document's text, one line per paragraph or heading, one line per table row (cells
    separated by " | "). Raises UploadRefused with a Chinese message for any unusable file."""
    label = f"“{name}”" if name else "上传的文件"
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(_too_large(len(data)))
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UploadRefused(
                f"{label}设置了打开密码，系统无法读取：请在 Word 中取消密码（文件→信息→保护文档）"
                "后重新上传。"
            )
        raise UploadRefused(
            f"{label}是旧版 Word（.doc）格式：请在 Word 中“另存为”.docx 后重新上传。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRefused(f"{label}不是有效的 .docx 文件（可能已损坏）：请重新保存后上传。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise UploadRefused(
                    f"{label}不是 Word 文档（缺少正文部分）：请上传 .docx 格式的 Word 文件。"
                )
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise UploadRefused(f"{label}解压后过大，系统拒绝读取：请删除图片后重新上传。")
            bad = zf.testzip()
            if bad is not None:
                raise UploadRefused(f"{label}已损坏（{bad} 校验失败）：请重新保存后上传。")
        document = open_docx(io.BytesIO(data))
    except UploadRefused:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged XML
        raise UploadRefused(
            f"{label}已损坏，无法读取（{type(exc).__name__}）：请在 Word 中打开并重新保存后上传。"
        ) from None
    lines = list(_block_lines(document.element.body))
    text = "\n".join(line for line in lines if line.strip())
    if len(text) > MAX_TEXT_CHARS:
        raise UploadRefused(
            f"{label}正文超过 {MAX_TEXT_CHARS:,} 字，超出单篇文书的合理长度：请分篇提交。"
        )
    return text


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts).strip()


def _block_lines(parent):
    """Paragraphs and tables of a body or cell, in order; nested tables are flattened."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield _paragraph_text(child)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                cells = []
                for cell in row.iterchildren(qn("w:tc")):
                    cells.append(" ".join(x for x in _block_lines(cell) if x))
                # Merged cells repeat; a row of empty cells is no text.
                if any(cells):
                    yield " | ".join(cells)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content)
