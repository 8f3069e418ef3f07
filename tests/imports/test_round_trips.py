"""What the registry exports, it imports back unchanged (issue 13, point 8): the roster with masked mobile
numbers and its status columns, the students with their mentors, and every record kind."""
import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.orgs.models import Base


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Base).where(Base.code == "SF-AP-01"))


def _import(importer, path):
    from registry.imports.engine import run_import

    result = run_import(importer, path, path.name, dry_run=True)
    assert result.ok, [e.line() for e in result.errors][:10]
    return result


def test_the_roster_export_imports_back_unchanged(demo, tmp_path):
    from registry.imports.roster import RosterImporter
    from registry.imports.students import StudentImporter
    from registry.reports.roster import roster_sheets
    from registry.safe_sheets import xlsx_bytes

    for unmasked in (False, True):
        path = tmp_path / f"roster-{unmasked}.xlsx"
        path.write_bytes(xlsx_bytes(roster_sheets(demo, unmasked)))
        roster = _import(RosterImporter(demo), path)
        assert "0 mentors created, 0 updated, 0 appointments created, 0 updated" in roster.summary, roster.summary
        students = _import(StudentImporter(demo), path)
        assert "0 students created, 0 updated" in students.summary and "0 assignments created, 0 updated" in \
            students.summary, students.summary


def test_the_roster_csv_exports_import_back_unchanged(demo, tmp_path):
    from registry.imports.roster import RosterImporter
    from registry.imports.students import StudentImporter
    from registry.reports import roster as rosters
    from registry.safe_sheets import csv_bytes

    path = tmp_path / "mentors.csv"
    path.write_bytes(csv_bytes(rosters.MENTOR_COLUMNS, rosters.mentor_rows(demo.id)))
    assert "0 mentors created, 0 updated, 0 appointments created, 0 updated" in _import(RosterImporter(demo), path).summary
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes(rosters.STUDENT_COLUMNS, rosters.student_rows(demo.id)))
    summary = _import(StudentImporter(demo), path).summary
    assert "0 students created, 0 updated" in summary and "0 assignments created, 0 updated" in summary, summary


def test_every_record_kind_imports_back_unchanged(demo, tmp_path):
    from registry.records.sheets import SHEETS, RecordImporter, export_csv, export_xlsx

    assert len(SHEETS) >= 8
    for name, sheet in SHEETS.items():
        for ext, export in (("xlsx", export_xlsx), ("csv", export_csv)):
            path = tmp_path / f"{name}.{ext}"
            path.write_bytes(export(sheet, demo))
            result = _import(RecordImporter(sheet, demo), path)
            assert result.counts["rows"] > 0, (name, "the demo has no records of this kind")
            assert (result.counts["created"], result.counts["updated"]) == (0, 0), (name, ext, result.summary)


def test_a_masked_mobile_stands_for_the_number_on_record_only(demo, tmp_path):
    from registry.imports.roster import RosterImporter
    from registry.imports.engine import run_import
    from registry.mentors.models import Mentor
    from registry.reports.roster import roster_sheets
    from registry.safe_sheets import Sheet, xlsx_bytes

    (sheet, _students) = roster_sheets(demo)
    rows = [list(r) for r in sheet.rows]
    columns = list(sheet.header)
    phone, title, staff = columns.index("手机"), columns.index("职称"), columns.index("工号")
    row = next(r for r in rows if r[phone])
    person = db.session.scalar(select(Mentor).where(Mentor.staff_no == row[staff]))
    row[title] = "研究员（修改）"  # a coordinator corrects a title in Excel and imports the sheet again
    path = tmp_path / "edited.xlsx"
    path.write_bytes(xlsx_bytes([Sheet(sheet.title, columns, rows)]))
    result = run_import(RosterImporter(demo), path, path.name)
    assert result.ok and result.counts["mentors_updated"] == 1, [e.line() for e in result.errors]
    db.session.refresh(person)
    assert person.title == "研究员（修改）" and len(person.phone) == 11 and "*" not in person.phone
    # A masked number that does not match the one on record, or a masked number for a new person: refused.
    row[phone] = "100****0000"
    rows.append([*row[:staff], "NEW-1", *row[staff + 1:]])
    path.write_bytes(xlsx_bytes([Sheet(sheet.title, columns, rows)]))
    result = run_import(RosterImporter(demo), path, path.name, dry_run=True)
    bad = [e.line() for e in result.errors if "100****0000" in e.line()]
    assert not result.ok and len(bad) == 2 and all("masked" in line for line in bad), bad
