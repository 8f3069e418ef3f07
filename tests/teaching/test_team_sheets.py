"""The teaching-team spreadsheet: one row per member, the team created when first named; through
the records' import engine (row-numbered errors, all or nothing, idempotent, exports that import
unchanged, templates)."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.teaching import services
from registry.teaching.models import TeachingTeam, TeachingTeamMember

HEADER = ["团队名称", "负责人", "姓名", "所属方", "所在单位", "加入日期", "退出日期"]


def xlsx(tmp_path, rows, name="teams.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def run(runner, path, *extra):
    result = runner.invoke(args=["records", "import", "teaching_teams", path, "--base", "SF-AP-01", *extra])
    return result, (result.stderr or "") + result.output


def snapshot():
    """Everything an import could touch: the teams, their members, the audit log."""
    teams = db.session.execute(select(TeachingTeam.name, TeachingTeam.established_on).order_by(TeachingTeam.id)).all()
    members = db.session.execute(select(TeachingTeamMember.team_id, TeachingTeamMember.name, TeachingTeamMember.side,
                                        TeachingTeamMember.organisation, TeachingTeamMember.is_leader,
                                        TeachingTeamMember.mentor_id, TeachingTeamMember.from_on,
                                        TeachingTeamMember.until_on).order_by(TeachingTeamMember.id)).all()
    return teams, members, db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_members_create_their_team_and_a_second_import_changes_nothing(world, runner, tmp_path):
    path = xlsx(tmp_path, [
        ["2024年校企教学团队名单"],  # a title row above the header
        HEADER + ["工号"],
        ["液体动力课程团队", "是", "林青", "高校", "示范工业大学", dt.datetime(2023, 9, 1), None, None],
        ["液体动力课程团队", None, "李工", "企业", "星海航天动力研究所", "2023/9/1", None, "E001"],
        [None] * 8,  # an empty row
        ["液体动力课程团队", "否", "王工", "enterprise", "星海航天动力研究所", "2023年10月8日", "2024.7.31", None],
        ["试车实践团队", "Y", "赵老师", "university", "示范工业大学", "2024-03-01", None, None],
    ])
    result, output = run(runner, path)
    assert result.exit_code == 0, output
    assert result.output.strip() == "imported: 4 rows, 4 members created, 0 updated, 0 unchanged"
    teams = {t.name: t for t in db.session.scalars(select(TeachingTeam))}
    assert set(teams) == {"液体动力课程团队", "试车实践团队"}
    assert teams["液体动力课程团队"].established_on == dt.date(2023, 9, 1)  # the earliest date joined
    members = {m.name: m for m in teams["液体动力课程团队"].members}
    assert members["林青"].is_leader and not members["李工"].is_leader
    assert members["李工"].mentor_id == world.mentor_record.id  # the staff number links the roster mentor
    assert (members["王工"].side, members["王工"].until_on) == ("enterprise", dt.date(2024, 7, 31))
    before = snapshot()
    result, output = run(runner, path)
    assert result.output.strip() == "imported: 4 rows, 0 members created, 0 updated, 4 unchanged", output
    assert snapshot() == before


def test_a_changed_row_updates_its_member_and_is_audited(world, runner, tmp_path):
    run(runner, xlsx(tmp_path, [HEADER, ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", None]], "a.xlsx"))
    result, output = run(runner, xlsx(tmp_path, [
        HEADER, ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", "2024-08-31"]], "b.xlsx"))
    assert result.output.strip() == "imported: 1 rows, 0 members created, 1 updated, 0 unchanged", output
    member = db.session.scalar(select(TeachingTeamMember))
    assert member.until_on == dt.date(2024, 8, 31)
    changes = db.session.scalars(select(AuditEntry.changes).where(AuditEntry.table == "teaching_team_member",
                                                                  AuditEntry.action == "update")).all()
    assert changes == [{"until_on": [None, "2024-08-31"]}]


@pytest.mark.parametrize("row, where, message", [
    (["团队甲", "是", "林青", "横向", "示范工业大学", "2023-09-01", None], "row 3, 所属方:",
     "\"横向\" is not one of: 高校、企业"),
    (["团队甲", "也许", "林青", "高校", "示范工业大学", "2023-09-01", None], "row 3, 负责人:",
     "\"也许\" is neither 是 nor 否"),
    (["团队甲", "否", "林青", "高校", "示范工业大学", "2023-13-01", None], "row 3, 加入日期:",
     "\"2023-13-01\" is not a date"),
    (["团队甲", "否", "林青", "高校", "示范工业大学", "2023-09-01", "2023-08-01"], "row 3, 退出日期:",
     "is before the start date 2023-09-01"),
    (["团队甲", "否", None, "高校", "示范工业大学", "2023-09-01", None], "row 3, 姓名:", "required, but the cell is empty"),
    (["团" * 201, "否", "林青", "高校", "示范工业大学", "2023-09-01", None], "row 3, 团队名称:",
     "is longer than 200 characters"),
    (["团队甲", "否", "林青", "高校", "示范工业大学", "2023-09-01", None, "E404"], "row 3, 工号:",
     "\"E404\": no roster mentor of 示范工业大学 has this staff number"),
    (["团队甲", "否", "张三", "企业", "星海航天动力研究所", "2023-09-01", None, "E001"], "row 3, 姓名:",
     "this staff number belongs to another person"),
    (["团队甲", "否", "林青", "高校", "示范工业大学", "2023-10-01", None], "row 3, 加入日期:",
     "林青 is already a member of this team over these dates (row 2)."),
    (["团队甲", "是", "赵老师", "高校", "示范工业大学", "2024-01-01", None], "row 3, 负责人:",
     "林青 already leads this team over these dates (row 2)."),
    (["团队乙", "否", "钱工", "企业", "星海航天动力研究所", "2023-09-01", None], "row 3, 加入日期:",
     "钱工 is already a member of this team over these dates."),  # against the database
    (["团队乙", "是", "孙工", "企业", "星海航天动力研究所", "2023-09-01", None], "row 3, 负责人:",
     "钱工 already leads this team over these dates; end their term first."),
], ids=["side", "leader-flag", "date", "until-before-from", "blank-name", "long-team-name", "unknown-staff-no",
        "staff-no-of-another", "same-person-in-file", "two-leaders-in-file", "same-person-in-db", "leader-in-db"])
def test_every_invalid_cell_is_refused_with_its_row_and_nothing_is_written(world, runner, tmp_path, row, where,
                                                                           message):
    team = services.create_team(world.base, {"name": "团队乙", "established_on": dt.date(2022, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": "钱工", "side": "enterprise", "organisation": "星海航天动力研究所",
                                    "from_on": dt.date(2022, 1, 1), "is_leader": True}, actor=None)
    db.session.commit()
    before = snapshot()
    path = xlsx(tmp_path, [HEADER + ["工号"], ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", None, None],
                           row + [None] * (8 - len(row))])
    result, output = run(runner, path)
    assert result.exit_code == 1, output
    assert where in output and message in output, output
    assert snapshot() == before  # all or nothing: not even row 2's team


def test_export_imports_back_unchanged(world, runner, tmp_path):
    team = services.create_team(world.base, {"name": "团队甲", "established_on": dt.date(2021, 5, 1)}, actor=None)
    services.add_team_member(team, {"mentor_id": world.mentor_record.id, "from_on": dt.date(2022, 1, 1),
                                    "is_leader": True}, actor=None)
    services.add_team_member(team, {"name": "林青", "side": "university", "organisation": "示范工业大学",
                                    "from_on": dt.date(2022, 1, 1), "until_on": dt.date(2023, 6, 30)}, actor=None)
    db.session.commit()
    before = snapshot()
    path = tmp_path / "export.xlsx"
    result = runner.invoke(args=["records", "export", "teaching_teams", "--base", "SF-AP-01", "--output", str(path)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER[:5] + ["工号"] + HEADER[5:] + ["团队成立日期"]
    assert ("团队甲", "是", "李工", "企业", "星海航天动力研究所", "E001") in [tuple(r[:6]) for r in rows[1:]]
    result, output = run(runner, str(path))
    assert result.output.strip() == "imported: 2 rows, 0 members created, 0 updated, 2 unchanged", output
    assert snapshot() == before


def test_export_into_an_empty_base_recreates_the_team(world, runner, tmp_path):
    team = services.create_team(world.base, {"name": "团队甲", "established_on": dt.date(2021, 5, 1)}, actor=None)
    services.add_team_member(team, {"name": "林青", "side": "university", "organisation": "示范工业大学",
                                    "from_on": dt.date(2022, 1, 1), "is_leader": True}, actor=None)
    db.session.commit()
    out = tmp_path / "out.csv"
    assert runner.invoke(args=["records", "export", "teaching_teams", "--base", "SF-AP-01", "--output",
                               str(out)]).exit_code == 0
    result = runner.invoke(args=["records", "import", "teaching_teams", str(out), "--base", "SL-SO-01"])
    assert result.output.strip() == "imported: 1 rows, 1 members created, 0 updated, 0 unchanged", result.output
    copy = db.session.scalar(select(TeachingTeam).where(TeachingTeam.base_id == world.base2.id))
    assert (copy.name, copy.established_on) == ("团队甲", dt.date(2021, 5, 1))  # the team's own date travels


def test_template_has_the_headers(world, client, login_as, runner, tmp_path):
    out = tmp_path / "t.xlsx"
    assert runner.invoke(args=["records", "template", "teaching_teams", "--output", str(out)]).exit_code == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[1]) == ["团队名称", "负责人", "姓名", "所属方", "所在单位", "工号", "加入日期", "退出日期", "团队成立日期"]


def test_the_web_import_takes_the_team_sheet(world, client, login_as, tmp_path, monkeypatch):
    monkeypatch.setitem(client.application.config, "IMPORT_DIR", str(tmp_path / "uploads"))
    login_as("coord")
    path = xlsx(tmp_path, [HEADER, ["团队甲", "是", "林青", "高校", "示范工业大学", "2023-09-01", None]])
    with open(path, "rb") as handle:
        response = client.post("/bases/SF-AP-01/import/teaching_teams", data={"file": (handle, "teams.xlsx")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    assert 'id="import-ready"' in client.get("/bases/SF-AP-01/import/teaching_teams/preview").get_data(as_text=True)
    assert client.post("/bases/SF-AP-01/import/teaching_teams/confirm").status_code == 302
    assert db.session.scalar(select(TeachingTeamMember.name)) == "林青"


def test_the_team_export_costs_the_same_queries_for_few_or_many_linked_mentors(world, query_counter):
    from registry.records.sheets import SHEETS, export_rows
    from registry.mentors.models import Mentor

    def build(team_name, n):
        team = TeachingTeam(base_id=world.base.id, name=team_name, established_on=dt.date(2023, 1, 1))
        db.session.add(team)
        for i in range(n):
            mentor = Mentor(name=f"{team_name}-{i}", side="enterprise", organisation="星海航天动力研究所",
                            staff_no=f"{team_name}-{i}")
            db.session.add(mentor)
            db.session.flush()
            db.session.add(TeachingTeamMember(team=team, name=mentor.name, side="enterprise",
                                              organisation=mentor.organisation, mentor_id=mentor.id,
                                              from_on=dt.date(2023, 1, 1)))
        db.session.flush()

    sheet = SHEETS["teaching_teams"]
    build("小团队", 2)
    db.session.expire_all()
    with query_counter() as few:
        rows = export_rows(sheet, world.base.id)
    assert {r[5] for r in rows} == {"小团队-0", "小团队-1"}  # the staff numbers come out
    build("大团队", 12)
    db.session.expire_all()
    with query_counter() as many:
        rows = export_rows(sheet, world.base.id)
    assert len(rows) == 14
    assert many() == few()
