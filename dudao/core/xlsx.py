"""Streaming .xlsx output for list exports (bounded memory at city scale)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


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
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append(list(row))
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk


def workbook_bytes(title: str, header: list[str], rows: Iterable[tuple]) -> bytes:
    return b"".join(stream_workbook(title, header, rows)) or io.BytesIO().getvalue()
