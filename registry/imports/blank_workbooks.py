"""Downloadable Excel templates, generated from the import specs (so they never drift apart).

The first sheet holds a note row, the contract's headers, and an example row; columns with a fixed
set of values (the mentor type) get a drop-down list (a data validation). A second sheet explains
every column, in Chinese and English.
"""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.errors import EN, ZH, in_locale
from registry.imports.engine import Spec

GENERIC_NOTE = "导入模板：第 2 行为表头（请勿修改），第 3 行为示例，导入前请删除示例行。"
TEMPLATE_ROWS = 2000  # rows covered by the drop-down lists
SHEET_TITLES = {"roster": "导师名单", "students": "学生名单"}
NOTES = {
    "roster": "示范基地导师名单导入模板：第 2 行为表头（请勿修改），第 3 行为示例，导入前请删除示例行。"
              "日期可写 2023-09-01、2023/9/1、2023.9.1 或 2023年9月1日。",
    "students": "示范基地学生及双导师导入模板：第 2 行为表头（请勿修改），第 3 行为示例，导入前请删除示例行。"
                "导师须已在导师名单中，并在指导期间于本基地处于聘任状态。",
}


def build_template(spec: Spec, sheet_title: str = "", note: str = "") -> bytes:
    """The template of `spec`: a note row, the headers, an example row, drop-downs; a help sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (sheet_title or SHEET_TITLES.get(spec.name) or spec.name)[:31]
    sheet.append([note or NOTES.get(spec.name) or GENERIC_NOTE])
    sheet["A1"].font = Font(italic=True, color="666666")
    sheet.append([c.name for c in spec.columns])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        example = column.example
        target = sheet.cell(row=3, column=index, value=example if example is not None else None)
        target.font = Font(italic=True, color="808080")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.name) * 2 + 4)
        if isinstance(example, dt.date) or column.key in ("appointed_from", "appointed_until", "assigned_from",
                                                         "assigned_until"):
            for row in range(3, TEMPLATE_ROWS + 1):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        if column.choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.name,
                                        error="请从下拉列表中选择 / Choose from the list")
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
        elif column.key.endswith("phone") or column.key.endswith("staff_no") or column.key == "student_no":
            for row in range(3, TEMPLATE_ROWS + 1):
                sheet.cell(row=row, column=index).number_format = "@"  # text: keep leading zeros
    sheet.freeze_panes = "A3"

    help_sheet = workbook.create_sheet("说明")
    help_sheet.append(["列名", "英文别名", "必填", "内容（中文）", "Content (English)"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        description = column.description
        help_sheet.append([column.name, column.key, "是" if column.required else "否",
                           in_locale(ZH, description) if description else "",
                           in_locale(EN, description) if description else ""])
    for letter, width in zip("ABCDE", (16, 30, 6, 60, 60)):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
