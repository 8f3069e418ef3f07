"""Upload → preview → confirm, from the browser's side (the test client)."""
import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor
from tests.conftest import error_summary_links, shown_beside, text_of
from tests.imports.conftest import HEADER, roster_row, snapshot

UPLOAD = "/bases/SF-AP-01/import/roster"


def xlsx_bytes(rows, title="导师名单"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="名单.xlsx", url=UPLOAD):
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_preview_errors_then_fix_and_confirm(world, login_as, import_dir):
    client = login_as("coord")
    page = client.get(UPLOAD)
    assert page.status_code == 200 and "聘任开始日期" in text_of(page)
    before = snapshot()
    bad = xlsx_bytes([roster_row(staff_no="W-1"), roster_row(staff_no="W-2", start="2023-13-01"),
                      roster_row(staff_no="W-3", side="外聘")])
    response = upload(client, bad)
    assert response.status_code == 302 and response.headers["Location"].endswith("/import/roster/preview")
    preview = client.get(response.headers["Location"])
    text = text_of(preview)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'id="import-refused"' in html and 'id="confirm-import"' not in html
    assert '<td class="error-row">4</td><td class="error-column">聘任开始日期</td>' in html
    assert '<td class="error-row">5</td><td class="error-column">导师类型</td>' in html
    assert "2023-13-01" in text
    assert len(list(import_dir.iterdir())) == 1
    assert snapshot() == before

    good = xlsx_bytes([roster_row(staff_no="W-1"), roster_row(staff_no="W-2"), roster_row(staff_no="W-3", side="校内")])
    preview = client.get(upload(client, good).headers["Location"])
    html = preview.get_data(as_text=True)
    assert 'id="confirm-import"' in html and 'data-count="mentors_created">3<' in html
    assert len(list(import_dir.iterdir())) == 1  # the first upload was replaced
    assert snapshot() == before  # a preview writes nothing

    done = client.post("/bases/SF-AP-01/import/roster/confirm")
    assert done.status_code == 302 and done.headers["Location"].endswith("/bases/SF-AP-01")
    assert db.session.scalar(select(func.count()).select_from(Mentor).where(Mentor.staff_no.like("W-%"))) == 3
    assert list(import_dir.iterdir()) == []
    base_page = client.get("/bases/SF-AP-01")
    assert "已导入 3 行：新增导师 3 人，更新 0 人；新增聘任 3 条，更新 0 条。" in text_of(base_page)
    # the upload is gone: a second confirm imports nothing
    again = client.post("/bases/SF-AP-01/import/roster/confirm")
    assert again.status_code == 302 and again.headers["Location"].endswith("/import/roster")


def test_confirm_validates_again(world, login_as, import_dir):
    client = login_as("coord")
    upload(client, xlsx_bytes([roster_row(staff_no="V-1", start="2024-01-01")]))
    # Meanwhile someone appoints the same person from 2023: the file would now overlap.
    person = Mentor(name="张明", side="enterprise", organisation="星海航天动力研究所", staff_no="V-1")
    db.session.add(person)
    db.session.flush()
    db.session.add(Appointment(base_id=world.base.id, mentor_id=person.id, starts_on=dt.date(2023, 1, 1)))
    db.session.commit()
    before = snapshot()
    response = client.post("/bases/SF-AP-01/import/roster/confirm")
    assert response.status_code == 409
    assert "overlaps" in text_of(response) or "重叠" in text_of(response)
    assert snapshot() == before
    assert len(list(import_dir.iterdir())) == 1  # kept until cancelled
    cancelled = client.post("/bases/SF-AP-01/import/roster/cancel")
    assert cancelled.status_code == 302 and list(import_dir.iterdir()) == []


def test_students_upload(world, login_as, import_dir):
    client = login_as("coord")
    response = client.get("/bases/SF-AP-01/import/students")
    assert response.status_code == 200 and "学号" in text_of(response)


@pytest.mark.parametrize("user,url,method,status", [
    ("reviewer", UPLOAD, "get", 403),
    ("mentor", UPLOAD, "get", 403),
    ("coord2", UPLOAD, "get", 404),
    ("coord", "/bases/NOPE/import/roster", "get", 404),
    ("coord", "/bases/SF-AP-01/import/teachers", "get", 404),
    ("coord", "/bases/SF-AP-01/import/roster/preview", "get", 302),
    ("coord", "/bases/SF-AP-01/import/roster/confirm", "post", 302),
    ("coord", "/bases/SF-AP-01/import/roster/cancel", "post", 302),
    ("coord", UPLOAD, "post", 400),
    ("coord", "/import/templates/nope.xlsx", "get", 404),
    ("reviewer", "/import/templates/roster.xlsx", "get", 403),
    ("unicoord", UPLOAD, "get", 200),
    ("admin", "/bases/SL-SO-01/import/students", "get", 200),
])
def test_who_may_import(world, login_as, import_dir, user, url, method, status):
    client = login_as(user)
    assert getattr(client, method)(url).status_code == status


def test_an_upload_of_the_wrong_type_is_refused(world, login_as, import_dir):
    client = login_as("coord")
    response = upload(client, b"hello", name="roster.txt")
    assert response.status_code == 400
    assert not import_dir.exists() or list(import_dir.iterdir()) == []


def test_an_unreadable_file_is_refused_at_the_upload_and_kept_nowhere(world, login_as, import_dir):
    client = login_as("coord")
    client.get("/lang/en")
    response = upload(client, b"not a workbook", name="x.xlsx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_summary_links(html) == ["file"]
    assert shown_beside(html, "file") == [
        "x.xlsx is not an Excel workbook (.xlsx), judged by its content, not its name."]
    assert not import_dir.exists() or list(import_dir.iterdir()) == []
    assert client.get("/bases/SF-AP-01/import/roster/preview").status_code == 302  # nothing waits


@pytest.mark.parametrize("data,name,messages", [
    # a wrong name and content that is no spreadsheet: both, in one answer
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "photo.png",
     ["Use an .xlsx or .csv file.", "photo.png is not an Excel workbook (.xlsx), judged by its content, not its name."]),
    (b"", "empty.xlsx", ["The file is empty."]),
    (xlsx_bytes([]), "roster.csv", ["The file is not CSV text (is it an Excel workbook saved with a .csv name?)"]),
    ("Müller,José".encode("cp1252"), "roster.csv", ["The CSV file is neither UTF-8 nor GB18030 text"]),
])
def test_every_problem_of_the_file_shows_at_once(world, login_as, import_dir, data, name, messages):
    client = login_as("coord")
    client.get("/lang/en")
    response = upload(client, data, name=name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert sorted(shown_beside(html, "file")) == sorted(messages)
    assert error_summary_links(html) == ["file"] * len(messages)
    assert not import_dir.exists() or list(import_dir.iterdir()) == []


def test_a_refused_file_leaves_the_one_waiting_from_before(world, login_as, import_dir):
    client = login_as("coord")
    assert upload(client, xlsx_bytes([roster_row()])).status_code == 302
    assert upload(client, b"junk", name="x.xlsx").status_code == 400
    preview = client.get("/bases/SF-AP-01/import/roster/preview")
    assert preview.status_code == 200 and "名单.xlsx" in text_of(preview)


@pytest.mark.parametrize("kind,headers,choices", [
    ("roster", HEADER, '"校内导师,企业导师"'),
    ("students", None, '"本科生,硕士研究生,博士研究生"'),
])
def test_excel_template(world, login_as, kind, headers, choices):
    from registry.imports.roster import ROSTER
    from registry.imports.students import STUDENTS

    spec = {"roster": ROSTER, "students": STUDENTS}[kind]
    response = login_as("coord").get(f"/import/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[2]]
    assert header == (headers or [c.name for c in spec.columns])
    example = [c.value for c in sheet[3]]
    assert example[0] and example[1]
    validations = sheet.data_validations.dataValidation
    assert [v.formula1 for v in validations] == [choices]
    column = header.index("导师类型" if kind == "roster" else "培养层次") + 1
    assert f"{openpyxl.utils.get_column_letter(column)}3:" in str(validations[0].sqref)


def test_the_template_with_its_example_imports_cleanly(world, login_as, files):
    from registry.imports.roster import import_roster

    response = login_as("coord").get("/import/templates/roster.xlsx")
    path = files.path("template.xlsx")
    path.write_bytes(response.data)
    result = import_roster(world.base, path, dry_run=True)
    assert result.ok and result.counts["rows"] == 1 and result.header_row == 2


def test_other_areas_plug_in_their_kinds(world, login_as, import_dir, monkeypatch):
    from registry.imports import kinds
    from registry.imports.roster import ROSTER, RosterImporter

    kind = kinds.ImportKind("mentor-copy", ROSTER, RosterImporter, title="copy", done="%(rows)s", order=99)
    monkeypatch.setitem(kinds.KINDS, kind.name, kind)
    client = login_as("coord")
    assert client.get("/bases/SF-AP-01/import/mentor-copy").status_code == 200
    assert client.get("/import/templates/mentor-copy.xlsx").status_code == 200
    assert 'id="import-mentor-copy"' in client.get("/bases/SF-AP-01").get_data(as_text=True)
    preview = client.get(upload(client, xlsx_bytes([roster_row(staff_no="K-1")]),
                                url="/bases/SF-AP-01/import/mentor-copy").headers["Location"])
    assert 'id="import-ready"' in preview.get_data(as_text=True)
