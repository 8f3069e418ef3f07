"""Spreadsheets of joint teaching and innovation: industry courses, teaching cases, textbooks,
teaching teams (one row per member), joint labs, major projects and results transferred (columns,
import and export)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.errors import _l
from registry.extensions import db
from registry.imports import parsing
from registry.imports.engine import Column, Spec, not_before
from registry.records.sheets import (SIDE_ALIASES, RecordSheet, date_column, earliest_start, first_label, kind_sheet,
                                     labelled_choice, member_check, members_of_base, person_columns, register_sheet,
                                     resolve_staff_numbers, same_person, spans_meet, staff_number, term_columns, text,
                                     yes_no)
from registry.teaching import services
from registry.teaching.models import (COURSE_LEVELS, LAB_KINDS, PROJECT_CATEGORIES, SIDES, TRANSFER_KINDS,
                                      IndustryCourse, MajorProject, ResultTransfer, TeachingCase,
                                      TeachingTeam, TeachingTeamMember, Textbook)

LEVEL_ALIASES = {"硕士": "master", "硕士研究生": "master", "博士": "doctoral", "博士研究生": "doctoral",
                 "本科": "undergraduate", "本科生": "undergraduate"}
LAB_ALIASES = {"联合实验室": "joint_lab", "协同创新中心": "innovation_centre"}
CATEGORY_ALIASES = {"国家重大专项": "national_major_project", "重大工程": "major_engineering",
                    "其他重大任务": "other", "其他": "other"}
TRANSFER_ALIASES = {"专利许可": "patent_licence", "专利转让": "patent_assignment", "技术转让": "technology_transfer",
                    "软件": "software", "标准": "standard", "其他": "other"}
YEAR = parsing.integer(1950, 2100)


def _number_text(value):
    """A number cell or text, kept as text: the service checks its range and decimals."""
    return parsing.display(value)


def _resolve(model, column: str, target: str, label_attr: str):
    """Turn a reference column (a course code, a project name) into the record's id at the base."""
    def resolve(base, table):
        rows = list(table.rows_to_check())  # every row, a wrong cell or not (a copy: rows set aside move)
        wanted = {r.values.get(column) for r in rows if r.values.get(column)}
        ids = {}
        if wanted:
            ids = dict(db.session.execute(select(getattr(model, label_attr), model.id)
                                          .where(model.base_id == base.id, getattr(model, label_attr).in_(wanted))).all())
        for row in rows:
            name = row.values.get(column)
            row.values[target] = ids.get(name) if name else None
            if name and name not in ids:
                table.error(row, column, _l("\"%(value)s\" is not recorded at this base"), value=name)
                table.set_aside(row, column)
    return resolve


def _level_choices(aliases, *keys):
    return tuple(first_label(aliases, k) for k in keys)


COURSES = kind_sheet(
    services.courses, name="industry_courses", label=_l("Industry courses"), title="行业精品课程", counted_as="courses", columns=(
        Column("课程代码", "code", True, text(40), example="AP6101", description=_l("Unique within the base.")),
        Column("课程名称", "title", True, text(200), example="液体火箭发动机工程实践"),
        Column("企业主讲教师", "lead_teachers", True, text(500), example="陈星海、李航宇",
               description=_l("Enterprise teachers who lead the course, separated by 、")),
        Column("学时", "hours", True, parsing.integer(1, 2000), example=32),
        Column("学分", "credits", True, _number_text, example=2, description=_l("Up to one decimal place.")),
        Column("开课学期", "terms_offered", False, text(200), example="2024秋"),
        Column("层次", "level", True, labelled_choice(COURSE_LEVELS, LEVEL_ALIASES), example="硕士",
               choices=_level_choices(LEVEL_ALIASES, "undergraduate", "master", "doctoral"),
               description=_l("本科, 硕士 or 博士.")),
        Column("首次开设年份", "first_year", True, YEAR, example=2024,
               description=_l("The year the course was first offered: the year it counts in.")),
        Column("课程简介", "description", False, text(4000)),
    ), key=("code",),
    export=lambda c: [c.code, c.title, c.lead_teachers, c.hours, format(c.credits.normalize(), "f"), c.terms_offered,
                      first_label(LEVEL_ALIASES, c.level), c.first_year, c.description])

CASES = kind_sheet(
    services.cases, name="teaching_cases", label=_l("Teaching cases"), title="教学案例", counted_as="cases", columns=(
        Column("案例名称", "title", True, text(200), example="某型发动机试车故障分析",
               description=_l("Unique within the base.")),
        Column("作者", "authors", False, text(500), example="陈星海、林青"),
        Column("案例来源", "source", False, text(200), example="星海航天动力研究所"),
        Column("所属课程代码", "course_code", False, text(40), example="AP6101",
               description=_l("Optional: the code of an industry course of the base.")),
        Column("年份", "year", True, YEAR, example=2024, description=_l("The year completed: the year it counts in.")),
        Column("简介", "description", False, text(4000)),
    ), key=("title",),
    resolve=_resolve(IndustryCourse, "course_code", "course_id", "code"), options=(selectinload(TeachingCase.course),),
    export=lambda c: [c.title, c.authors, c.source, c.course.code if c.course else "", c.year, c.description])


def _book_key(values):
    return (services.normalise_isbn(values.get("isbn")),)


TEXTBOOKS = kind_sheet(
    services.textbooks, name="textbooks", label=_l("Course textbooks"), title="课程教材", counted_as="textbooks", columns=(
        Column("教材名称", "title", True, text(200), example="液体火箭发动机试验技术"),
        Column("作者", "authors", True, text(500), example="陈星海、郑远"),
        Column("出版社", "publisher", True, text(200), example="示范工业出版社"),
        Column("出版年份", "year", True, YEAR, example=2024, description=_l("The year of publication: the year "
                                                                           "it counts in.")),
        Column("ISBN", "isbn", True, text(40), example="978-7-111-75312-4",
               description=_l("ISBN-10 or ISBN-13, checked by its check digit; hyphens allowed.")),
        Column("所属课程代码", "course_code", False, text(40), example="AP6101",
               description=_l("Optional: the code of an industry course of the base.")),
    ), key=("isbn",), row_key=_book_key,
    resolve=_resolve(IndustryCourse, "course_code", "course_id", "code"), options=(selectinload(Textbook.course),),
    export=lambda b: [b.title, b.authors, b.publisher, b.year, b.isbn, b.course.code if b.course else ""])

LABS = kind_sheet(
    services.labs, name="joint_labs", label=_l("Joint laboratories"), title="联合实验室", counted_as="labs", columns=(
        Column("名称", "name", True, text(200), example="液体动力联合实验室"),
        Column("类型", "kind", True, labelled_choice(LAB_KINDS, LAB_ALIASES), example="联合实验室",
               choices=tuple(LAB_ALIASES), description=_l("联合实验室 or 协同创新中心.")),
        date_column("成立日期", "established_on", example=dt.date(2021, 10, 1)),
        Column("合作单位", "partners", False, text(4000)),
        Column("研究方向", "focus", False, text(4000)),
    ), key=("name",),
    export=lambda r: [r.name, first_label(LAB_ALIASES, r.kind), r.established_on, r.partners, r.focus])

PROJECTS = kind_sheet(
    services.projects, name="major_projects", label=_l("Major projects"), title="重大项目", counted_as="projects", columns=(
        Column("项目名称", "name", True, text(200), example="某型发动机研制"),
        Column("类别", "category", True, labelled_choice(PROJECT_CATEGORIES, CATEGORY_ALIASES), example="重大工程",
               choices=("国家重大专项", "重大工程", "其他重大任务"), description=_l("国家重大专项, 重大工程 or 其他重大任务.")),
        Column("项目编号", "project_no", False, text(100)),
        Column("牵头单位", "lead_organisation", False, text(200)),
        date_column("开始日期", "starts_on", example=dt.date(2022, 1, 1)),
        date_column("结束日期", "ends_on", False),
        Column("简介", "description", False, text(4000)),
    ), key=("name",),
    export=lambda r: [r.name, first_label(CATEGORY_ALIASES, r.category), r.project_no, r.lead_organisation,
                      r.starts_on, r.ends_on, r.description])

RESULTS = kind_sheet(
    services.results, name="results_transferred", label=_l("Results transferred"), title="成果转化", counted_as="results", columns=(
        Column("成果名称", "title", True, text(200), example="发动机试车数据处理软件"),
        Column("转化方式", "kind", True, labelled_choice(TRANSFER_KINDS, TRANSFER_ALIASES), example="软件",
               choices=tuple(TRANSFER_ALIASES)),
        Column("受让单位", "recipient", True, text(200), example="星海航天动力研究所"),
        date_column("转化日期", "transferred_on", example=dt.date(2024, 6, 1)),
        Column("合同金额（万元）", "contract_value", False, _number_text, example=35.5, default=None),
        Column("所属项目", "project_name", False, text(200), description=_l("Optional: a major project of the base.")),
        Column("说明", "description", False, text(4000)),
    ), key=("title", "transferred_on"),
    resolve=_resolve(MajorProject, "project_name", "project_id", "name"), options=(selectinload(ResultTransfer.project),),
    export=lambda r: [r.title, first_label(TRANSFER_ALIASES, r.kind), r.recipient, r.transferred_on,
                      format(r.contract_value.normalize(), "f") if r.contract_value is not None else "",
                      r.project.name if r.project else "", r.description])


# ---- teaching teams and their members (one row per member) ---------------------------------
#
# A member belongs to a team, not directly to a base: the sheet reads members through a view of
# `teaching_team_member` joined to its team (`members_of_base`), so the engine's generic plan and
# export (which select `model` by `model.base_id`) work unchanged. A team is created when a row
# first names it; a row is the same record as a member with the same team, person and start date.

class _NewTeam:
    """A team a row names but the base has not yet: the member rules see no other members."""

    id = None

    def __init__(self, base_id):
        self.base_id = base_id


TeamMember = members_of_base(TeachingTeamMember, TeachingTeam, "teaching_team_members")


def _resolve_teams(base, table) -> None:
    rows = table.rows_to_check("team_name")
    names = {r.values["team_name"] for r in rows}
    teams = {t.name: t for t in db.session.scalars(
        select(TeachingTeam).where(TeachingTeam.base_id == base.id, TeachingTeam.name.in_(names)))} if names else {}
    earliest_start(table, "team_name", "from_on", "team_established_on")
    for row in rows:
        row.values["team"] = teams.get(row.values["team_name"])
    resolve_staff_numbers(table)


_check_team_member = member_check("team", services.teams.values, services.team_members.values, _NewTeam)


def _teams_in_file(table, compared) -> None:
    """Rows of one team: the same person twice over the same dates, or two leaders at once."""
    by_team: dict[str, list] = {}
    for row, values in compared:
        by_team.setdefault(row.values["team_name"], []).append((row, values))
    for rows in by_team.values():
        for index, (row_b, b) in enumerate(rows):
            for row_a, a in rows[:index]:
                if not spans_meet(a, b):
                    continue
                if same_person(a, b):
                    table.error(row_b, "from_on", _l("%(name)s is already a member of this team over these dates "
                                                     "(row %(row)s)."), name=b["name"], row=row_a.number)
                    break
                if a["is_leader"] and b["is_leader"]:
                    table.error(row_b, "is_leader", _l("%(name)s already leads this team over these dates "
                                                       "(row %(row)s)."), name=a["name"], row=row_a.number)
                    break


def _create_team_member(base, data, *, actor):
    team = db.session.scalar(select(TeachingTeam).where(TeachingTeam.base_id == base.id,
                                                        TeachingTeam.name == data["team_name"]))
    if team is None:
        team = services.create_team(base, {"name": data["team_name"], "established_on": data["team_established_on"]},
                                   actor=actor)
    return services.add_team_member(team, data, actor=actor)


def _export_team_member(m) -> list:
    return [m.team.name, "是" if m.is_leader else "否", m.name, first_label(SIDE_ALIASES, m.side), m.organisation,
            staff_number(m), m.from_on, m.until_on, m.team.established_on]


TEAMS = RecordSheet(
    name="teaching_teams", label=_l("School–enterprise teaching teams"), title="校企教学团队", model=TeamMember, counted_as="members",
    spec=Spec("teaching_teams", columns=(
        Column("团队名称", "team_name", True, text(200), example="液体动力课程教学团队",
               description=_l("The team; created when a row first names it.")),
        Column("负责人", "is_leader", False, yes_no, example="是", default=False, choices=("是", "否"),
               description=_l("是 for the team leader (one at a time), else 否 or empty.")),
        *person_columns(SIDES, name="陈星海", side="企业", organisation="星海航天动力研究所"),
        *term_columns(dt.date(2023, 9, 1), "team", "团队成立日期", _l(
            "Used only when the row creates the team; empty: the earliest date joined in the file.")),
    ), row_checks=(not_before("until_on", "from_on"),)),
    key_columns=("team_name", "name", "organisation", "from_on"),
    record_key=lambda m: (m.team.name, m.name, m.organisation, m.from_on),
    create=_create_team_member, update=services.update_team_member, check=_check_team_member,
    export=_export_team_member, resolve=_resolve_teams, in_file=_teams_in_file,
    in_file_reads=("team_name", "is_leader", "name", "organisation", "from_on", "until_on"),
    options=(selectinload(TeamMember.team), selectinload(TeamMember.mentor)))


SHEETS = (COURSES, CASES, TEXTBOOKS, LABS, PROJECTS, RESULTS, TEAMS)


def register() -> None:
    """This area's record sheets, for the command line and the web import (from the area's setup())."""
    for sheet in SHEETS:
        register_sheet(sheet)
