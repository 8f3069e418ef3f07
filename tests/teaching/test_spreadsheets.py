"""Record spreadsheets through the roster's import engine: row-numbered errors, all or nothing,
idempotent, exports that import unchanged, templates; for exchanges and teaching records."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.exchanges.models import Exchange
from registry.extensions import db
from registry.teaching.models import IndustryCourse, TeachingCase, Textbook


def xlsx(tmp_path, rows, name="file.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


EXCHANGE_HEADER = ["类型", "方向", "姓名", "所在单位", "接收单位", "开始日期", "结束日期", "人数"]


def test_exchanges_import_is_idempotent(world, runner, tmp_path):
    path = xlsx(tmp_path, [
        ["2024年双向交流统计表"],  # a title row above the header
        EXCHANGE_HEADER,
        ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "星海航天动力研究所", dt.datetime(2023, 9, 1), "2024/2/29", None],
        ["visit", "企业→高校", "李航", "星海航天动力研究所", "示范工业大学", "2024年3月4日", "2024.3.15", 1],
        [None] * 8,  # an empty row
        ["企业游学", "高校→企业", "研究生团", "示范工业大学", "星海航天动力研究所", "2024-05-20", None, 24],
    ])
    result = runner.invoke(args=["records", "import", "exchanges", path, "--base", "SF-AP-01"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "imported: 3 rows, 3 exchanges created, 0 updated, 0 unchanged"
    assert count(Exchange) == 3
    again = runner.invoke(args=["records", "import", "exchanges", path, "--base", "SF-AP-01"])
    assert again.output.strip() == "imported: 3 rows, 0 exchanges created, 0 updated, 3 unchanged"
    assert count(Exchange) == 3
    tour = db.session.scalar(select(Exchange).where(Exchange.kind == "study_tour"))
    assert (tour.participants, tour.direction, tour.ends_on) == (24, "university_to_enterprise", None)


def test_exchanges_import_refuses_the_whole_file_with_row_numbers(world, runner, tmp_path):
    path = xlsx(tmp_path, [
        EXCHANGE_HEADER,
        ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "甲所", "2023-01-01", "2023-06-30", 1],  # fine alone
        ["挂职锻炼", "高校→企业", "林青", "示范工业大学", "乙所", "2023-06-01", None, 1],  # overlaps row 2
        ["度假", "高校→企业", "王五", "示范工业大学", "丙所", "2023-01-01", None, 1],
        ["交流访学", "高校→企业", "赵六", "示范工业大学", "丙所", "2023-05-01", "2023-04-01", 1],
        ["交流访学", "横向", "钱七", "示范工业大学", "丙所", "2023-13-01", None, 0],
    ])
    result = runner.invoke(args=["records", "import", "exchanges", path, "--base", "SF-AP-01"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines() if result.stderr else result.output.strip().splitlines()
    text = "\n".join(lines)
    assert "row 3, 开始日期:" in text and "overlaps the one in row 2 of the same person" in text
    assert "row 4, 类型:" in text and "\"度假\" is not one of: 挂职锻炼、交流访学、企业游学" in text
    assert "row 5, 结束日期:" in text
    assert "row 6, 方向:" in text and "row 6, 开始日期:" in text and "row 6, 人数:" in text
    assert count(Exchange) == 0  # all or nothing


def test_a_staff_number_links_the_roster_mentor(world, runner, tmp_path):
    header = EXCHANGE_HEADER + ["工号"]
    path = xlsx(tmp_path, [header,
                           ["交流访学", "企业→高校", "李工", "星海航天动力研究所", "示范工业大学", "2024-03-01", None, 1, "E001"]])
    assert runner.invoke(args=["records", "import", "exchanges", path, "--base", "SF-AP-01"]).exit_code == 0
    assert db.session.scalar(select(Exchange.mentor_id)) == world.mentor_record.id
    wrong = xlsx(tmp_path, [header, ["交流访学", "企业→高校", "张三", "星海航天动力研究所", "示范工业大学", "2024-04-01",
                                     None, 1, "E001"]], "wrong.xlsx")
    result = runner.invoke(args=["records", "import", "exchanges", wrong, "--base", "SF-AP-01"])
    assert result.exit_code == 1 and "this staff number belongs to another person" in (result.stderr or result.output)
    assert "李工" not in (result.stderr or result.output)


def test_courses_cases_and_textbooks(world, runner, tmp_path):
    courses = xlsx(tmp_path, [
        ["course_code_is_ignored", "课程代码", "课程名称", "企业主讲教师", "学时", "学分", "层次", "首次开设年份"],
        [None, "AP6101", "液体火箭发动机工程实践", "陈星海", 32, 2.5, "硕士", 2023],
        [None, "AP6102", "试车工程", "李航宇", "16", "1", "doctoral", "2024"],
    ], "courses.xlsx")
    result = runner.invoke(args=["records", "import", "industry_courses", courses, "--base", "SF-AP-01"])
    assert result.output.strip() == "imported: 2 rows, 2 courses created, 0 updated, 0 unchanged", result.output
    books = xlsx(tmp_path, [
        ["教材名称", "作者", "出版社", "出版年份", "ISBN", "所属课程代码"],
        ["液体火箭发动机试验技术", "陈星海", "示范工业出版社", 2024, "978-7-111-75312-4", "AP6101"],
        ["错误的书", "某人", "某社", 2024, "978-7-111-75312-5", ""],
        ["没有的课", "某人", "某社", 2024, "7-03-066001-3", "XX999"],
    ], "books.xlsx")
    result = runner.invoke(args=["records", "import", "textbooks", books, "--base", "SF-AP-01"])
    assert result.exit_code == 1
    errors = result.stderr or result.output
    assert "row 3, ISBN:" in errors and "has a wrong check digit" in errors
    assert "row 4, 所属课程代码:" in errors and "\"XX999\" is not recorded at this base" in errors
    assert count(Textbook) == 0
    fixed = xlsx(tmp_path, [
        ["教材名称", "作者", "出版社", "出版年份", "ISBN", "所属课程代码"],
        ["液体火箭发动机试验技术", "陈星海", "示范工业出版社", 2024, "978-7-111-75312-4", "AP6101"],
        ["同一本书的十位号", "陈星海", "示范工业出版社", 2024, "7111753127", ""],
    ], "fixed.xlsx")
    result = runner.invoke(args=["records", "import", "textbooks", fixed, "--base", "SF-AP-01"])
    assert result.exit_code == 1 and "the same record as row 2" in (result.stderr or result.output)
    cases = xlsx(tmp_path, [["案例名称", "年份", "所属课程代码"], ["试车故障分析", 2024, "AP6101"]], "cases.xlsx")
    assert runner.invoke(args=["records", "import", "teaching_cases", cases, "--base", "SF-AP-01"]).exit_code == 0
    case = db.session.scalar(select(TeachingCase))
    assert case.course.code == "AP6101"


def test_a_changed_row_updates_its_record_and_is_audited(world, runner, tmp_path):
    from registry.audit.models import AuditEntry

    header = ["课程代码", "课程名称", "企业主讲教师", "学时", "学分", "层次", "首次开设年份"]
    first = xlsx(tmp_path, [header, ["AP6101", "旧名称", "陈星海", 32, 2, "硕士", 2023]], "a.xlsx")
    second = xlsx(tmp_path, [header, ["AP6101", "新名称", "陈星海", 32, 2, "硕士", 2023]], "b.xlsx")
    runner.invoke(args=["records", "import", "industry_courses", first, "--base", "SF-AP-01"])
    result = runner.invoke(args=["records", "import", "industry_courses", second, "--base", "SF-AP-01"])
    assert result.output.strip() == "imported: 1 rows, 0 courses created, 1 updated, 0 unchanged"
    course = db.session.scalar(select(IndustryCourse))
    assert course.title == "新名称"
    changes = db.session.scalars(select(AuditEntry.changes).where(AuditEntry.table == "industry_course",
                                                                  AuditEntry.action == "update")).all()
    assert changes == [{"title": ["旧名称", "新名称"]}]


def test_dry_run_writes_nothing(world, runner, tmp_path):
    path = xlsx(tmp_path, [["名称", "类型", "成立日期"], ["联合实验室一", "联合实验室", "2021-10-01"]])
    result = runner.invoke(args=["records", "import", "joint_labs", path, "--base", "SF-AP-01", "--dry-run"])
    assert result.output.strip() == "dry run: imported: 1 rows, 1 labs created, 0 updated, 0 unchanged"
    from registry.teaching.models import JointLab

    assert count(JointLab) == 0


def test_export_imports_unchanged_and_neutralises_formulas(world, runner, tmp_path, client, login_as):
    from registry.exchanges import services as exchanges

    exchanges.create_exchange(world.base, {
        "kind": "secondment", "direction": "enterprise_to_university", "mentor_id": world.mentor_record.id,
        "host_organisation": "示范工业大学", "starts_on": dt.date(2024, 1, 1), "outcomes": "=HYPERLINK(\"x\")"}, actor=None)
    exchanges.create_exchange(world.base, {
        "kind": "visit", "direction": "university_to_enterprise", "person_name": "林青", "person_organisation": "大学",
        "host_organisation": "所", "starts_on": dt.date(2024, 2, 1), "ends_on": dt.date(2024, 2, 3)}, actor=None)
    db.session.commit()
    login_as("reviewer")  # read-only roles may export what they may see
    response = client.get("/bases/SF-AP-01/exchanges/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.data)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == ["类型", "方向", "姓名", "所在单位"]
    assert any(cell == "'=HYPERLINK(\"x\")" for row in rows for cell in row)
    assert any(row[4] == "E001" for row in rows[1:])  # the roster link travels as the staff number
    result = runner.invoke(args=["records", "import", "exchanges", str(path), "--base", "SF-AP-01"])
    assert "0 exchanges created" in result.output and ", 0 updated" in result.output, result.output
    csv_response = client.get("/bases/SF-AP-01/exchanges/export.csv")
    text = csv_response.data.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[:2] == ["类型", "方向"]
    login_as("coord2")
    assert client.get("/bases/SF-AP-01/exchanges/export.xlsx").status_code == 404


def test_templates_carry_the_import_columns(world, client, login_as, tmp_path):
    login_as("coord")
    response = client.get("/bases/SF-AP-01/teaching/textbooks/template.xlsx")
    assert response.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.data)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[1]) == ["教材名称", "作者", "出版社", "出版年份", "ISBN", "所属课程代码"]
    login_as("reviewer")
    assert client.get("/bases/SF-AP-01/teaching/textbooks/template.xlsx").status_code == 403


def test_unknown_kind_and_base(world, runner, tmp_path):
    result = runner.invoke(args=["records", "import", "nothing", "x.xlsx", "--base", "SF-AP-01"])
    assert result.exit_code == 1
    path = xlsx(tmp_path, [["名称", "类型", "成立日期"]])
    result = runner.invoke(args=["records", "import", "joint_labs", path, "--base", "NOPE"])
    assert result.exit_code == 1
    result = runner.invoke(args=["records", "export", "joint_labs", "--base", "NOPE", "--output",
                                 str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all("NOPE" in line for line in lines)


def test_the_imports_areas_web_pages_take_these_sheets(world, client, login_as, tmp_path, monkeypatch):
    """Registered as import kinds, these sheets go through the roster's upload → preview → confirm
    pages unchanged; the list page then links to them."""
    monkeypatch.setitem(client.application.config, "IMPORT_DIR", str(tmp_path / "uploads"))
    login_as("coord")
    assert 'id="import-records"' in client.get("/bases/SF-AP-01/teaching/courses").get_data(as_text=True)
    path = xlsx(tmp_path, [["课程代码", "课程名称", "企业主讲教师", "学时", "学分", "层次", "首次开设年份"],
                           ["AP6101", "工程实践", "陈星海", 32, 2, "硕士", 2023],
                           ["AP6102", "试车", "李航宇", 0, 2, "硕士", 2023]])
    with open(path, "rb") as handle:
        response = client.post("/bases/SF-AP-01/import/industry_courses", data={"file": (handle, "courses.xlsx")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    preview = client.get("/bases/SF-AP-01/import/industry_courses/preview").get_data(as_text=True)
    assert 'id="import-refused"' in preview and '<td class="error-row">3</td>' in preview
    assert count(IndustryCourse) == 0
    path = xlsx(tmp_path, [["课程代码", "课程名称", "企业主讲教师", "学时", "学分", "层次", "首次开设年份"],
                           ["AP6101", "工程实践", "陈星海", 32, 2, "硕士", 2023]], "ok.xlsx")
    with open(path, "rb") as handle:
        client.post("/bases/SF-AP-01/import/industry_courses", data={"file": (handle, "ok.xlsx")},
                    content_type="multipart/form-data")
    assert 'id="import-ready"' in client.get("/bases/SF-AP-01/import/industry_courses/preview").get_data(as_text=True)
    assert client.post("/bases/SF-AP-01/import/industry_courses/confirm").status_code == 302
    assert count(IndustryCourse) == 1
