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

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def stream_workbook(
    title: str, header: list[str], rows: Iterable[tuple], *, widths: list[int] | None = None
) -> Iterator[bytes]:
    """Write rows with openpyxl's write-only mode into a temporary file, then stream it."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths or []):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"

    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = write_only_value(ws, text)
        if not isinstance(cell, type(WriteOnlyCell(ws))):
            cell = WriteOnlyCell(ws, value=cell)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([write_only_value(ws, value) for value in row])
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk


def workbook_bytes(title: str, header: list[str], rows: Iterable[tuple]) -> bytes:
    return b"".join(stream_workbook(title, header, rows)) or io.BytesIO().getvalue()
