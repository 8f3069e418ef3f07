"""Spreadsheets built by the tests (openpyxl, the csv module), and a snapshot of the database."""
from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from sqlalchemy import select, text

from registry.extensions import db

HEADER = ["姓名", "导师类型", "所在单位", "工号", "职称", "最高学位", "专业领域", "聘任开始日期", "聘任结束日期", "邮箱", "手机"]
TABLES = ("mentor", "appointment", "student", "mentor_assignment", "audit_entry")


def roster_row(name="张明", side="企业导师", organisation="星海航天动力研究所", staff_no="XH-1", title="高级工程师",
               degree="博士", expertise="发动机", start="2023-09-01", end="", email="", phone=""):
    return [name, side, organisation, staff_no, title, degree, expertise, start, end, email, phone]


def write_xlsx(path, rows, title: str | None = None, header=HEADER, sheet_title=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if sheet_title:
        sheet.title = sheet_title
    if title:
        sheet.append([title])
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, encoding="utf-8-sig", header=HEADER, title: str | None = None):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def snapshot() -> dict:
    """Every row of every table an import may touch: compare before and after."""
    db.session.flush()
    return {t: [tuple(r) for r in db.session.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


@pytest.fixture
def files(tmp_path):
    class Files:
        def xlsx(self, rows, name="roster.xlsx", **kw):
            return write_xlsx(tmp_path / name, rows, **kw)

        def csv(self, rows, name="roster.csv", **kw):
            return write_csv(tmp_path / name, rows, **kw)

        def path(self, name):
            return tmp_path / name

    return Files()


def mentors_by_staff_no():
    from registry.mentors.models import Mentor

    return {m.staff_no: m for m in db.session.scalars(select(Mentor))}


def appointments_of(base):
    from registry.mentors.models import Appointment

    return list(db.session.scalars(select(Appointment).where(Appointment.base_id == base.id)
                                   .order_by(Appointment.mentor_id, Appointment.starts_on)))


D = dt.date


@pytest.fixture
def import_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(folder))
    return folder
