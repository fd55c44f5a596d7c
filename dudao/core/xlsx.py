"""Spreadsheet output: every .xlsx the product writes goes through these helpers.

User text is stored as text, never as a formula, whatever it begins with (issue 10, item 6):
openpyxl turns any string starting with ``=`` into a live formula (``=HYPERLINK(…)``,
``=cmd|…``) and ``#N/A`` and the like into error values. Here such strings are written as
string cells (``data_type "s"``) with Excel's quote prefix, so the sheet shows exactly what the
user wrote and Excel keeps it text even when someone edits the cell; text beginning with ``+``,
``-``, ``@``, a tab or a carriage return (which Excel and LibreOffice may evaluate when the
cell is edited or the sheet re-saved as CSV) gets the quote prefix as well. Nothing is
prefixed or stripped: the text read back is the text written. Characters XML cannot hold
(control characters other than tab and line breaks) become U+FFFD instead of failing the
export.

Two writers: :func:`stream_workbook` (openpyxl write-only, bounded memory, for list exports)
and :func:`append_row` for an ordinary in-memory worksheet (templates with styles and
validation). Code that builds its own ``Workbook`` must add rows with :func:`append_row`.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# First characters a spreadsheet program may read as the start of a formula or command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES


def _force_text(cell, text: str) -> None:
    """Store ``text`` in ``cell`` as a string cell, never a formula or an error value."""
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = True


def write_only_value(ws, value: Any):
    """A value for a write-only worksheet's ``append``: risky text becomes a text cell."""
    if isinstance(value, str):
        value = _clean(value)
        if _risky(value):
            cell = WriteOnlyCell(ws)
            _force_text(cell, value)
            return cell
    return value


def append_row(ws, values: Sequence[Any]) -> None:
    """Append one row to an ordinary (in-memory) worksheet, keeping user text as text."""
    values = [_clean(v) if isinstance(v, str) else v for v in values]
    ws.append(values)
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        if isinstance(value, str) and _risky(value):
            _force_text(ws.cell(row=row, column=col), value)


# --- print layout (issue 14, item 4) -----------------------------------------------------------
# Every sheet written here prints: a title row (what, for whom, when), the header row frozen and
# repeated on every printed page, column widths from the content (a CJK character counts two),
# landscape A4 fitted to one page wide, dates with a date format in a column wide enough that
# they never print as ###. A long column name wraps onto up to three lines instead of widening
# its column: a table of thirty counts, each under a name of ten characters, would otherwise be
# shrunk to a quarter of its size to fit the page.

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_LINES = 3  # a column name wraps onto at most this many lines
HEADER_MIN = 8  # and never below this width (four CJK characters a line)
LINE_HEIGHT = 15  # points per line of an 11-point header row
TITLE_SIZE, TITLE_LINE_HEIGHT = 14, 20  # the title row's font and line height, in points
# What one landscape A4 page holds at full size, in Excel's character units, as LibreOffice
# prints it (measured; Excel, whose units are Calibri's, should fit a little more).
PAGE_WIDTH = 112
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
SAMPLE_ROWS = 500  # rows read ahead to size the columns; later rows stream through


def text_width(value: Any) -> int:
    """Display width of a value in Excel's character units: East Asian wide and full-width
    characters count two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = value if isinstance(value, str) else str(value)
    longest = 0
    for line in text.splitlines() or [""]:
        longest = max(
            longest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        )
    return longest


def header_width(value: Any) -> int:
    """The width a column name asks for once it may wrap onto :data:`HEADER_LINES` lines."""
    width = text_width(value)
    if width <= HEADER_MIN:
        return width
    wrapped = -(-width // HEADER_LINES)
    return max(HEADER_MIN, wrapped + wrapped % 2)  # even: a CJK character is never split


def header_lines(header: Sequence[Any], widths: Sequence[int]) -> int:
    """How many lines the tallest wrapped column name takes in columns of ``widths``."""
    lines = 1
    for text, width in zip(header, widths, strict=False):
        room = max(2, (width - 2) // 2 * 2)
        lines = max(lines, -(-text_width(text) // room))
    return lines


def column_widths(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[int]:
    widths = [header_width(h) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            if i >= len(widths):
                widths.append(0)
            widths[i] = max(widths[i], text_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def title_line(title: str, audience: str = "", when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now().astimezone()
    parts = [title]
    if audience:
        parts.append(f"报送/使用：{audience}")
    parts.append(f"制表时间：{when:%Y年%m月%d日 %H:%M}")
    return "　".join(parts)


def set_print_layout(ws, *, header_row: int, columns: int) -> None:
    """Landscape A4, one page wide (as many pages tall as it takes), header row repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4 (ECMA-376 paper size 9)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _date_cell(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
    return cell


def _row_cells(ws, row) -> list:
    out = []
    for value in row:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)  # Excel has no time zones
        if isinstance(value, dt.date):
            out.append(_date_cell(ws, value))
        else:
            out.append(write_only_value(ws, value))
    return out


@dataclass
class Sheet:
    """One worksheet of a streamed workbook: ``title`` heads it (row 1), ``name`` is its tab
    (``title`` cut to Excel's 31 characters when not given)."""

    title: str
    header: list[str]
    rows: Iterable[tuple]
    widths: list[int] | None = None
    name: str = ""


def stream_workbook(
    title: str,
    header: list[str],
    rows: Iterable[tuple],
    *,
    widths: list[int] | None = None,
    audience: str = "",
    when: dt.datetime | None = None,
) -> Iterator[bytes]:
    """One sheet of rows, streamed: :func:`stream_sheets` with a single :class:`Sheet`."""
    return stream_sheets([Sheet(title, header, rows, widths)], audience=audience, when=when)


def stream_sheets(
    sheets: Iterable[Sheet], *, audience: str = "", when: dt.datetime | None = None
) -> Iterator[bytes]:
    """Write sheets with openpyxl's write-only mode into a temporary file, then stream it.

    On each sheet row 1 is the title (``title``, for whom, when; wrapped within the table's
    width), row 2 the header (wrapped, frozen, repeated when printed), data from row 3.
    Columns are as wide as the header and the first :data:`SAMPLE_ROWS` rows need (``widths``
    are minimums)."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet, audience=audience, when=when)
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk


def _write_sheet(wb, sheet: Sheet, *, audience: str, when: dt.datetime | None) -> None:
    header = sheet.header
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    sized = column_widths(header, sample)
    for i, minimum in enumerate(sheet.widths or []):
        if i < len(sized):
            sized[i] = max(sized[i], minimum)
    ws = wb.create_sheet(_sheet_name(sheet.name or sheet.title))
    for i, width in enumerate(sized):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A3"
    set_print_layout(ws, header_row=2, columns=len(header))
    lines = header_lines(header, sized)
    if lines > 1:
        ws.row_dimensions[2].height = LINE_HEIGHT * lines

    heading = WriteOnlyCell(ws, value=_clean(title_line(sheet.title, audience, when)))
    _force_text(heading, heading.value)
    heading.font = Font(bold=True, size=TITLE_SIZE)
    # The title wraps within the table's width: left to run on into empty cells it would widen
    # what LibreOffice fits to the page, and print a narrow table at four fifths of its size.
    heading.alignment = Alignment(vertical="center", wrap_text=True)
    if len(sized) > 1:
        ws.merged_cells.add(f"A1:{get_column_letter(len(sized))}1")
    title_lines = -(-text_width(heading.value) * TITLE_SIZE // (11 * max(1, sum(sized) - 2)))
    if title_lines > 1:
        ws.row_dimensions[1].height = TITLE_LINE_HEIGHT * title_lines
    ws.append([heading])
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = write_only_value(ws, text)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, value=cell)
        cell.font = bold
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    ws.append(cells)
    for row in itertools.chain(sample, rows):
        ws.append(_row_cells(ws, row))


def _sheet_name(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def workbook_bytes(title: str, header: list[str], rows: Iterable[tuple], **kwargs) -> bytes:
    return b"".join(stream_workbook(title, header, rows, **kwargs)) or io.BytesIO().getvalue()
