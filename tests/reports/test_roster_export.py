"""Roster exports: columns, masking, formula neutralisation, constant query count."""
import csv
import datetime as dt
import io

import openpyxl
import pytest

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor, MentorAssignment, Student
from registry.reports.roster import DIRECTORY_COLUMNS, MENTOR_COLUMNS, STUDENT_COLUMNS
from registry.safe_sheets import csv_text, safe_cell
from tests.reports.conftest import add_team


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("  =HYPERLINK(\"x\")", "'  =HYPERLINK(\"x\")"), ("\t=1", "'\t=1"), ("\r\n+1", "'\r\n+1"),
    ("\u3000=1", "'\u3000=1"), ("a=1", "a=1"), ("张明", "张明"), ("", ""), (-5, -5), (3.5, 3.5), (None, None),
    ("bell\x07=", "bell="),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_text():
    assert csv_text(dt.date(2024, 1, 2)) == "2024-01-02" and csv_text(None) == "" and csv_text("=x") == "'=x"


@pytest.fixture
def roster(world):
    evil = Mentor(name="=HYPERLINK(\"http://evil\",\"点我\")", side="enterprise", organisation="@恶意单位",
                  staff_no="-1", title=" +cmd", phone="13912345678", email="x@example.com")
    teacher = Mentor(name="王芳", side="university", organisation="示范工业大学", staff_no="U-1", phone="")
    db.session.add_all([evil, teacher])
    db.session.flush()
    db.session.add_all([Appointment(base_id=world.base.id, mentor_id=evil.id, starts_on=dt.date(2023, 1, 1),
                                    ends_on=dt.date(2025, 12, 31)),
                        Appointment(base_id=world.base.id, mentor_id=teacher.id, starts_on=dt.date(2022, 9, 1))])
    student = Student(base_id=world.base.id, name="=1+2", student_no="2023001", level="master", enrolment_year=2023)
    lonely = Student(base_id=world.base.id, name="无导师", student_no="2023002", level="doctoral", enrolment_year=2023)
    db.session.add_all([student, lonely])
    db.session.flush()
    db.session.add(MentorAssignment(base_id=world.base.id, student_id=student.id, university_mentor_id=teacher.id,
                                    enterprise_mentor_id=evil.id, starts_on=dt.date(2023, 9, 1)))
    db.session.commit()
    return world


def sheet_values(data, title):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in workbook[title].iter_rows()]


def test_roster_xlsx_masked_and_neutralised(roster, login_as):
    response = login_as("coord").get("/bases/SF-AP-01/export/roster.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    mentors = sheet_values(response.data, "导师")
    assert mentors[0] == list(MENTOR_COLUMNS)
    evil = next(r for r in mentors if r[3] == "'-1")
    assert evil[0] == "'=HYPERLINK(\"http://evil\",\"点我\")" and evil[2] == "'@恶意单位" and evil[4] == "' +cmd"
    assert evil[10] == "139****5678"
    assert evil[7].date() == dt.date(2023, 1, 1) and evil[8].date() == dt.date(2025, 12, 31) and evil[11] == "在聘"
    assert all(not isinstance(v, str) or not v.startswith(("=", "+", "-", "@")) for row in mentors for v in row)
    students = sheet_values(response.data, "学生")
    assert students[0] == list(STUDENT_COLUMNS)
    assert students[1][:4] == ["'=1+2", "2023001", "硕士研究生", 2023]
    assert students[1][6:9] == ["示范工业大学", "U-1", "王芳"]
    assert students[2][:3] == ["无导师", "2023002", "博士研究生"] and students[2][6] is None


def test_unmasked_only_for_who_may_see_contact_details_and_asks(roster, login_as):
    coord = login_as("coord")
    ask = coord.get("/bases/SF-AP-01/export/roster.xlsx?unmasked=1")  # first a page that asks
    assert ask.mimetype == "text/html" and "13912345678" not in ask.get_data(as_text=True)
    assert 'id="confirm-form"' in ask.get_data(as_text=True)
    unmasked = sheet_values(coord.get("/bases/SF-AP-01/export/roster.xlsx?unmasked=1&confirmed=1").data, "导师")
    assert "13912345678" in [r[10] for r in unmasked]
    reviewer = login_as("reviewer")
    assert reviewer.get("/bases/SF-AP-01/export/roster.xlsx?unmasked=1").status_code == 403
    masked = reviewer.get("/bases/SF-AP-01/export/mentors.csv")
    assert masked.status_code == 200
    text = masked.data.decode("utf-8-sig")
    assert "139****5678" in text and "13912345678" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(MENTOR_COLUMNS)


@pytest.mark.parametrize("user,url,status", [
    ("mentor", "/bases/SF-AP-01/export/roster.xlsx", 403),
    ("coord2", "/bases/SF-AP-01/export/roster.xlsx", 404),
    ("coord", "/bases/SF-AP-01/export/other.xlsx", 404),
    ("coord", "/bases/NOPE/export/roster.xlsx", 404),
    ("unicoord", "/bases/SF-AP-01/export/students.csv", 200),
    ("mentor", "/reports/mentors.xlsx", 403),
    ("reviewer", "/reports/mentors.xlsx?unmasked=1", 403),
    ("admin", "/reports/mentors.xlsx?unmasked=1", 200),
    ("admin", "/reports/mentors.xlsx?unmasked=1&confirmed=1", 200),
    ("coord", "/reports/mentors.pdf", 404),
])
def test_export_access(roster, login_as, user, url, status):
    assert login_as(user).get(url).status_code == status


def test_student_csv(roster, login_as):
    text = login_as("coord").get("/bases/SF-AP-01/export/students.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(STUDENT_COLUMNS) and rows[1][0] == "'=1+2" and rows[1][12] == "2023-09-01"


def test_directory(roster, login_as):
    add_team(roster.base2, 1, 0, "Z")
    db.session.commit()
    coord = sheet_values(login_as("coord").get("/reports/mentors.xlsx").data, "导师名录")
    assert coord[0] == list(DIRECTORY_COLUMNS)
    assert sorted(r[3] for r in coord[1:]) == sorted(["'-1", "U-1", "E001"])
    admin = sheet_values(login_as("admin").get("/reports/mentors.xlsx").data, "导师名录")
    assert len(admin) == 1 + 4 and any(r[9] == "SL-SO-01" for r in admin)


def test_roster_export_query_count_does_not_grow(roster, login_as, query_counter):
    client = login_as("coord")
    client.get("/bases/SF-AP-01/export/roster.xlsx")
    with query_counter() as few:
        client.get("/bases/SF-AP-01/export/roster.xlsx")
    add_team(roster.base, 30, 30, "M")
    db.session.commit()
    client.get("/bases/SF-AP-01/export/roster.xlsx")  # reload what the commit expired (the user, the base)
    with query_counter() as many:
        client.get("/bases/SF-AP-01/export/roster.xlsx")
    assert many() == few()


@pytest.mark.parametrize("value", ["=1+1", " =1+1", "\t+SUM(A1)", "@cmd", "-2"])
def test_a_guarded_cell_reads_back_as_it_was(value):
    from registry.records.sheets import text
    from registry.safe_sheets import is_guarded, safe_cell

    written = safe_cell(value)
    assert written == "'" + value and is_guarded(written)
    assert text(100)(written) == value.strip()  # the import trims spaces, as every text cell
    assert not is_guarded("'plain") and not is_guarded("plain")
