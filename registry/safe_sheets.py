"""Spreadsheet output that never runs a formula, and the two file formats every export shares.

A cell whose text starts with `=`, `+`, `-` or `@` (also after leading spaces, tabs or line breaks)
would be read by Excel or LibreOffice as a formula (CSV/formula injection): such text gets a
leading apostrophe. Numbers, dates and booleans are written as they are.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING = " \t\r\n\u3000\u00a0"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 (and so .xlsx) cannot hold


def is_guarded(value) -> bool:
    """Whether `value` is text that `safe_cell` prefixed (so an import can take the apostrophe off)."""
    return isinstance(value, str) and value[:1] == "'" and value[1:].lstrip(_LEADING)[:1] in FORMULA_STARTS


def safe_cell(value):
    """The value to write: text that would start a formula is prefixed with an apostrophe; control
    characters a spreadsheet cannot hold are dropped."""
    if isinstance(value, str):
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        if value.lstrip(_LEADING)[:1] in FORMULA_STARTS:
            return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(safe_cell(value))


def write_csv(stream, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """CSV in UTF-8 with a BOM (so that Chinese Excel opens it correctly), formulas neutralised.

    `stream` is a binary file object.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    text.flush()
    text.detach()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


class Sheet:
    """One worksheet of an export: a title, a header, rows, and optional column widths/formats."""

    def __init__(self, title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = (),
                 formats: dict[int, str] | None = None):
        self.title = title
        self.header = list(header)
        self.rows = rows
        self.widths = widths
        self.formats = formats or {}  # column index -> number format, e.g. {6: "0.00%"}


def write_xlsx(target, sheets: Sequence[Sheet]) -> None:
    """Stream sheets into an .xlsx (openpyxl write-only mode: memory stays flat for 100,000 rows).

    `target` is a path or a binary file object.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for name in spec.header:
            cell = WriteOnlyCell(sheet, value=safe_cell(name))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = spec.formats
        if formats:
            for row in spec.rows:
                values = safe_row(row)
                for index, number_format in formats.items():
                    cell = WriteOnlyCell(sheet, value=values[index])
                    cell.number_format = number_format
                    values[index] = cell
                sheet.append(values)
        else:
            for row in spec.rows:
                sheet.append(safe_row(row))
    workbook.save(target)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()
