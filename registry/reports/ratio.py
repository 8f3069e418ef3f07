"""The mentor-ratio report of spec/interfaces.md in JSON, CSV and Excel.

Every figure comes from `registry.mentors.queries.ratio_as_of` (one source of truth for the base
page, the API, the command line and these files). Bases are sorted by code; `enterprise_share` is
rounded to 4 places for display only, `meets_requirement` is decided exactly.
"""
from __future__ import annotations

import datetime as dt
import io

from registry.mentors.queries import Ratio, ratio_as_of
from registry.safe_sheets import Sheet, csv_bytes, safe_cell, write_csv

COLUMNS = ("基地代码", "基地名称", "统计日期", "企业导师人数", "校内导师人数", "导师总数", "企业导师占比", "是否达标")
SHEET = "导师比例"
CHART_SHEET = "图表"
WIDTHS = (14, 40, 12, 14, 14, 10, 14, 10)


def ratios(as_of: dt.date, base_ids=None) -> list[Ratio]:
    return ratio_as_of(as_of, base_ids)


def as_json(as_of: dt.date, rows: list[Ratio]) -> dict:
    return {"as_of": as_of.isoformat(), "bases": [r.as_json() for r in rows]}


def table_rows(rows: list[Ratio]) -> list[list]:
    return [[r.code, r.name, r.as_of, r.enterprise, r.university, r.total, r.share_display,
             "是" if r.meets_requirement else "否"] for r in rows]


def csv_report(rows: list[Ratio]) -> bytes:
    return csv_bytes(COLUMNS, table_rows(rows))


def write_csv_report(stream, rows: list[Ratio]) -> None:
    write_csv(stream, COLUMNS, table_rows(rows))


def write_xlsx_report(target, rows: list[Ratio], as_of: dt.date, chart: bool = True) -> None:
    """The sheet 导师比例 with the contract's columns (the share as a number shown as a percentage,
    the date as a date cell), and a bar chart of the shares on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in table_rows(rows):
        sheet.append([safe_cell(v) for v in values])
    for row in sheet.iter_rows(min_row=2):
        row[2].number_format = "yyyy-mm-dd"
        row[6].number_format = "0.00%"
    for letter, width in zip("ABCDEFGH", WIDTHS):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    if chart and rows:
        bars = BarChart()
        bars.type = "col"
        bars.title = f"企业导师占比（{as_of.isoformat()}，要求 ≥ 1/3）"
        bars.y_axis.title = "企业导师占比"
        bars.y_axis.scaling.min = 0
        bars.y_axis.scaling.max = 1
        bars.y_axis.number_format = "0%"
        bars.add_data(Reference(sheet, min_col=7, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
        bars.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
        bars.legend = None
        chart_sheet = workbook.create_chartsheet(CHART_SHEET)
        chart_sheet.add_chart(bars)
    workbook.save(target)


def xlsx_report(rows: list[Ratio], as_of: dt.date) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_report(buffer, rows, as_of)
    return buffer.getvalue()


__all__ = ["COLUMNS", "SHEET", "ratios", "as_json", "table_rows", "csv_report", "xlsx_report", "write_xlsx_report",
           "write_csv_report", "Sheet"]
