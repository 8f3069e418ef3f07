"""A record-kind file lists every problem of every row in one pass: a row with a wrong cell is still
matched against the rest of the file (the same record twice) and the database (an overlapping
secondment), and its linked records (a roster mentor's staff number, a course code) are still looked
up. Nothing is written."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from registry.exchanges import services as exchanges
from registry.exchanges.models import Exchange
from registry.extensions import db
from registry.governance.models import WorkingGroupMember
from registry.records.sheets import import_records
from registry.teaching import services as teaching
from registry.teaching.models import TeachingCase, TeachingTeamMember
from tests.exchanges.test_exchanges import row
from tests.teaching.test_spreadsheets import EXCHANGE_HEADER, xlsx
from tests.teaching.test_team_sheets import HEADER as TEAM_HEADER
from tests.teaching.test_teaching import course


def problems(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_exchange_rows_report_wrong_cells_repeats_unknown_mentors_and_overlaps_together(world, tmp_path):
    exchanges.create_exchange(world.base, row(person_name="周八", starts_on=dt.date(2023, 1, 1),
                                              ends_on=dt.date(2023, 12, 31)), actor=None)
    path = xlsx(tmp_path, [
        EXCHANGE_HEADER + ["工号"],
        # a wrong end date, and a staff number no roster mentor of the organisation has
        ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "甲所", "2024-01-01", "2024-02-30", 1, "U-404"],
        # the same record as row 2 (kind, person, start), with a wrong head count
        ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "乙所", "2024-01-01", "2024-06-30", "许多", None],
        # a secondment overlapping one on record, with a wrong head count
        ["挂职锻炼", "高校→企业", "周八", "示范工业大学", "丙所", "2023-06-01", "2023-08-31", 0, None],
    ])
    result = import_records("exchanges", world.base, path)
    assert not result.ok and not result.written
    assert problems(result) == [(2, "工号"), (2, "结束日期"), (3, "人数"), (3, None), (4, "开始日期"), (4, "人数")]
    messages = [e.en for e in result.errors]
    assert "no roster mentor of 示范工业大学 has this staff number" in messages[0]
    assert "the same record as row 2" in messages[3]
    assert messages[4].startswith("周八 is already on a secondment at 星海航天动力研究所")
    assert count(Exchange) == 1  # nothing written


def test_teaching_case_rows_report_wrong_years_repeats_and_unknown_courses_together(world, tmp_path):
    teaching.create_course(world.base, course(), actor=None)  # AP6101
    path = xlsx(tmp_path, [
        ["案例名称", "作者", "案例来源", "所属课程代码", "年份", "简介"],
        ["试车故障分析", "陈星海", "星海", "XX9999", "二〇二四", ""],  # an unknown course and a wrong year
        ["试车故障分析", "林青", "星海", "AP6101", 2024, ""],  # the same case as row 2
        ["数据处理", "林青", "星海", "AP6102", 2024, ""],  # another unknown course
    ])
    result = import_records("teaching_cases", world.base, path)
    assert problems(result) == [(2, "所属课程代码"), (2, "年份"), (3, None), (4, "所属课程代码")]
    assert "\"XX9999\" is not recorded at this base" in result.errors[0].en
    assert "the same record as row 2" in result.errors[2].en
    assert count(TeachingCase) == 0


# ---- the rules across rows (one person's overlapping terms) see rows with a wrong cell elsewhere ------

GROUP_HEADER = ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期", "退出日期"]


def secondment(start, end, participants=1):
    return ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "甲所", start, end, participants]


def test_a_secondment_with_a_wrong_head_count_is_still_compared_with_the_persons_others(world, tmp_path):
    result = import_records("exchanges", world.base, xlsx(tmp_path, [
        EXCHANGE_HEADER,
        secondment("2024-01-01", "2024-06-30"),
        secondment("2024-03-01", "2024-09-30", participants="许多"),  # overlaps row 2
    ]))
    assert problems(result) == [(3, "开始日期"), (3, "人数")]
    assert "this secondment overlaps the one in row 2 of the same person" in result.errors[0].en
    assert count(Exchange) == 0


def test_a_secondment_with_a_wrong_date_is_left_out_of_the_comparison(world, tmp_path):
    result = import_records("exchanges", world.base, xlsx(tmp_path, [
        EXCHANGE_HEADER,
        secondment("2024-01-01", "2024-02-30"),  # no such end date: not taken as open-ended
        secondment("2024-03-01", "2024-05-31", participants=0),
        secondment("2024-05-01", "2024-08-31"),  # overlaps row 3
    ]))
    assert problems(result) == [(2, "结束日期"), (3, "人数"), (4, "开始日期")]
    assert "overlaps the one in row 3" in result.errors[2].en
    assert count(Exchange) == 0


def test_team_members_with_a_wrong_side_are_still_compared_with_the_teams_other_rows(world, tmp_path):
    result = import_records("teaching_teams", world.base, xlsx(tmp_path, [
        TEAM_HEADER,
        ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", None],
        ["团队甲", "否", "林青", "政府", "示范工业大学", "2023-10-01", None],  # row 2's person again
        ["团队甲", "是", "赵老师", "政府", "示范工业大学", "2024-01-01", None],  # a second leader
    ]))
    assert problems(result) == [(3, "所属方"), (3, "加入日期"), (4, "负责人"), (4, "所属方")]
    assert "林青 is already a member of this team over these dates (row 2)." in result.errors[1].en
    assert "林青 already leads this team over these dates (row 2)." in result.errors[2].en
    assert count(TeachingTeamMember) == 0


def test_a_team_member_with_a_wrong_date_is_left_out_of_the_comparison(world, tmp_path):
    result = import_records("teaching_teams", world.base, xlsx(tmp_path, [
        TEAM_HEADER,
        ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", "2023-02-30"],  # not taken as still leading
        ["团队甲", "是", "赵老师", "政府", "示范工业大学", "2024-01-01", None],
        ["团队甲", "否", "赵老师", "高校", "示范工业大学", "2024-03-01", None],  # row 3's person again
    ]))
    assert problems(result) == [(2, "退出日期"), (3, "所属方"), (4, "加入日期")]
    assert "赵老师 is already a member of this team over these dates (row 3)." in result.errors[2].en
    assert count(TeachingTeamMember) == 0


def test_group_members_with_a_wrong_role_are_still_compared_with_the_groups_other_rows(world, tmp_path):
    result = import_records("working_group_members", world.base, xlsx(tmp_path, [
        GROUP_HEADER,
        ["工作组", "王五", "高校", "示范工业大学", "成员", "2020-06-01", None],
        ["工作组", "王五", "高校", "示范工业大学", "顾问", "2021-01-01", None],  # row 2's person again
    ]))
    assert problems(result) == [(3, "组内角色"), (3, "加入日期")]
    assert "王五 is already a member of this group over these dates (row 2)." in result.errors[1].en
    assert count(WorkingGroupMember) == 0


def test_a_group_member_with_a_wrong_date_is_left_out_of_the_comparison(world, tmp_path):
    result = import_records("working_group_members", world.base, xlsx(tmp_path, [
        GROUP_HEADER,
        ["工作组", "王五", "高校", "示范工业大学", "成员", "2020-06-01", "2020-13-01"],  # not taken as open-ended
        ["工作组", "王五", "高校", "示范工业大学", "顾问", "2021-01-01", None],
        ["工作组", "王五", "高校", "示范工业大学", "成员", "2021-06-01", None],  # overlaps row 3
    ]))
    assert problems(result) == [(2, "退出日期"), (3, "组内角色"), (4, "加入日期")]
    assert "王五 is already a member of this group over these dates (row 3)." in result.errors[2].en
    assert count(WorkingGroupMember) == 0
