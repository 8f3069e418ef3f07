"""Every problem of every row in one pass: a row's checks against the rest of the file and the
database (repeated staff or student numbers, unknown mentors, people kept by another base) are
listed together with its wrong cells, not held back until the cells are fixed. Nothing is written."""
from registry.imports.roster import import_roster
from registry.imports.students import import_students
from tests.imports.conftest import roster_row, snapshot
from tests.imports import test_students
from tests.imports.test_students import HEADER as STUDENT_HEADER, student_row

team = test_students.team  # the roster the student rows name (a fixture)


def problems(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def test_roster_rows_report_cell_errors_and_conflicts_together(world, files):
    before = snapshot()
    result = import_roster(world.base, files.xlsx([
        roster_row("张明", staff_no="XH-1", email="zhang@"),  # a wrong e-mail
        roster_row("李四", staff_no="XH-1", phone="12345"),  # the same staff number, another name; a wrong phone
        roster_row("王五", staff_no="XH-2", start="2023-09-01", end="2023-01-01"),  # ends before it starts
    ]))
    assert not result.ok
    assert problems(result) == [(2, "邮箱"), (3, "姓名"), (3, "手机"), (4, "聘任结束日期")]
    assert "conflicts with row 2" in result.errors[1].en
    assert snapshot() == before  # nothing written


def test_a_person_on_record_is_checked_although_another_cell_is_wrong(world, files):
    assert import_roster(world.base, files.xlsx([roster_row("张明", staff_no="XH-1")])).ok
    before = snapshot()
    result = import_roster(world.base, files.xlsx([
        roster_row("张明", staff_no="XH-1", start="2024-01-01", email="bad@"),  # overlaps the open appointment
    ], name="second.xlsx"))
    assert problems(result) == [(2, "聘任开始日期"), (2, "邮箱")]
    assert "overlaps one already recorded" in result.errors[0].en
    assert snapshot() == before


def test_student_rows_report_unknown_mentors_and_repeats_with_their_cell_errors(team, files):
    before = snapshot()
    result = import_students(team.base, files.xlsx([
        student_row(no="S-1", level="博士后", u_no="U-404"),  # wrong level and an unknown university mentor
        student_row(no="S-1", name="周同学", year="2023年", u_no="U-1", start="2024-01-01"),  # same number, other name
        student_row(no="S-2", level="硕士", e_org="未知研究所", e_no="Z-9"),  # unknown organisation's mentor
    ], header=STUDENT_HEADER))
    assert not result.ok
    assert problems(result) == [(2, "培养层次"), (2, "校内导师工号"), (3, "姓名"), (3, "入学年份"),
                                (3, "指导开始日期"), (4, "企业导师工号")]
    messages = [e.en for e in result.errors]
    assert "no mentor with this staff number" in messages[1]
    assert "conflicts with row 2" in messages[2]
    assert "overlaps the one in row 2" in messages[4]  # row 2's open-ended period, its mentor unknown
    assert "未知研究所" in messages[5]
    assert snapshot() == before


def test_an_assignment_with_a_wrong_or_unknown_mentor_still_meets_the_students_other_rows(team, files):
    before = snapshot()
    result = import_students(team.base, files.xlsx([
        student_row(no="S-1", start="2024-01-01"),
        student_row(no="S-1", u_no="U-404", start="2024-03-01"),  # an unknown mentor; overlaps row 2
        student_row(no="S-2", start="2024-01-01"),
        student_row(no="S-2", e_no="X" * 65, start="2024-03-01"),  # a wrong staff number cell; overlaps row 4
    ], header=STUDENT_HEADER))
    assert problems(result) == [(3, "校内导师工号"), (3, "指导开始日期"), (5, "企业导师工号"), (5, "指导开始日期")]
    assert "this assignment overlaps the one in row 2" in result.errors[1].en
    assert "this assignment overlaps the one in row 4" in result.errors[3].en
    assert snapshot() == before


def test_an_assignment_with_a_wrong_date_is_left_out_of_the_comparison(team, files):
    before = snapshot()
    result = import_students(team.base, files.xlsx([
        student_row(no="S-1", start="2024-01-01", end="2024-02-30"),  # no such end date: not taken as open-ended
        student_row(no="S-1", u_no="U-404", start="2024-03-01", end="2024-05-31"),
        student_row(no="S-1", start="2024-05-01"),  # overlaps row 3
    ], header=STUDENT_HEADER))
    assert problems(result) == [(2, "指导结束日期"), (3, "校内导师工号"), (4, "指导开始日期")]
    assert "this assignment overlaps the one in row 3" in result.errors[2].en
    assert snapshot() == before
