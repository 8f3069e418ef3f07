"""The roster import of spec/interfaces.md, through the engine (the CLI and web tests use it too)."""
import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.extensions import db
from registry.imports.roster import import_roster
from registry.mentors.models import Appointment, Mentor
from tests.imports.conftest import HEADER, appointments_of, mentors_by_staff_no, roster_row, snapshot

D = dt.date


def lines(result):
    return [e.line() for e in result.errors]


def test_import_creates_mentors_and_appointments_with_audit(world, files):
    set_actor(db.session, world.coord)
    path = files.xlsx([
        roster_row("张明", "企业导师", staff_no="XH-1", email="ZhangMing@Example.com", phone="+86 138 1234 5678"),
        roster_row("王芳", "校内导师", organisation="示范工业大学", staff_no="U-7", start="2022/3/1", end="2025.2.28"),
    ])
    result = import_roster(world.base, path)
    assert result.ok, lines(result)
    assert result.summary == "imported: 2 rows, 2 mentors created, 0 updated, 2 appointments created, 0 updated"
    people = mentors_by_staff_no()
    assert people["XH-1"].side == "enterprise" and people["XH-1"].phone == "13812345678"
    assert people["XH-1"].email.endswith("@example.com")
    assert people["U-7"].side == "university" and people["U-7"].organisation == "示范工业大学"
    app = db.session.scalar(select(Appointment).where(Appointment.mentor_id == people["U-7"].id))
    assert (app.base_id, app.starts_on, app.ends_on, app.state) == (world.base.id, D(2022, 3, 1), D(2025, 2, 28), "active")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table.in_(["mentor", "appointment"]),
                                                          AuditEntry.actor_id == world.coord.id)).all()
    assert sorted((e.table, e.action) for e in entries) == [("appointment", "create")] * 2 + [("mentor", "create")] * 2
    mentor_entry = next(e for e in entries if e.table == "mentor" and e.record_id == people["XH-1"].id)
    assert mentor_entry.changes["phone"] == [None, "13812345678"]
    assert mentor_entry.base_id == world.base.id


def test_importing_twice_changes_nothing(world, files):
    path = files.xlsx([roster_row(staff_no=f"XH-{i}", end="2026-08-31") for i in range(5)])
    first = import_roster(world.base, path)
    assert first.summary == "imported: 5 rows, 5 mentors created, 0 updated, 5 appointments created, 0 updated"
    before = snapshot()
    second = import_roster(world.base, path)
    assert second.summary == "imported: 5 rows, 0 mentors created, 0 updated, 0 appointments created, 0 updated"
    assert snapshot() == before


def test_updates_are_counted_and_audited(world, files):
    import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1"), roster_row(name="赵强", staff_no="XH-2")]))
    result = import_roster(world.base, files.xlsx([
        roster_row(staff_no="XH-1", title="正高级工程师"),
        roster_row(name="赵强", staff_no="XH-2", end="2025-12-31"),
    ], name="second.xlsx"))
    assert result.summary == "imported: 2 rows, 0 mentors created, 1 updated, 0 appointments created, 1 updated"
    people = mentors_by_staff_no()
    assert people["XH-1"].title == "正高级工程师"
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "mentor", AuditEntry.action == "update")).one()
    assert update.changes == {"title": ["高级工程师", "正高级工程师"]}
    app = db.session.scalar(select(Appointment).where(Appointment.mentor_id == people["XH-2"].id))
    assert app.ends_on == D(2025, 12, 31)


def test_blank_optional_cells_do_not_erase_but_a_blank_end_date_means_open_ended(world, files):
    import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1", title="研究员", phone="13812345678",
                                                     end="2025-01-01")]))
    result = import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1", title="", phone="", end="")],
                                                  name="b.xlsx"))
    assert result.counts["mentors_updated"] == 0 and result.counts["appointments_updated"] == 1
    person = mentors_by_staff_no()["XH-1"]
    assert (person.title, person.phone) == ("研究员", "13812345678")
    assert appointments_of(world.base)[-1].ends_on is None


def test_real_world_layout(world, files):
    """A title row above the header, columns in another order, English aliases, full-width spaces,
    every date form, date cells, empty rows, an ignored extra column."""
    header = ["手机", "staff_no", "Name", "  导师类型\u3000", "organisation", "appointed_from", "聘任结束日期", "备注"]
    rows = [
        ["138 0000 0001", "A1", "\u3000李雷\u3000", "企业", "星海航天动力研究所", "2023-09-01", "", "x"],
        [None] * 8,
        ["", "A2", "韩梅梅", "校内", "示范工业大学", "2023/9/1", dt.datetime(2026, 8, 31), ""],
        ["", "A3", "Lucy", "university", "示范工业大学", "2023.9.1", None, None],
        ["   ", "", None, "", "", "", "", ""],
        ["", 1004, "Lily", "行业", "星海航天动力研究所", "2023年9月1日", "", ""],
        ["", "A5", "Jim", "Enterprise", "星海航天动力研究所", dt.datetime(2023, 9, 1), "", ""],
    ]
    path = files.xlsx(rows, header=header, title="2024年度 示范基地导师名单")
    result = import_roster(world.base, path)
    assert result.ok, lines(result)
    assert result.header_row == 2 and result.ignored_columns == ["备注"]
    assert result.counts == {"rows": 5, "mentors_created": 5, "mentors_updated": 0, "appointments_created": 5,
                             "appointments_updated": 0}
    people = mentors_by_staff_no()
    assert people["A1"].name == "李雷" and people["A1"].phone == "13800000001"
    assert people["1004"].side == "enterprise"
    starts = {a.starts_on for a in appointments_of(world.base) if a.mentor_id != world.mentor_record.id}
    assert starts == {D(2023, 9, 1)}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(world, files, encoding):
    path = files.csv([roster_row(name="欧阳锋", staff_no="C-1", start="2023年9月1日"),
                      [""] * len(HEADER),
                      roster_row(name="黄药师", side="校内导师", organisation="示范工业大学", staff_no="C-2")],
                     encoding=encoding, title="导师名单（2024）")
    result = import_roster(world.base, path)
    assert result.ok, lines(result)
    assert result.counts["mentors_created"] == 2
    assert mentors_by_staff_no()["C-1"].name == "欧阳锋"


INVALID = [
    ("missing required", roster_row(name=""), "姓名", "required, but the cell is empty"),
    ("bad side", roster_row(side="外聘"), "导师类型", '"外聘" is not a mentor type'),
    ("bad date", roster_row(start="2023-13-01"), "聘任开始日期", '"2023-13-01" is not a date'),
    ("end before start", roster_row(start="2023-09-01", end="2023-08-31"), "聘任结束日期",
     '"2023-08-31" is before the start date 2023-09-01'),
    ("bad email", roster_row(email="zhang@"), "邮箱", '"zhang@" is not a valid email address'),
    ("bad phone", roster_row(phone="1381234567"), "手机", '"1381234567" is not a mainland mobile number'),
    ("too long", roster_row(name="名" * 101), "姓名", "is longer than 100 characters"),
]


@pytest.mark.parametrize("kind,row,column,english", INVALID, ids=[i[0] for i in INVALID])
def test_invalid_cells_write_nothing(world, files, kind, row, column, english):
    before = snapshot()
    path = files.xlsx([roster_row(staff_no="OK-1"), [None] * 11, row], title="名单")
    result = import_roster(world.base, path)
    assert not result.written and len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (5, column)  # title, header, a good row, an empty row, then this one
    assert english in error.en
    assert error.line().startswith(f"row 5, {column}: ")
    assert error.line().endswith(" / " + error.en)
    assert error.zh != error.en
    assert snapshot() == before


def test_every_error_of_the_file_is_reported_in_row_order(world, files):
    path = files.xlsx([roster_row(name="", start="2023-13-01"), roster_row(staff_no="OK"),
                       roster_row(side="?", phone="123")])
    result = import_roster(world.base, path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名"), (2, "聘任开始日期"), (4, "导师类型"), (4, "手机")]


def test_the_contract_error_line(world, files, app):
    path = files.xlsx([roster_row(staff_no=str(i)) for i in range(5)] + [roster_row(start="2023-13-01")])
    result = import_roster(world.base, path)
    assert result.errors[0].line() == 'row 7, 聘任开始日期: "2023-13-01" 不是有效日期 / "2023-13-01" is not a date'


@pytest.mark.parametrize("content,name,english", [
    (b"this is not a workbook", "roster.xlsx", "could not be read as an Excel workbook"),
    (b"\x00\x01\x02garbage", "roster.csv", "is not CSV text"),
    (b"PK\x03\x04broken zip", "roster.csv", "is not CSV text"),
    (b"name,side\n1,2\n", "roster.txt", 'Unsupported file type ".txt"'),
    ("说明\n没有表头\n".encode("gb18030"), "roster.csv", "No header row found"),
    ("姓名,导师类型,所在单位\n张明,企业,X\n".encode(), "roster.csv",
     "The header (row 1) lacks the required columns: 工号、聘任开始日期"),
    ("姓名,name,导师类型,所在单位,工号,聘任开始日期\n".encode(), "roster.csv", "appears more than once"),
], ids=["not-xlsx", "binary-csv", "xlsx-named-csv", "extension", "no-header", "missing-columns", "duplicate"])
def test_unusable_files(world, files, content, name, english):
    before = snapshot()
    path = files.path(name)
    path.write_bytes(content)
    result = import_roster(world.base, path)
    assert [e.row for e in result.errors] == [None]
    assert english in result.errors[0].en
    assert snapshot() == before


def test_header_in_another_sheet_and_wrong_dimension(world, files):
    path = files.path("two.xlsx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["说明：请在第二个工作表填写"])
    sheet = workbook.create_sheet("导师")
    sheet.append(HEADER)
    sheet.append(roster_row(staff_no="S-1"))
    workbook.save(path)
    result = import_roster(world.base, path)
    assert result.ok and result.counts["mentors_created"] == 1


def test_conflicting_duplicates_inside_one_file(world, files):
    before = snapshot()
    path = files.xlsx([
        roster_row(name="张明", staff_no="XH-1", end="2025-08-31"),
        roster_row(name="张三", staff_no="XH-1", start="2025-09-01"),  # same person, another name
        roster_row(staff_no="XH-2", end="2024-08-31"),
        roster_row(staff_no="XH-2", end="2025-08-31"),  # same appointment, another end
    ])
    result = import_roster(world.base, path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名"), (5, "聘任结束日期")]
    assert "conflicts with row 2" in result.errors[0].en and "conflicts with row 4" in result.errors[1].en
    assert snapshot() == before


def test_identical_duplicate_rows_and_renewals_are_fine(world, files):
    path = files.xlsx([roster_row(staff_no="XH-1", end="2024-08-31"), roster_row(staff_no="XH-1", end="2024-08-31"),
                       roster_row(staff_no="XH-1", title="", start="2024-09-01")])
    result = import_roster(world.base, path)
    assert result.ok, lines(result)
    assert result.summary == "imported: 3 rows, 1 mentors created, 0 updated, 2 appointments created, 0 updated"


def test_overlapping_appointments_are_refused(world, files):
    """The mentors area's rule: one person's appointments at a base share no day."""
    import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1", start="2023-09-01")]))
    before = snapshot()
    result = import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1", start="2024-09-01")], name="b.xlsx"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "聘任开始日期")]
    assert "overlaps one already recorded" in result.errors[0].en
    in_file = import_roster(world.base, files.xlsx([roster_row(staff_no="N-1", start="2023-01-01", end="2023-12-31"),
                                                    roster_row(staff_no="N-1", start="2023-06-01")], name="c.xlsx"))
    assert "overlaps the one in row 2" in in_file.errors[0].en
    assert snapshot() == before


def test_side_of_a_person_with_students_cannot_change(world, files):
    from registry.mentors.models import MentorAssignment, Student

    import_roster(world.base, files.xlsx([roster_row(name="王芳", side="校内导师", organisation="示范工业大学",
                                                     staff_no="U-1", start="2020-01-01")]))
    teacher = mentors_by_staff_no()["U-1"]
    student = Student(base_id=world.base.id, name="学生甲", student_no="S1", level="master", enrolment_year=2022)
    db.session.add(student)
    db.session.flush()
    db.session.add(MentorAssignment(base_id=world.base.id, student_id=student.id, university_mentor_id=teacher.id,
                                    enterprise_mentor_id=world.mentor_record.id, starts_on=D(2022, 9, 1)))
    db.session.flush()
    before = snapshot()
    result = import_roster(world.base, files.xlsx([roster_row(name="王芳", side="企业导师", organisation="示范工业大学",
                                                              staff_no="U-1", start="2020-01-01")], name="b.xlsx"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "导师类型")]
    assert snapshot() == before


def test_people_kept_by_other_bases_are_attached_as_recorded(world, files):
    """A coordinator may not rewrite the profile of a person who serves only bases they cannot see."""
    set_actor(db.session, None, "test")
    import_roster(world.base2, files.xlsx([roster_row(name="钱七", staff_no="YF-1", organisation="远帆船舶集团",
                                                      title="高级工程师", phone="13900000000")]))
    before = snapshot()
    wrong_name = import_roster(world.base, files.xlsx([
        roster_row(name="钱八", staff_no="YF-1", organisation="远帆船舶集团")], name="c.xlsx"), actor=world.coord)
    assert [(e.row, e.column) for e in wrong_name.errors] == [(2, "姓名")]
    assert "belong to another person" in wrong_name.errors[0].en and "钱七" not in wrong_name.errors[0].en
    assert snapshot() == before
    as_coord = import_roster(world.base, files.xlsx([
        roster_row(name="钱七", staff_no="YF-1", organisation="远帆船舶集团", title="研究员", phone="13911111111")],
        name="b.xlsx"), actor=world.coord)
    assert as_coord.summary == "imported: 1 rows, 0 mentors created, 0 updated, 1 appointments created, 0 updated"
    person = mentors_by_staff_no()["YF-1"]
    assert (person.title, person.phone) == ("高级工程师", "13900000000")
    # coord2 keeps base2, where the person serves: they may rename them.
    renamed = import_roster(world.base2, files.xlsx([
        roster_row(name="钱九", staff_no="YF-1", organisation="远帆船舶集团")], name="d.xlsx"), actor=world.coord2)
    assert renamed.summary == "imported: 1 rows, 0 mentors created, 1 updated, 0 appointments created, 0 updated"
    assert mentors_by_staff_no()["YF-1"].name == "钱九"


def test_dry_run_reports_without_writing(world, files):
    before = snapshot()
    result = import_roster(world.base, files.xlsx([roster_row(staff_no=f"D-{i}") for i in range(3)]), dry_run=True)
    assert result.summary == "dry run: imported: 3 rows, 3 mentors created, 0 updated, 3 appointments created, 0 updated"
    assert not result.written and snapshot() == before


def test_writes_take_a_constant_number_of_queries(world, files, query_counter):
    small = files.xlsx([roster_row(staff_no=f"Q-{i}") for i in range(3)], name="small.xlsx")
    large = files.xlsx([roster_row(staff_no=f"R-{i}") for i in range(300)], name="large.xlsx")
    with query_counter() as n_small:
        import_roster(world.base, small)
    assert world.base.id  # reload the base (the import expires loaded objects) outside the count
    with query_counter() as n_large:
        import_roster(world.base, large)
    assert n_large() == n_small()
    assert db.session.scalar(select(func.count()).select_from(Mentor).where(Mentor.staff_no.like("R-%"))) == 300


def test_awkward_characters_are_stored_exactly(world, files):
    """Tabs, line breaks, backslashes and quotes inside cells survive the bulk write (COPY on PostgreSQL)."""
    awkward = 'a\tb\\c\nd "e" \'f\' ,g;h \\N'
    result = import_roster(world.base, files.xlsx([roster_row(staff_no="AW-1", expertise=awkward, name="O'Brien")]))
    assert result.ok, lines(result)
    person = mentors_by_staff_no()["AW-1"]
    assert (person.expertise, person.name) == (awkward, "O'Brien")


def test_an_old_sheet_does_not_reopen_an_appointment_ended_in_the_registry(world, files):
    from registry.mentors import services
    from registry.mentors.queries import ratio_of_base

    path = files.xlsx([roster_row(staff_no="XH-1", start="2022-09-01", end="")])
    assert import_roster(world.base, path).ok
    person = mentors_by_staff_no()["XH-1"]
    appointment = db.session.scalar(select(Appointment).where(Appointment.mentor_id == person.id))
    services.end_appointment(appointment, ends_on=D(2023, 6, 30), reason="调离", actor=None)
    before, ratio_before = snapshot(), ratio_of_base(world.base, D(2024, 1, 1))
    result = import_roster(world.base, path)  # the same sheet, made before the appointment ended
    assert not result.ok
    assert any("2023-06-30" in line and "聘任结束日期" in line for line in lines(result)), lines(result)
    assert snapshot() == before
    assert ratio_of_base(world.base, D(2024, 1, 1)) == ratio_before  # the person who left still does not count


def test_no_problem_of_a_row_waits_for_another_to_be_fixed(world, files):
    """A wrong phone in a row does not hide that the same row ends before it starts, nor that another
    row has an empty name and a bad e-mail: every problem of every row is listed in one pass."""
    path = files.xlsx([roster_row(staff_no="A", start="2023-09-01", end="2023-08-31", phone="123"),
                       roster_row(staff_no="OK"),
                       roster_row(staff_no="B", name="", email="x@", start="2024-01-01", end="2023-01-01"),
                       roster_row(staff_no="C", side="?", start="2023-13-01", end="2023-01-01")])
    result = import_roster(world.base, path)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "聘任结束日期"), (2, "手机"),
        (4, "姓名"), (4, "聘任结束日期"), (4, "邮箱"),
        (5, "导师类型"), (5, "聘任开始日期")]  # the end is not judged against a start that is no date


def test_the_garbage_collector_runs_again_after_every_kind_of_import(world, files, monkeypatch):
    """Imports pause the cyclic collector while they build their rows (speed); a web worker must get it
    back afterwards, whether the import wrote, found errors or failed outright."""
    import gc

    from registry.imports.roster import RosterImporter

    assert gc.isenabled()
    assert import_roster(world.base, files.xlsx([roster_row(staff_no="XH-1")])).ok
    assert gc.isenabled()
    assert not import_roster(world.base, files.xlsx([roster_row(start="2023-13-01")], name="bad.xlsx")).ok
    assert gc.isenabled()

    def broken(*args, **kwargs):
        assert not gc.isenabled()  # paused while the import runs
        raise RuntimeError("the database went away")

    monkeypatch.setattr(RosterImporter, "write", broken)
    with pytest.raises(RuntimeError):
        import_roster(world.base, files.xlsx([roster_row(staff_no="XH-9")], name="third.xlsx"))
    assert gc.isenabled()
