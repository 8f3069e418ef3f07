"""Spreadsheets of governance records: cooperation agreements, training plans, two-way exchange
arrangements, regulations, and the working group's members (one row per member; the group is
created when the base has none). Checked by the governance services, so a file obeys the rules
of the web forms; imported and exported through `registry.records.sheets`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.errors import _l
from registry.extensions import db
from registry.governance import services
from registry.governance.models import (GROUP_ROLES, MEMBER_SIDES, REGULATION_AREAS, WorkingGroup,
                                        WorkingGroupMember)
from registry.imports.engine import Column, Spec, not_before
from registry.records.sheets import (SIDE_ALIASES, RecordSheet, date_column, earliest_start, first_label, kind_sheet,
                                     labelled_choice, member_check, members_of_base, person_columns, register_sheet,
                                     resolve_staff_numbers, same_person, spans_meet, staff_number, term_columns, text)
AREA_ALIASES = {"基地建设": "base_building", "联合培养": "joint_training", "导师管理": "mentor_management",
                "学生管理": "student_management", "合作交流": "cooperation_exchange", "挂职锻炼": "secondment",
                "挂职": "secondment", "质量评价": "quality_evaluation"}
ROLE_ALIASES = {"组长": "leader", "副组长": "deputy_leader", "成员": "member", "组员": "member", "秘书": "secretary"}


AGREEMENTS = kind_sheet(
    services.agreements, name="cooperation_agreements", label=_l("Cooperation agreements"), title="合作协议", counted_as="agreements", columns=(
        Column("协议名称", "title", True, text(200), example="校企联合培养研究生合作协议"),
        Column("协议编号", "document_no", False, text(100)),
        Column("签约各方", "parties", True, text(4000), example="示范工业大学；星海航天动力研究所",
               description=_l("The signing parties (one per line, or separated by ；).")),
        date_column("签署日期", "signed_on", example=dt.date(2021, 9, 1)),
        date_column("有效期至", "valid_until", False, example=dt.date(2026, 8, 31),
                    description=_l("Empty when open-ended; not before the signing date.")),
        Column("备注", "notes", False, text(4000)),
    ), key=("title", "signed_on"))

PLANS = kind_sheet(
    services.plans, name="training_plans", label=_l("Training plans"), title="人才培养方案", counted_as="plans", columns=(
        Column("方案名称", "title", True, text(200), example="航空宇航工程专业学位研究生培养方案"),
        Column("版本", "version", True, text(40), example="2024版", description=_l("Unique within the base.")),
        date_column("通过日期", "adopted_on", example=dt.date(2024, 6, 30), description=_l(
            "The date adopted: the latest version adopted by a day is the one in force.")),
        Column("制定人", "authors", False, text(4000), description=_l("Who wrote it, from both sides.")),
        Column("备注", "notes", False, text(4000)),
    ), key=("version",))

ARRANGEMENTS = kind_sheet(
    services.arrangements, name="exchange_arrangements", label=_l("Exchange arrangements"), title="双向交流机制", counted_as="arrangements", columns=(
        Column("名称", "title", True, text(200), example="校企人员双向交流管理办法"),
        date_column("建立日期", "established_on", example=dt.date(2022, 3, 1)),
        date_column("有效期至", "valid_until", False,
                    description=_l("Empty when open-ended; not before the date established.")),
        Column("说明", "description", False, text(4000)),
    ), key=("title", "established_on"))

REGULATIONS = kind_sheet(
    services.regulations, name="regulations", label=_l("Regulations"), title="规章制度", counted_as="regulations", columns=(
        Column("领域", "area", True, labelled_choice(REGULATION_AREAS, AREA_ALIASES), example="导师管理",
               choices=tuple(first_label(AREA_ALIASES, k) for k in REGULATION_AREAS),
               description=_l("One of the seven areas: 基地建设, 联合培养, 导师管理, 学生管理, 合作交流, 挂职锻炼, "
                              "质量评价.")),
        Column("制度名称", "title", True, text(200), example="校企联合培养导师管理办法"),
        Column("文号", "document_no", False, text(100)),
        date_column("发布日期", "issued_on", example=dt.date(2022, 5, 10)),
        date_column("有效期至", "valid_until", False, description=_l("Empty when open-ended; not before the date issued.")),
        Column("摘要", "summary", False, text(4000)),
    ), key=("title", "issued_on"),
    export=lambda r: [first_label(AREA_ALIASES, r.area), r.title, r.document_no, r.issued_on, r.valid_until,
                      r.summary])


# ---- the working group's members -----------------------------------------------------------

GroupMember = members_of_base(WorkingGroupMember, WorkingGroup, "working_group_members")


class _NewGroup:
    """The group a file creates: the member rules see no other members yet."""

    members = ()

    def __init__(self, base_id):
        self.base_id = base_id


def _resolve_group(base, table) -> None:
    """The base's one working group: rows must name it; without one, the file's rows name the group
    to create (the first row's name; another name is an error)."""
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.base_id == base.id))
    first = None
    for row in list(table.rows_to_check("group_name")):  # a copy: rows set aside move
        name = row.values["group_name"]
        if group is not None and name != group.name:
            table.error(row, "group_name", _l("\"%(value)s\": the working group of this base is %(name)s"),
                        value=name, name=group.name)
            table.set_aside(row, "group_name")
        elif group is None and first is not None and name != first.values["group_name"]:
            table.error(row, "group_name", _l("\"%(value)s\": a base has one working group; row %(row)s names it "
                                              "%(name)s"),
                        value=name, row=first.number, name=first.values["group_name"])
            table.set_aside(row, "group_name")
        elif first is None:
            first = row
    earliest_start(table, "group_name", "from_on", "group_established_on")
    for row in table.rows_to_check():
        row.values["group"] = group
        if first is not None and group is None and "group_established_on" not in first.broken:
            # one date for the group the file creates
            row.values["group_established_on"] = first.values["group_established_on"]
    resolve_staff_numbers(table)


_check_group_member = member_check("group", services.groups.values, services.group_members.values, _NewGroup)


def _group_in_file(table, compared) -> None:
    """The same person twice over the same dates in the file."""
    for index, (row_b, b) in enumerate(compared):
        for row_a, a in compared[:index]:
            if spans_meet(a, b) and same_person(a, b):
                table.error(row_b, "from_on", _l("%(name)s is already a member of this group over these dates "
                                                 "(row %(row)s)."), name=b["name"], row=row_a.number)
                break


def _create_group_member(base, data, *, actor):
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.base_id == base.id))
    if group is None:
        group = services.create_group(base, {"name": data["group_name"],
                                             "established_on": data["group_established_on"]}, actor=actor)
    return services.add_group_member(group, data, actor=actor)


def _export_group_member(m) -> list:
    return [m.group.name, m.name, first_label(SIDE_ALIASES, m.side), m.organisation, staff_number(m),
            m.position, first_label(ROLE_ALIASES, m.group_role), m.from_on, m.until_on, m.group.established_on]


GROUP_MEMBERS = RecordSheet(
    name="working_group_members", label=_l("Working group members"), title="建设工作组成员", model=GroupMember, counted_as="members",
    spec=Spec("working_group_members", columns=(
        Column("工作组名称", "group_name", True, text(200), example="示范基地建设工作组",
               description=_l("The base's working group; created from the file when the base has none.")),
        *person_columns(MEMBER_SIDES, name="林青", side="高校", organisation="示范工业大学"),
        Column("职务", "position", False, text(100), example="研究生院副院长",
               description=_l("The post held at the member's own organisation.")),
        Column("组内角色", "group_role", True, labelled_choice(GROUP_ROLES, ROLE_ALIASES), example="组长",
               choices=("组长", "副组长", "成员", "秘书"), description=_l("组长, 副组长, 成员 or 秘书.")),
        *term_columns(dt.date(2021, 9, 1), "group", "工作组成立日期", _l(
            "Used only when the file creates the group; empty: the earliest date joined in the file.")),
    ), row_checks=(not_before("until_on", "from_on"),)),
    key_columns=("name", "organisation", "from_on"),
    record_key=lambda m: (m.name, m.organisation, m.from_on),
    create=_create_group_member, update=services.update_group_member, check=_check_group_member,
    export=_export_group_member, resolve=_resolve_group, in_file=_group_in_file,
    in_file_reads=("name", "organisation", "from_on", "until_on"),
    options=(selectinload(GroupMember.group), selectinload(GroupMember.mentor)))


SHEETS = (AGREEMENTS, PLANS, ARRANGEMENTS, REGULATIONS, GROUP_MEMBERS)


def register() -> None:
    """This area's record sheets, for the command line and the web import (from the area's setup())."""
    for sheet in SHEETS:
        register_sheet(sheet)
