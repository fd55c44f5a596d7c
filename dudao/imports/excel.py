"""Reading real-world office files: type detection by content, error cells, and cell cleaning.

Offices keep lists in Excel (.xlsx and the older .xls), in WPS and LibreOffice (.ods), and as
.csv exported from other systems (UTF-8, with or without a BOM, or GBK/GB18030 as WPS and older
Excel write it); all are read the same way. Real sheets have a title row or two (merged across
the columns) above the header: ``header_row`` finds the header by the columns it names.

Clerks' workbooks contain full-width digits, stray spaces, dates typed as text, ID numbers
ending in x or stored as numbers, and names outside the BMP; every cleaner here returns the
value or raises ``CellError`` with a Chinese reason that the import shows next to the row and
column. Stored text keeps what the user wrote (``clean_text`` only trims it); normalisation
(NFKC: full-width and half-width equal) is for what identifies or is parsed (``normal_text``,
``clean_code``, dates, numbers, choices).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a file picker offers wherever a list is uploaded (the <input accept> attribute).
SPREADSHEET_ACCEPT = (
    ".xlsx,.xls,.ods,.csv,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet,text/csv"
)
# The sheet name a .csv file is read as (a CSV file has one sheet and no sheet name).
CSV_SHEET = "CSV"


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


WPS_SAVE_AS = (
    "在 Excel 或 WPS 表格中打开，点“文件→另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再上传。"
)


def sniff(data: bytes) -> str:
    """The kind of spreadsheet by its content (never by its name): xlsx, xls, ods or csv; an
    unreadable or wrong file is refused with what to do."""
    if not data:
        raise FileRejected(
            "文件是空的（0 字节）。请确认选择了正确的文件，或在 Excel 中重新保存后再上传。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: old Excel (.xls), old Word (.doc), WPS (.wps/.et) or an encrypted
        # Office file. Excel's workbook stream is called "Workbook" (or "Book" in Excel 5).
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRejected("文件设置了密码保护。请在 Excel 或 WPS 中取消密码后再上传。")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise FileRejected("这是旧版 Word（.doc）或 WPS 文字（.wps）文件，不是表格。" + WPS_SAVE_AS)
    if data.startswith(b"%PDF"):
        raise FileRejected(
            "这是 PDF 文件，不是表格。请上传 .xlsx、.xls、.ods 或 .csv 文件（可下载导入模板填写）。"
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = set(zf.namelist())
            mimetype = zf.read("mimetype") if "mimetype" in names else b""
        except (zipfile.BadZipFile, KeyError):
            raise FileRejected(
                "文件已损坏，无法打开。请在 Excel 或 WPS 中重新保存为 .xlsx 后再上传。"
            ) from None
        if "word/document.xml" in names:
            raise FileRejected("这是 Word 文档（.docx），不是表格。" + WPS_SAVE_AS)
        if "xl/workbook.xml" in names:
            return "xlsx"
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise FileRejected("这是 LibreOffice/WPS 的文字文档，不是表格。" + WPS_SAVE_AS)
        raise FileRejected("这不是 Excel 工作簿。" + WPS_SAVE_AS)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("这不是表格文件（看起来是其他程序的文件）。" + WPS_SAVE_AS)
    return "csv"


def decode_csv(data: bytes) -> str:
    """The text of a .csv file: UTF-8 (with or without a BOM), UTF-16 with a BOM, or
    GB18030 (a superset of GBK and GB2312, what WPS and Chinese Excel write)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRejected(
            "CSV 文件的文字编码无法识别（不是 UTF-8 也不是 GBK）。" + WPS_SAVE_AS
        ) from None


def _csv_rows(data: bytes) -> list[list]:
    text = decode_csv(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


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
    """All sheets as lists of rows (row 0 = the sheet's first row), and the error cells per
    sheet (xlsx only: the other formats keep no error values a reader could see). A .csv file
    is one sheet named ``CSV_SHEET``."""
    kind = sniff(data)
    if kind == "csv":
        return {CSV_SHEET: _csv_rows(data)}, {}
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
    return sheets, (error_cells(data) if kind == "xlsx" else {})


def header_row(rows: list[list], known: Iterable[str], *, scan: int = 15) -> int | None:
    """Index of the header row: the first of the sheet's first ``scan`` rows that names the
    most of the ``known`` column headers (at least two, or all of them when fewer are known).
    Title rows above it ("2005年示范市党员名册", merged across the columns) and notes are
    skipped. None when no row qualifies: the sheet has no header the import knows."""
    wanted = {normal_text(k) for k in known}
    need = min(2, len(wanted))
    best, best_hits = None, 0
    for i, row in enumerate(rows[:scan]):
        hits = len({normal_text(v) for v in row} & wanted)
        if hits >= need and hits > best_hits:
            best, best_hits = i, hits
            if hits == len(wanted):
                break
    return best


# --- cell cleaning ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _scalar_text(value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return None


def clean_text(value) -> str:
    """Text as the user wrote it, for storing: only leading and trailing whitespace removed
    (“示范市档案馆（筹）” stays full-width). Numbers and dates as they read."""
    scalar = _scalar_text(value)
    return scalar if scalar is not None else str(value).strip()


def normal_text(value) -> str:
    """Text for comparing, matching and parsing, never for storing: NFKC (full-width digits
    and letters → ASCII), trimmed, inner runs of spaces folded. Characters outside the BMP
    (𠮷) are kept as they are."""
    scalar = _scalar_text(value)
    if scalar is not None:
        return scalar
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def clean_code(value) -> str:
    """Codes identify: normalised, without any inner spaces."""
    return normal_text(value).replace(" ", "")


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
    text = normal_text(value).replace(" ", "")
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
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has
        # already lost its last digits (and an ending X cannot be typed at all).
        raise CellError(
            f"身份证号被存成了数字（显示为 {value:.0f}），Excel 只保留 15 位有效数字，后几位已变成 0。"
            "请把这一列的单元格格式设为“文本”后重新输入号码（或在号码前加英文单引号 '）"
        )
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
    text = normal_text(value)
    if text in {"", "否", "不是", "N", "n", "no", "0", "False", "FALSE"}:
        return False
    if text in {"是", "Y", "y", "yes", "1", "True", "TRUE", "√"}:
        return True
    raise CellError(f"请填“是”或“否”，实际为“{text}”")


def clean_choice(value, mapping: dict[str, str], what: str) -> str | None:
    """One of the mapping's keys (synonyms allowed); the error lists one label per choice."""
    text = normal_text(value)
    if not text:
        return None
    if text in mapping:
        return mapping[text]
    normalised = {normal_text(label): choice for label, choice in mapping.items()}
    if text in normalised:
        return normalised[text]
    first_label: dict[str, str] = {}
    for label, choice in mapping.items():
        first_label.setdefault(choice, label)
    shown = list(first_label.values())
    raise CellError(f"{what}只能填：{'、'.join(shown)}，实际为“{text}”")
