"""The exchange spreadsheet (secondments, visits, study tours): columns, import and export."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import selectinload

from registry.errors import _l
from registry.exchanges import services
from registry.exchanges.models import DIRECTIONS, EXCHANGE_KINDS, Exchange
from registry.imports import parsing
from registry.imports.engine import Column
from registry.records.sheets import (first_label, kind_sheet, labelled_choice, register_sheet, resolve_staff_numbers,
                                     text)

KIND_ALIASES = {"挂职锻炼": "secondment", "挂职": "secondment", "交流访学": "visit", "访学": "visit",
                "企业游学": "study_tour", "游学": "study_tour"}
DIRECTION_ALIASES = {"高校→企业": "university_to_enterprise", "高校到企业": "university_to_enterprise",
                     "校到企": "university_to_enterprise", "学校→企业": "university_to_enterprise",
                     "企业→高校": "enterprise_to_university", "企业到高校": "enterprise_to_university",
                     "企到校": "enterprise_to_university", "企业→学校": "enterprise_to_university"}
_date = parsing.date_between(1950, 2100)

COLUMNS = (
    Column("类型", "kind", True, labelled_choice(EXCHANGE_KINDS, KIND_ALIASES), example="挂职锻炼",
           choices=("挂职锻炼", "交流访学", "企业游学"),
           description=_l("挂职锻炼 (secondment), 交流访学 (visit) or 企业游学 (study tour).")),
    Column("方向", "direction", True, labelled_choice(DIRECTIONS, DIRECTION_ALIASES), example="高校→企业",
           choices=("高校→企业", "企业→高校"),
           description=_l("高校→企业 (a university teacher goes to an enterprise) or 企业→高校.")),
    Column("姓名", "person_name", True, text(100), example="林青",
           description=_l("The person (for a study tour, the group's name or leader).")),
    Column("所在单位", "person_organisation", True, text(200), example="示范工业大学",
           description=_l("The person's own university or enterprise.")),
    Column("工号", "staff_no", False, text(64), example="",
           description=_l("Optional: the staff number of a roster mentor; links the record to that mentor.")),
    Column("职称职务", "person_title", False, text(100), example="讲师", description=_l("Title or post.")),
    Column("接收单位", "host_organisation", True, text(200), example="星海航天动力研究所",
           description=_l("The host organisation.")),
    Column("开始日期", "starts_on", True, _date, example=dt.date(2024, 3, 1), default=None,
           description=_l("A date; the year of this date is the year the record counts in.")),
    Column("结束日期", "ends_on", False, _date, example=dt.date(2024, 8, 31), default=None,
           description=_l("Empty while it goes on; not before the start.")),
    Column("人数", "participants", False, parsing.integer(1, 10000), example=1, default=1,
           description=_l("How many people went (a study tour may take a group); 1 when empty.")),
    Column("目的", "purpose", False, text(4000), description=_l("Purpose.")),
    Column("参与科技攻关", "projects_joined", False, text(4000), description=_l("Projects joined.")),
    Column("成效", "outcomes", False, text(4000), description=_l("Outcomes.")),
)


def _resolve_mentors(base, table) -> None:
    resolve_staff_numbers(table, organisation="person_organisation", name="person_name", side=None)


def _no_overlap_in_file(table, compared) -> None:
    """One person's secondments in the file share no day (the database's are checked per row)."""
    by_person: dict[tuple, list] = {}
    for row, values in compared:
        if values["kind"] == "secondment":
            person = ("m", values["mentor_id"]) if values["mentor_id"] else (values["person_name"],
                                                                              values["person_organisation"])
            by_person.setdefault(person, []).append((row, values))
    for spans in by_person.values():
        spans.sort(key=lambda rv: rv[1]["starts_on"])
        for (row_a, a), (row_b, b) in zip(spans, spans[1:]):
            if a["ends_on"] is None or a["ends_on"] >= b["starts_on"]:
                table.error(row_b, "starts_on", _l("\"%(value)s\": this secondment overlaps the one in row %(row)s "
                                                   "of the same person"),
                            value=b["starts_on"].isoformat(), row=row_a.number)


def _export(e: Exchange) -> list:
    return [first_label(KIND_ALIASES, e.kind), first_label(DIRECTION_ALIASES, e.direction), e.person_name,
            e.person_organisation, e.mentor.staff_no if e.mentor else "", e.person_title, e.host_organisation,
            e.starts_on, e.ends_on, e.participants, e.purpose, e.projects_joined, e.outcomes]


SHEET = kind_sheet(
    services.exchanges, name="exchanges", label=_l("Two-way exchanges"), title="双向交流", columns=COLUMNS, counted_as="exchanges",
    key=("kind", "person_name", "person_organisation", "starts_on"), export=_export, resolve=_resolve_mentors,
    in_file=_no_overlap_in_file, in_file_reads=("kind", "person_name", "person_organisation", "starts_on", "ends_on"),
    options=(selectinload(Exchange.mentor),))


SHEETS = (SHEET,)


def register() -> None:
    """This area's record sheets, for the command line and the web import (from the area's setup())."""
    for sheet in SHEETS:
        register_sheet(sheet)
