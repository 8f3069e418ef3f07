"""The lists the ministry publishes for a round: the public-notice list (公示名单) of the bases put on
public notice, and the recognition list (认定名单) of the bases recognised, as Excel and as a Word
document ready to publish.

Who is listed: the bases of the round's submissions whose life cycle reached that step *from that
submission* (the step's `submission_id`); a base later revoked stays on the list published then.
Order, as such lists are read: by key field in the notice's order (二), then ministry-affiliated
universities before co-built ones, then university name, then base code; numbered from 1.
Three queries, whatever the number of bases.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import distinct, func, select

from registry.checks.models import ApplicationRound, StatusChange, Submission
from registry.errors import ZH, _l, in_locale
from registry.extensions import db
from registry.orgs.models import FIELDS, Base
from registry.orgs.queries import with_parties
from registry.safe_sheets import Sheet, xlsx_bytes

LISTS = {
    "notice": {"step": "public_notice", "zh": "公示名单", "label": _l("Public-notice list")},
    "recognition": {"step": "recognised", "zh": "认定名单", "label": _l("Recognition list")},
}
TITLE = "工业和信息化部校企协同育人示范基地"
BODY_FONT, HEADING_FONT = "宋体", "黑体"
KIND_ORDER = {"ministry": 0, "co_built": 1}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 (and so .docx) cannot hold


@dataclass(frozen=True)
class Listed:
    number: int
    base: Base
    on: dt.date  # the day of the step: notice start, or recognition
    until: dt.date | None  # the notice's last day
    document_no: str

    @property
    def enterprises(self) -> str:
        return "、".join(e.name for e in self.base.enterprises)

    @property
    def field(self) -> str:
        label = FIELDS.get(self.base.field)
        return in_locale(ZH, label) if label is not None else self.base.field


def _order(base: Base):
    fields = list(FIELDS)
    position = fields.index(base.field) if base.field in fields else len(fields)
    return (position, base.field, KIND_ORDER.get(base.university.kind, 9), base.university.name, base.code)


def listed(round_: ApplicationRound, which: str) -> list[Listed]:
    """The bases of the list, in publishing order."""
    step = LISTS[which]["step"]
    changes = db.session.scalars(
        select(StatusChange).join(Submission, Submission.id == StatusChange.submission_id)
        .where(Submission.round_id == round_.id, StatusChange.to_status == step)
        .order_by(StatusChange.effective_on, StatusChange.id))
    latest: dict[int, StatusChange] = {}
    for change in changes:  # a step taken again from the same submission: the latest counts
        latest[change.base_id] = change
    if not latest:
        return []
    bases = db.session.scalars(select(Base).where(Base.id.in_(list(latest)))
                               .options(*with_parties()))
    ordered = sorted(bases, key=_order)
    return [Listed(i, b, latest[b.id].effective_on, latest[b.id].notice_ends_on, latest[b.id].evidence or "")
            for i, b in enumerate(ordered, start=1)]


def title(round_: ApplicationRound, which: str) -> str:
    return f"{round_.year}年度{TITLE}{LISTS[which]['zh']}"


def _period(rows: list[Listed]) -> tuple[dt.date, dt.date] | None:
    days = [(r.on, r.until or r.on) for r in rows]
    return (min(d[0] for d in days), max(d[1] for d in days)) if days else None


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def columns(which: str) -> list[str]:
    base = ["序号", "基地名称", "依托高校", "合作企业", "重点领域"]
    return base + (["公示开始日期", "公示结束日期"] if which == "notice" else ["认定日期", "文号"])


def row(r: Listed, which: str) -> list:
    values = [r.number, r.base.name, r.base.university.name, r.enterprises, r.field]
    if which == "notice":
        return values + [r.on.isoformat(), r.until.isoformat() if r.until else ""]
    return values + [r.on.isoformat(), r.document_no]


# ---- Excel -----------------------------------------------------------------------------------

def xlsx(round_: ApplicationRound, which: str) -> bytes:
    rows = listed(round_, which)
    sheet = Sheet(LISTS[which]["zh"], columns(which), [row(r, which) for r in rows],
                  widths=(6, 36, 24, 36, 24, 14, 20))
    return xlsx_bytes([sheet])


# ---- Word ------------------------------------------------------------------------------------

def _east_asian(run_or_style, font: str) -> None:
    """Chinese text takes the East Asian font (w:eastAsia); Latin text and digits the same face."""
    run_or_style.font.name = font
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), font)


def _run(paragraph, text: str, font: str = BODY_FONT, bold: bool = False, size: float | None = None):
    run = paragraph.add_run(_ILLEGAL.sub("", str(text)) if text else "")
    _east_asian(run, font)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return run


def docx(round_: ApplicationRound, which: str) -> bytes:
    """A Word document ready to publish: the title (黑体), an introductory paragraph and the numbered
    table (宋体), then the issuing line."""
    rows = listed(round_, which)
    document = Document()
    normal = document.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(12)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(document.styles[name], HEADING_FONT)

    heading = document.add_heading(level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title(round_, which), HEADING_FONT, bold=True, size=16)

    intro = document.add_paragraph()
    intro.paragraph_format.first_line_indent = Pt(24)
    period = _period(rows)
    if which == "notice":
        text = (f"经学校申报、专家评审，拟认定以下{len(rows)}个基地为{TITLE}，现予以公示。")
        if period:
            text += f"公示期为{_cn_date(period[0])}至{_cn_date(period[1])}。公示期内如有异议，请以书面形式反映。"
    else:
        text = f"经学校申报、专家评审和公示，认定以下{len(rows)}个基地为{TITLE}。"
    _run(intro, text)

    header = ["序号", "基地名称", "依托高校", "合作企业", "重点领域"]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, header):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], name, HEADING_FONT, bold=True)
    for r in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, [str(r.number), r.base.name, r.base.university.name, r.enterprises, r.field]):
            _run(cell.paragraphs[0], value)
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    closing = document.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(closing, "工业和信息化部人事教育司")
    if period:
        dated = document.add_paragraph()
        dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(dated, _cn_date(period[0] if which == "notice" else period[1]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rounds_with_counts() -> list[tuple[ApplicationRound, dict[str, int]]]:
    """Every round (newest first) with the number of bases on each list. Two queries."""
    counts = {(r, s): n for r, s, n in db.session.execute(
        select(Submission.round_id, StatusChange.to_status, func.count(distinct(StatusChange.base_id)))
        .join(Submission, Submission.id == StatusChange.submission_id)
        .where(StatusChange.to_status.in_([v["step"] for v in LISTS.values()]))
        .group_by(Submission.round_id, StatusChange.to_status))}
    rounds = db.session.scalars(select(ApplicationRound).order_by(ApplicationRound.year.desc()))
    return [(r, {k: counts.get((r.id, v["step"]), 0) for k, v in LISTS.items()}) for r in rounds]
