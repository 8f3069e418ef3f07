"""Governance spreadsheets (agreements, training plans, exchange arrangements, regulations, working
group members) through the records' import engine: aliases and date forms, idempotent, row-numbered
errors with nothing written, exports that import unchanged, templates, and the list pages' links."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.governance import services
from registry.governance.models import (CooperationAgreement, ExchangeArrangement, Regulation, TrainingPlan,
                                        WorkingGroup, WorkingGroupMember)

MODELS = (CooperationAgreement, TrainingPlan, ExchangeArrangement, Regulation, WorkingGroup, WorkingGroupMember)


def xlsx(tmp_path, rows, name="file.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def run(runner, kind, path, base="SF-AP-01"):
    result = runner.invoke(args=["records", "import", kind, path, "--base", base])
    return result, (result.stderr or "") + result.output


def snapshot():
    """Every governance row (all columns but timestamps) and the size of the audit log."""
    rows = {}
    for model in MODELS:
        columns = [c for c in model.__table__.c if c.key not in ("created_at", "updated_at")]
        rows[model.__tablename__] = db.session.execute(select(*columns).order_by(model.__table__.c.id)).all()
    return rows, db.session.scalar(select(func.count()).select_from(AuditEntry))


# ---- the sheets, each with a valid file and its expected result -------------------------------

VALID = {
    "cooperation_agreements": [
        ["示范基地合作协议汇总"],  # a title row
        ["协议名称", "签约各方", "签署日期", "有效期至", "协议编号"],
        ["校企联合培养协议", "示范工业大学\n星海航天动力研究所", dt.datetime(2021, 9, 1), "2026/8/31", "HZ-2021-01"],
        ["续签协议", "示范工业大学；星海航天动力研究所", "2026年9月1日", None, None],
    ],
    "training_plans": [
        ["title", "version", "adopted_on"],  # the English aliases
        ["航空宇航工程培养方案", "2021版", "2021.6.30"],
        ["航空宇航工程培养方案", 2024, dt.date(2024, 6, 30)],  # a number cell is a version too
    ],
    "exchange_arrangements": [
        ["名称", "建立日期", "有效期至", "说明"],
        ["校企人员双向交流管理办法", "2022-03-01", None, "每年互派"],
    ],
    "regulations": [
        ["领域", "制度名称", "发布日期", "有效期至"],
        ["导师管理", "导师管理办法", "2022-05-10", None],
        ["quality_evaluation", "质量评价办法", "2022/5/10", "2027-05-09"],  # the area's key
        ["挂职", "挂职锻炼管理规定", "2023年1月1日", None],  # a short alias
    ],
    "working_group_members": [
        ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期", "退出日期", "工号", "职务"],
        ["示范基地建设工作组", "林青", "高校", "示范工业大学", "组长", "2021-09-01", None, None, "副院长"],
        ["示范基地建设工作组", "李工", "企业", "星海航天动力研究所", "deputy_leader", "2021/9/1", None, "E001", None],
        ["示范基地建设工作组", "赵老师", "university", "示范工业大学", "秘书", "2021-10-01", "2023-12-31", None, None],
    ],
}
COUNTS = {"cooperation_agreements": (2, "agreements"), "training_plans": (2, "plans"),
          "exchange_arrangements": (1, "arrangements"), "regulations": (3, "regulations"),
          "working_group_members": (3, "members")}


@pytest.mark.parametrize("kind", list(VALID))
def test_a_file_imports_and_a_second_import_changes_nothing(world, runner, tmp_path, kind):
    path = xlsx(tmp_path, VALID[kind])
    rows, noun = COUNTS[kind]
    result, output = run(runner, kind, path)
    assert result.exit_code == 0, output
    assert result.output.strip() == f"imported: {rows} rows, {rows} {noun} created, 0 updated, 0 unchanged"
    before = snapshot()
    result, output = run(runner, kind, path)
    assert result.output.strip() == f"imported: {rows} rows, 0 {noun} created, 0 updated, {rows} unchanged", output
    assert snapshot() == before


def test_what_the_files_mean(world, runner, tmp_path):
    for kind, rows in VALID.items():
        assert run(runner, kind, xlsx(tmp_path, rows, f"{kind}.xlsx"))[0].exit_code == 0
    agreement = db.session.scalar(select(CooperationAgreement).where(CooperationAgreement.title == "校企联合培养协议"))
    assert (agreement.signed_on, agreement.valid_until, agreement.document_no) == (
        dt.date(2021, 9, 1), dt.date(2026, 8, 31), "HZ-2021-01")
    assert sorted(db.session.scalars(select(TrainingPlan.version))) == ["2021版", "2024"]
    assert dict(db.session.execute(select(Regulation.title, Regulation.area)).all()) == {
        "导师管理办法": "mentor_management", "质量评价办法": "quality_evaluation", "挂职锻炼管理规定": "secondment"}
    group = db.session.scalar(select(WorkingGroup))
    assert (group.name, group.established_on) == ("示范基地建设工作组", dt.date(2021, 9, 1))
    members = {m.name: m for m in group.members}
    assert (members["林青"].group_role, members["林青"].position) == ("leader", "副院长")
    assert (members["李工"].mentor_id, members["李工"].group_role) == (world.mentor_record.id, "deputy_leader")
    assert (members["赵老师"].side, members["赵老师"].until_on) == ("university", dt.date(2023, 12, 31))


def test_a_changed_row_updates_its_record_and_is_audited(world, runner, tmp_path):
    header = ["版本", "方案名称", "通过日期"]
    run(runner, "training_plans", xlsx(tmp_path, [header, ["2024版", "旧名称", "2024-06-30"]], "a.xlsx"))
    result, output = run(runner, "training_plans", xlsx(tmp_path, [header, ["2024版", "新名称", "2024-06-30"]], "b.xlsx"))
    assert result.output.strip() == "imported: 1 rows, 0 plans created, 1 updated, 0 unchanged", output
    assert db.session.scalar(select(TrainingPlan.title)) == "新名称"
    changes = db.session.scalars(select(AuditEntry.changes).where(AuditEntry.table == "training_plan",
                                                                  AuditEntry.action == "update")).all()
    assert changes == [{"title": ["旧名称", "新名称"]}]


# ---- refusals: each row-numbered, nothing written ---------------------------------------------

INVALID = [
    ("cooperation_agreements", ["协议名称", "签约各方", "签署日期", "有效期至"],
     ["协议", "双方", "2021-02-30", None], "row 3, 签署日期:", "\"2021-02-30\" is not a date"),
    ("cooperation_agreements", ["协议名称", "签约各方", "签署日期", "有效期至"],
     ["协议", "双方", "2021-09-01", "2021-08-31"], "row 3, 有效期至:", "is before the start date 2021-09-01"),
    ("cooperation_agreements", ["协议名称", "签约各方", "签署日期", "有效期至"],
     ["协议", None, "2021-09-01", None], "row 3, 签约各方:", "required, but the cell is empty"),
    ("training_plans", ["方案名称", "版本", "通过日期"], ["方案", "V" * 41, "2024-06-30"], "row 3, 版本:",
     "is longer than 40 characters"),
    ("training_plans", ["方案名称", "版本", "通过日期"], ["方案", "2019版", "2019-06-30"], "row 3:",
     "the same record as row 2"),
    ("training_plans", ["方案名称", "版本", "通过日期"], ["方案", "2020版", "1900-01-01"], "row 3, 通过日期:",
     "is not between 1950 and 2100"),
    ("exchange_arrangements", ["名称", "建立日期", "有效期至"], ["机制", "2022-03-01", "明年"], "row 3, 有效期至:",
     "\"明年\" is not a date"),
    ("regulations", ["领域", "制度名称", "发布日期"], ["后勤管理", "办法", "2022-05-10"], "row 3, 领域:",
     "\"后勤管理\" is not one of: 基地建设、联合培养、导师管理、学生管理、合作交流、挂职锻炼、质量评价"),
    ("regulations", ["领域", "制度名称", "发布日期", "有效期至"], ["导师管理", "办法", "2022-05-10", "2022-05-09"],
     "row 3, 有效期至:", "is before the start date 2022-05-10"),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期"],
     ["工作组", "林青", "高校", "示范工业大学", "顾问", "2021-09-01"], "row 3, 组内角色:",
     "\"顾问\" is not one of: 组长、副组长、成员、秘书"),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期"],
     ["工作组", "林青", "政府", "示范工业大学", "成员", "2021-09-01"], "row 3, 所属方:", "\"政府\" is not one of: 高校、企业"),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期"],
     ["另一个工作组", "林青", "高校", "示范工业大学", "成员", "2021-09-01"], "row 3, 工作组名称:",
     "a base has one working group; row 2 names it 工作组"),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期", "退出日期"],
     ["工作组", "王五", "高校", "示范工业大学", "成员", "2021-01-01", None], "row 3, 加入日期:",
     "王五 is already a member of this group over these dates (row 2)."),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期", "退出日期", "工号"],
     ["工作组", "张三", "企业", "星海航天动力研究所", "成员", "2021-09-01", None, "E001"], "row 3, 姓名:",
     "this staff number belongs to another person"),
    ("working_group_members", ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期", "退出日期", "工号"],
     ["工作组", "李工", "高校", "星海航天动力研究所", "成员", "2021-09-01", None, "E001"], "row 3, 所属方:",
     "the roster has this mentor on the other side"),
]
FIRST_ROW = {"cooperation_agreements": ["协议一", "双方", "2020-01-01", None],
             "training_plans": ["方案", "2019版", "2019-06-30"],
             "exchange_arrangements": ["机制一", "2020-01-01", None],
             "regulations": ["基地建设", "建设办法", "2020-01-01", None],
             "working_group_members": ["工作组", "王五", "高校", "示范工业大学", "成员", "2020-06-01", None, None]}


@pytest.mark.parametrize("kind, header, row, where, message", INVALID,
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(INVALID)])
def test_every_invalid_cell_is_refused_with_its_row_and_nothing_is_written(world, runner, tmp_path, kind, header,
                                                                           row, where, message):
    before = snapshot()
    first = FIRST_ROW[kind][:len(header)]
    path = xlsx(tmp_path, [header, first + [None] * (len(header) - len(first)), row])
    result, output = run(runner, kind, path)
    assert result.exit_code == 1, output
    assert where in output and message in output, output
    assert snapshot() == before  # all or nothing: not even the valid row 2


def test_members_must_name_the_bases_own_group(world, runner, tmp_path):
    group = services.create_group(world.base, {"name": "基地工作组", "established_on": dt.date(2020, 1, 1)}, actor=None)
    services.add_group_member(group, {"name": "林青", "side": "university", "organisation": "示范工业大学",
                                      "group_role": "leader", "from_on": dt.date(2020, 1, 1)}, actor=None)
    db.session.commit()
    before = snapshot()
    header = ["工作组名称", "姓名", "所属方", "所在单位", "组内角色", "加入日期"]
    path = xlsx(tmp_path, [header, ["别的工作组", "赵老师", "高校", "示范工业大学", "成员", "2021-01-01"],
                           ["基地工作组", "林青", "高校", "示范工业大学", "成员", "2021-01-01"]])
    result, output = run(runner, "working_group_members", path)
    assert result.exit_code == 1
    assert "row 2, 工作组名称:" in output and "the working group of this base is 基地工作组" in output
    assert "row 3, 加入日期:" in output and "林青 is already a member of this group over these dates." in output
    assert snapshot() == before


# ---- exports, templates, list pages -----------------------------------------------------------

LIST_PAGES = {"cooperation_agreements": "agreements", "training_plans": "training-plans",
              "exchange_arrangements": "arrangements", "regulations": "regulations",
              "working_group_members": "working-group"}


def test_exports_import_back_unchanged(world, runner, tmp_path, client, login_as):
    for kind, rows in VALID.items():
        assert run(runner, kind, xlsx(tmp_path, rows, f"{kind}.xlsx"))[0].exit_code == 0
    db.session.commit()
    before = snapshot()
    login_as("reviewer")  # read-only roles may export what they may see
    for kind, slug in LIST_PAGES.items():
        response = client.get(f"/bases/SF-AP-01/governance/{slug}/export.xlsx")
        assert response.status_code == 200, kind
        path = tmp_path / f"{kind}-export.xlsx"
        path.write_bytes(response.data)
        exported = list(load_workbook(path).active.iter_rows(values_only=True))
        assert len(exported) == 1 + COUNTS[kind][0]
        result, output = run(runner, kind, str(path))
        rows, noun = COUNTS[kind]
        assert result.output.strip() == f"imported: {rows} rows, 0 {noun} created, 0 updated, {rows} unchanged", output
    assert snapshot() == before
    login_as("coord2")
    assert client.get("/bases/SF-AP-01/governance/regulations/export.xlsx").status_code == 404


def test_exported_members_recreate_the_group_elsewhere(world, runner, tmp_path):
    group = services.create_group(world.base, {"name": "基地工作组", "established_on": dt.date(2019, 9, 1)}, actor=None)
    services.add_group_member(group, {"name": "林青", "side": "university", "organisation": "示范工业大学",
                                      "group_role": "leader", "from_on": dt.date(2020, 1, 1)}, actor=None)
    db.session.commit()
    out = tmp_path / "members.csv"
    assert runner.invoke(args=["records", "export", "working_group_members", "--base", "SF-AP-01",
                               "--output", str(out)]).exit_code == 0
    result, output = run(runner, "working_group_members", str(out), base="SL-SO-01")
    assert result.output.strip() == "imported: 1 rows, 1 members created, 0 updated, 0 unchanged", output
    copy = db.session.scalar(select(WorkingGroup).where(WorkingGroup.base_id == world.base2.id))
    assert (copy.name, copy.established_on) == ("基地工作组", dt.date(2019, 9, 1))


TEMPLATE_HEADERS = {
    "cooperation_agreements": ["协议名称", "协议编号", "签约各方", "签署日期", "有效期至", "备注"],
    "training_plans": ["方案名称", "版本", "通过日期", "制定人", "备注"],
    "exchange_arrangements": ["名称", "建立日期", "有效期至", "说明"],
    "regulations": ["领域", "制度名称", "文号", "发布日期", "有效期至", "摘要"],
    "working_group_members": ["工作组名称", "姓名", "所属方", "所在单位", "工号", "职务", "组内角色", "加入日期", "退出日期",
                              "工作组成立日期"],
}


def test_templates_carry_the_headers_and_list_pages_link_them(world, client, login_as, tmp_path):
    login_as("coord")
    for kind, slug in LIST_PAGES.items():
        page = client.get(f"/bases/SF-AP-01/governance/{slug}").get_data(as_text=True)
        assert 'id="export-xlsx"' in page and 'id="download-template"' in page and 'id="import-records"' in page
        assert f"/bases/SF-AP-01/import/{kind}" in page
        response = client.get(f"/bases/SF-AP-01/governance/{slug}/template.xlsx")
        assert response.status_code == 200
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(response.data)
        rows = list(load_workbook(path).active.iter_rows(values_only=True))
        assert [c for c in rows[1] if c] == TEMPLATE_HEADERS[kind], kind
    login_as("reviewer")
    page = client.get("/bases/SF-AP-01/governance/regulations").get_data(as_text=True)
    assert 'id="export-xlsx"' in page and 'id="import-records"' not in page
    assert client.get("/bases/SF-AP-01/governance/regulations/template.xlsx").status_code == 403


def test_the_web_import_takes_a_governance_sheet(world, client, login_as, tmp_path, monkeypatch):
    monkeypatch.setitem(client.application.config, "IMPORT_DIR", str(tmp_path / "uploads"))
    login_as("coord")
    path = xlsx(tmp_path, VALID["regulations"])
    with open(path, "rb") as handle:
        response = client.post("/bases/SF-AP-01/import/regulations", data={"file": (handle, "r.xlsx")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    assert 'id="import-ready"' in client.get("/bases/SF-AP-01/import/regulations/preview").get_data(as_text=True)
    assert client.post("/bases/SF-AP-01/import/regulations/confirm").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Regulation)) == 3
