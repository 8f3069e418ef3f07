"""The electronic copy of the application (`application export --bundle`): a zip with the form,
every evidence file in a folder per section, and the index sheet 佐证材料目录.xlsx (section, record,
file name, size, SHA-256). Each file's bytes are checked against the SHA-256 recorded at upload:
a missing or changed file stops the bundle with a clear message (never a half-written zip)."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font

from registry.errors import DomainError, _l
from registry.evidence.models import Attachment
from registry.evidence.services import path_of
from registry.extensions import db
from registry.safe_sheets import safe_row

INDEX_NAME = "佐证材料目录.xlsx"
EVIDENCE_DIR = "佐证材料"
INDEX_COLUMNS = ("序号", "类别", "记录", "文件名", "大小（字节）", "SHA-256")


def _safe_name(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name or "").strip(" .")
    return name[:120] or "file"


def evidence_path(index: int, item: dict) -> str:
    return f"{EVIDENCE_DIR}/{_safe_name(item['section_label'])}/{index:03d}-{_safe_name(item['name'])}"


def _file_bytes(item: dict) -> bytes:
    attachment = db.session.get(Attachment, item["id"])
    try:
        data = path_of(attachment).read_bytes() if attachment is not None else None
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != item["sha256"]:
        raise DomainError(_l("The evidence file %(name)s (%(record)s) is missing or has changed since it was "
                             "listed; the bundle was not written."), name=item["name"], record=item["record"])
    return data


def index_sheet(rows: list[tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "佐证材料目录"
    ws.append(list(INDEX_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    for column, width in zip("ABCDEF", (6, 20, 30, 60, 14, 66)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build(form_name: str, form_bytes: bytes, evidence: list[dict]) -> bytes:
    """The zip's bytes: the form, the evidence files by section, the index sheet."""
    out = io.BytesIO()
    rows = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(form_name, form_bytes)
        for i, item in enumerate(evidence, start=1):
            path = evidence_path(i, item)
            zf.writestr(path, _file_bytes(item))
            rows.append((i, item["section_label"], item["record"], path, item["size"], item["sha256"]))
        zf.writestr(INDEX_NAME, index_sheet(rows))
    return out.getvalue()


def results_workbook(r, indicators, rows) -> bytes:
    """The round's ranking as .xlsx: rank, base, reviews, mean, spread, each indicator's mean."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评审结果"
    ws.append(safe_row([f"{r.year} 年度申报评审结果"]))
    header = ["排名", "基地代码", "基地名称", "评审专家数", "平均分", "专家分差", "各专家总分"] + \
        [f"{i.name}（权重 {i.weight}）" for i in indicators]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row([row["rank"], row["code"], row["name"], row["reviews"], row["mean"], row["spread"],
                            "、".join(str(s) for s in row["scores"])]
                           + [row["indicators"].get(i.id) for i in indicators]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
