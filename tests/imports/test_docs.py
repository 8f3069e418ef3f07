"""docs/imports.md documents every column the importers read, and header spellings work as it says."""
from registry.config import PROJECT_ROOT
from registry.imports.engine import read_table
from registry.imports.roster import ROSTER
from registry.imports.students import STUDENTS
from tests.imports.conftest import roster_row, write_csv


def test_every_column_is_documented():
    text = (PROJECT_ROOT / "docs" / "imports.md").read_text(encoding="utf-8")
    for spec in (ROSTER, STUDENTS):
        for column in spec.columns:
            required = "yes" if column.required else ("with mentors" if column.key in (
                "university_mentor_organisation", "university_mentor_staff_no", "enterprise_mentor_organisation",
                "enterprise_mentor_staff_no", "assigned_from") else "no")
            assert f"| {column.name} | {column.key} | {required} |" in text, column.name


def test_header_spellings(tmp_path):
    header = ["姓 名*", "导师类型（必填）", "Organization", "Staff No", "职称", "最高学位", "专业领域", "Appointed-From",
              "聘任结束日期", "E-mail", "MOBILE"]
    path = write_csv(tmp_path / "h.csv", [roster_row()], header=header)
    table = read_table(ROSTER, path)
    assert table.errors == [] and len(table.rows) == 1
    assert table.headers["organisation"] == "Organization" and table.headers["phone"] == "MOBILE"
