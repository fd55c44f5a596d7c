"""Reading real-world Excel files: type detection by content, error cells, and cell cleaning.

Clerks' workbooks contain full-width digits, stray spaces, dates typed as text, ID numbers
ending in x and names outside the BMP; every cleaner here returns the value or raises
``CellError`` with a Chinese reason that the import shows next to the row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says what to do."""


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel shows it (header is row 1)
    column: str  # header text, or "" for the whole row
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sniff(data: bytes) -> None:
    if not data:
        raise FileRejected(
            "文件是空的（0 字节）。请确认选择了正确的文件，或在 Excel 中重新保存后再上传。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            "这是旧版 Excel（.xls）或 Word（.doc）文件。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if data.startswith(b"%PDF"):
        raise FileRejected(
            "这是 PDF 文件，不是 Excel 表格。请上传 .xlsx 文件（可下载导入模板填写）。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected(
            "这不是 Excel 文件（看起来是文本或 CSV 文件）。请用 Excel 打开后“另存为”Excel 工作簿（.xlsx）再上传。"
        )
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise FileRejected(
            "文件已损坏，无法打开。请在 Excel 中重新保存为 .xlsx 后再上传。"
        ) from None
    if "word/document.xml" in names:
        raise FileRejected("这是 Word 文档（.docx），不是 Excel 表格。请上传 .xlsx 文件。")
    if "xl/workbook.xml" not in names:
        raise FileRejected("这不是 Excel 工作簿（.xlsx）。请用 Excel 另存为 .xlsx 后再上传。")


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>', re.S
)


def error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """{sheet name: {(row index from 0, column index from 0): '#REF!'}} for cells holding an
    Excel error value (calamine reads them as empty, which would hide them)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            xml = zf.read(path)
        except KeyError:
            continue
        if b't="e"' not in xml:
            continue
        found = {}
        for col, row, value in _ERROR_CELL.findall(xml):
            c = 0
            for ch in col.decode():
                c = c * 26 + (ord(ch) - 64)
            found[(int(row) - 1, c - 1)] = value.decode()
        out[sheet.get("name")] = found
    return out


def read_workbook(
    data: bytes,
) -> tuple[dict[str, list[list]], dict[str, dict[tuple[int, int], str]]]:
    """All sheets as lists of rows (row 0 = header), and the error cells per sheet."""
    _sniff(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {
            name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in wb.sheet_names
        }
    except Exception as exc:  # calamine raises several types for broken or encrypted files
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise FileRejected("文件设置了密码保护。请在 Excel 中取消密码后再上传。") from None
        raise FileRejected(
            "文件无法读取，可能已损坏或被加密。请在 Excel 中重新保存为 .xlsx 后再上传。"
        ) from None
    return sheets, error_cells(data)


# --- cell cleaning ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def clean_text(value) -> str:
    """NFKC (full-width digits/letters → ASCII), trimmed, inner runs of spaces folded.
    Characters outside the BMP (𠮷) are kept as they are."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def clean_code(value) -> str:
    """Codes: like text, without any inner spaces."""
    return clean_text(value).replace(" ", "")


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def clean_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466 and not (19000101 <= value <= 21001231):
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    text = clean_text(value).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError(f"日期不存在：{text}") from None
    raise CellError(f"无法识别的日期“{text}”，请写成 2005-01-23、2005年1月23日 或 2005.1.23")


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def clean_id_number(value) -> str | None:
    """A resident ID number (GB 11643): 18 characters with a valid check digit (x → X), or an
    old 15-digit number."""
    text = clean_code(value).upper()
    if not text:
        return None
    if re.fullmatch(r"\d{15}", text):
        return text
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise CellError(
            f"身份证号应为 18 位（最后一位可为 X）或 15 位数字，实际为“{text}”（{len(text)} 位）"
        )
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS)) % 11]
    if text[17] != check:
        raise CellError(f"身份证号“{text}”校验位不对（应为 {check}），请核对是否录错")
    return text


def clean_bool(value) -> bool:
    text = clean_text(value)
    if text in {"", "否", "不是", "N", "n", "no", "0", "False", "FALSE"}:
        return False
    if text in {"是", "Y", "y", "yes", "1", "True", "TRUE", "√"}:
        return True
    raise CellError(f"请填“是”或“否”，实际为“{text}”")


def clean_choice(value, mapping: dict[str, str], what: str) -> str | None:
    """One of the mapping's keys (synonyms allowed); the error lists one label per choice."""
    text = clean_text(value)
    if not text:
        return None
    if text in mapping:
        return mapping[text]
    first_label: dict[str, str] = {}
    for label, choice in mapping.items():
        first_label.setdefault(choice, label)
    shown = list(first_label.values())
    raise CellError(f"{what}只能填：{'、'.join(shown)}，实际为“{text}”")
