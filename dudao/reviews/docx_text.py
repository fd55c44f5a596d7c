"""Text of an uploaded .docx: headings, paragraphs and tables in document order, as Word shows
them: list numbering as it appears ("一、", "（二）", "1.", "①"), footnotes at their place
("〔注1：……〕"), and every picture noted as "[图片]" so that a reviewer knows one was there.

Everything that can be wrong with an upload is checked here, before anything is saved, and
refused with a message that says what to do: too large, not a .docx (an old .doc), encrypted
(Word's "用密码进行加密" produces an OLE container, not a zip), damaged, or a zip that would
expand to an unreasonable size.
"""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree

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
            f"{label}是旧版 Word（.doc）或 WPS 文字（.wps）格式，系统无法读取。请在 Word 中点"
            "“文件→另存为”，保存类型选“Word 文档（*.docx）”；在 WPS 中点“文件→另存为”，文件类型选"
            "“Microsoft Word 文件（*.docx）”，保存后重新上传。"
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
    context = _Context(document)
    lines = list(_block_lines(document.element.body, context))
    text = "\n".join(line for line in lines if line.strip())
    if len(text) > MAX_TEXT_CHARS:
        raise UploadRefused(
            f"{label}正文超过 {MAX_TEXT_CHARS:,} 字，超出单篇文书的合理长度：请分篇提交。"
        )
    return text


class _Context:
    """What paragraph text needs from the rest of the package: numbering definitions and
    counters, and the footnotes' text."""

    def __init__(self, document):
        self.levels: dict[
            tuple[str, int], tuple[str, str, int]
        ] = {}  # (numId, ilvl) → fmt, text, start
        self.counters: dict[str, list[int]] = {}
        self.footnotes: dict[str, str] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        part = document.part
        try:
            numbering = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        if numbering is not None:
            abstract = {}
            for a in numbering.iterchildren(qn("w:abstractNum")):
                lvls = {}
                for lvl in a.iterchildren(qn("w:lvl")):
                    # Word and LibreOffice put Chinese formats in mc:AlternateContent (a
                    # Choice with the real format, a Fallback with "decimal"): the first wins.
                    fmt = _val(next(lvl.iter(qn("w:numFmt")), None)) or "decimal"
                    text = _val(lvl.find(qn("w:lvlText"))) or ""
                    start = int(_val(lvl.find(qn("w:start"))) or 1)
                    lvls[int(lvl.get(qn("w:ilvl")) or 0)] = (fmt, text, start)
                abstract[a.get(qn("w:abstractNumId"))] = lvls
            for num in numbering.iterchildren(qn("w:num")):
                ref = _val(num.find(qn("w:abstractNumId")))
                for ilvl, spec in abstract.get(ref, {}).items():
                    self.levels[(num.get(qn("w:numId")), ilvl)] = spec
                for override in num.iterchildren(qn("w:lvlOverride")):
                    start = override.find(qn("w:startOverride"))
                    ilvl = int(override.get(qn("w:ilvl")) or 0)
                    if start is not None and (num.get(qn("w:numId")), ilvl) in self.levels:
                        fmt, text, _s = self.levels[(num.get(qn("w:numId")), ilvl)]
                        self.levels[(num.get(qn("w:numId")), ilvl)] = (fmt, text, int(_val(start)))
        for style in document.styles.element.iterchildren(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_id = _val(num_pr.find(qn("w:numId")))
                ilvl = int(_val(num_pr.find(qn("w:ilvl"))) or 0)
                if num_id:
                    self.style_numbering[style.get(qn("w:styleId"))] = (num_id, ilvl)
        for rel in part.rels.values():
            if rel.reltype.endswith("/footnotes") and not rel.is_external:
                root = etree.fromstring(rel.target_part.blob)
                for note in root.iterchildren(qn("w:footnote")):
                    if note.get(qn("w:type")) in (None, "normal"):
                        text = " ".join(
                            t for t in (_paragraph_text(p) for p in note.iter(qn("w:p"))) if t
                        )
                        self.footnotes[note.get(qn("w:id"))] = text
        self.footnote_numbers: dict[str, int] = {}

    def label(self, paragraph) -> str:
        """The number Word shows before this paragraph, or ""."""
        num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id = _val(num_pr.find(qn("w:numId")))
            ilvl = int(_val(num_pr.find(qn("w:ilvl"))) or 0)
        else:
            style = _val(paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}"))
            if style in self.style_numbering:
                num_id, ilvl = self.style_numbering[style]
        if not num_id or num_id == "0" or (num_id, ilvl) not in self.levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = self.levels[(num_id, ilvl)]
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0  # a higher level restarts the levels below it
        if fmt == "bullet":
            return "• "
        if fmt == "none":
            return ""

        def level_value(match) -> str:
            k = int(match.group(1)) - 1
            level_fmt = self.levels.get((num_id, k), (fmt, "", 1))[0]
            value = counts[k] or self.levels.get((num_id, k), (fmt, "", 1))[2]
            return _format_number(value, level_fmt)

        label = re.sub(r"%(\d)", level_value, text)
        # Word puts a tab (or space) after the number; Chinese labels ending in "、" or "）" run
        # straight into the text, as they print.
        return label if label.endswith((" ", "\t", "、", "．", "。", "）", ")")) else label + " "

    def footnote(self, note_id: str) -> str:
        number = self.footnote_numbers.setdefault(note_id, len(self.footnote_numbers) + 1)
        return f"〔注{number}：{self.footnotes.get(note_id, '')}〕"


def _val(node) -> str | None:
    return None if node is None else node.get(qn("w:val"))


_CN_DIGITS = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "ideographTraditional",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return str(n)


def _paragraph_text(p, context: _Context | None = None) -> str:
    parts = []
    for node in p.iter():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif node.tag in (qn("w:drawing"), qn("w:pict"), qn("w:object")):
            parts.append("[图片]")
        elif node.tag == qn("w:footnoteReference") and context is not None:
            parts.append(context.footnote(node.get(qn("w:id"))))
    text = "".join(parts).strip()
    if context is not None and p.tag == qn("w:p") and text:
        text = context.label(p) + text
    return text


def _block_lines(parent, context: _Context | None = None):
    """Paragraphs and tables of a body or cell, in order; nested tables are flattened."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield _paragraph_text(child, context)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                cells = []
                for cell in row.iterchildren(qn("w:tc")):
                    cells.append(" ".join(x for x in _block_lines(cell, context) if x))
                # Merged cells repeat; a row of empty cells is no text.
                if any(cells):
                    yield " | ".join(cells)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, context)
