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
from registry.records.sheets import import_records
from registry.teaching import services as teaching
from registry.teaching.models import TeachingCase
from tests.exchanges.test_exchanges import row
from tests.teaching.test_spreadsheets import EXCHANGE_HEADER, xlsx
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
