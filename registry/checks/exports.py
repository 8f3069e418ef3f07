"""The evaluation as an Excel workbook (targets beside the registry's counts, per year and over the
cycle), from the same Evaluation the page shows. Text cells are neutralised against formulas by
the reports area's `safe_cell`; this sheet is written cell by cell (not with reports.safe.write_xlsx)
to mark each shortfall with a fill."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.safe_sheets import safe_cell as safe  # text that would start a formula gets a leading '

SHORT_FILL = PatternFill("solid", fgColor="F8D7DA")


def evaluation_workbook(ev, state) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Evaluation")[:31]
    base = ev.base
    ws.append([safe(_("Base")), safe(f"{base.code} {base.name}")])
    ws.append([safe(_("University")), safe(base.university.name)])
    ws.append([safe(_("Construction cycle")), ev.cycle.number,
               safe(f"{ev.cycle.starts_on.isoformat()} – {ev.cycle.ends_on.isoformat()}")])
    ws.append([])
    header = [_("Indicator")]
    for y in ev.years:
        header += [_("%(year)s target", year=y.label), _("%(year)s counted", year=y.label),
                   _("%(year)s shortfall", year=y.label)]
    header += [_("Cycle target"), _("Cycle counted"), _("Cycle shortfall")]
    ws.append([safe(h) for h in header])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    def number(cell):
        if cell.unit == "percent":
            return round(float(cell.actual) * 100, 1)
        return int(cell.actual)

    for row in ev.rows:
        values = [safe(str(row.indicator.label))]
        shortfall_cols = []
        for cell in row.cells + (row.cycle,):
            values += [cell.target, number(cell), safe(cell.gap_display) if cell.shortfall else ""]
            if cell.shortfall:
                shortfall_cols.append(len(values))
        ws.append(values)
        for col in shortfall_cols:
            ws.cell(row=ws.max_row, column=col).fill = SHORT_FILL
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    if ev.reports:
        rs = wb.create_sheet(_("Annual plans and summaries")[:31])
        rs.append([safe(_("Year")), safe(_("Annual plan")), safe(_("Annual summary"))])
        for year in ev.years:
            report = ev.reports.get(year.number)
            if report is not None:
                rs.append([safe(year.label), safe(report.plan), safe(report.summary)])
        rs.column_dimensions["B"].width = 60
        rs.column_dimensions["C"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
