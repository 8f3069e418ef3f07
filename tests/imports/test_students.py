"""Students and their dual mentors, imported like the roster."""
import datetime as dt

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.imports.roster import import_roster
from registry.imports.students import covers, import_students
from registry.mentors.models import Appointment, MentorAssignment, Student
from tests.imports.conftest import roster_row, snapshot

D = dt.date
HEADER = ["姓名", "学号", "培养层次", "入学年份", "专业", "校内导师单位", "校内导师工号", "企业导师单位", "企业导师工号",
          "指导开始日期", "指导结束日期"]


def student_row(name="李同学", no="S-1", level="硕士研究生", year=2023, programme="推进", u_org="示范工业大学",
                u_no="U-1", e_org="星海航天动力研究所", e_no="XH-1", start="2023-09-01", end=""):
    return [name, no, level, year, programme, u_org, u_no, e_org, e_no, start, end]


@pytest.fixture
def team(world, files):
    result = import_roster(world.base, files.xlsx([
        roster_row("王芳", "校内导师", "示范工业大学", "U-1", start="2020-01-01"),
        roster_row("张明", "企业导师", staff_no="XH-1", start="2020-01-01", end="2023-12-31"),
        roster_row("张明", "企业导师", staff_no="XH-1", start="2024-01-01"),  # a renewal joins up
        roster_row("赵强", "企业导师", staff_no="XH-2", start="2023-01-01", end="2024-06-30"),
    ], name="team.xlsx"))
    assert result.ok, [e.line() for e in result.errors]
    return world


def test_students_and_assignments_are_created_then_unchanged(team, files):
    path = files.xlsx([student_row(), student_row("周同学", "S-2", "博士", 2022, start="2023/9/1", end="2026-06-30"),
                       student_row("吴同学", "S-3", "本科生", 2024, u_org="", u_no="", e_org="", e_no="", start="")],
                      header=HEADER, title="2024 联合培养学生")
    result = import_students(team.base, path)
    assert result.ok, [e.line() for e in result.errors]
    assert result.summary == "imported: 3 rows, 3 students created, 0 updated, 2 assignments created, 0 updated"
    students = {s.student_no: s for s in db.session.scalars(select(Student))}
    assert (students["S-2"].level, students["S-2"].enrolment_year) == ("doctoral", 2022)
    assert students["S-3"].assignments == []
    assignment = db.session.scalars(select(MentorAssignment).where(MentorAssignment.student_id == students["S-1"].id)).one()
    assert (assignment.starts_on, assignment.ends_on) == (D(2023, 9, 1), None)
    before = snapshot()
    again = import_students(team.base, path)
    assert again.summary == "imported: 3 rows, 0 students created, 0 updated, 0 assignments created, 0 updated"
    assert snapshot() == before


def test_assignment_rules_of_the_mentors_area(team, files):
    before = snapshot()
    path = files.xlsx([
        student_row(no="A", u_no="U-404"),  # unknown mentor
        student_row(no="B", u_no="XH-1", u_org="星海航天动力研究所"),  # enterprise mentor as university mentor
        student_row(no="C", e_no="XH-2"),  # XH-2's appointment ends 2024-06-30: no open-ended cover
        student_row(no="D", year=2024, start="2023-09-01", end="2024-06-30", e_no="XH-2"),  # before enrolment
        student_row(no="E", e_no="", start="2023-09-01"),  # incomplete assignment
        student_row(no="F", level="博士后"),
        student_row(no="G", year="2023年"),
        student_row(no="H", start="2024-01-01", end="2024-12-31"),
        student_row(no="H", start="2024-06-01", end="2025-06-30"),  # overlaps the row above
    ], header=HEADER)
    result = import_students(team.base, path)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "校内导师工号"), (3, "校内导师工号"), (4, "企业导师工号"), (5, "指导开始日期"), (6, "企业导师工号"),
        (7, "培养层次"), (8, "入学年份"), (10, "指导开始日期")]
    messages = [e.en for e in result.errors]
    assert "no mentor with this staff number" in messages[0]
    assert "is an enterprise mentor, not a university mentor" in messages[1]
    assert "has no appointment at this base active over the whole period" in messages[2]
    assert "before the enrolment year 2024" in messages[3]
    assert "required when the row names the student's mentors" in messages[4]
    assert "overlaps the one in row 9" in messages[7]
    assert snapshot() == before


def test_a_suspended_appointment_does_not_cover(team, files):
    from registry.mentors.models import Mentor

    app = db.session.scalars(select(Appointment).join(Appointment.mentor).where(Mentor.staff_no == "U-1")).one()
    from registry.mentors.services import suspend_appointment

    suspend_appointment(app, starts_on=app.starts_on, reason="出国", actor=None)
    result = import_students(team.base, files.xlsx([student_row()], header=HEADER))
    assert not result.ok


def test_updates_of_students_and_assignments(team, files):
    import_students(team.base, files.xlsx([student_row(end="2025-06-30")], header=HEADER))
    result = import_students(team.base, files.xlsx([student_row(programme="航空发动机", e_no="XH-1", end="2026-06-30")],
                                                   header=HEADER, name="b.xlsx"))
    assert result.summary == "imported: 1 rows, 0 students created, 1 updated, 0 assignments created, 1 updated"
    overlapping = import_students(team.base, files.xlsx([student_row(start="2024-09-01")], header=HEADER,
                                                        name="c.xlsx"))
    assert "already has mentors" in overlapping.errors[0].en


def test_covers_joins_renewals():
    spans = [(D(2020, 1, 1), D(2020, 12, 31)), (D(2021, 1, 1), None)]
    assert covers(spans, D(2020, 6, 1), None)
    assert not covers([(D(2020, 1, 1), D(2020, 12, 30)), (D(2021, 1, 1), None)], D(2020, 6, 1), None)
    assert not covers([(D(2020, 1, 1), D(2022, 1, 1))], D(2020, 6, 1), None)
    assert covers([(D(2020, 1, 1), D(2022, 1, 1))], D(2020, 6, 1), D(2022, 1, 1))
