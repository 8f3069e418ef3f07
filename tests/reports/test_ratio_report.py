"""The mentor-ratio report of spec/interfaces.md: JSON, CSV, Excel; command line and web."""
import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from registry.extensions import db
from registry.mentors.queries import ratio_as_of
from registry.reports.ratio import COLUMNS, SHEET

AS_OF = "2024-09-01"
EXPECTED = ["基地代码", "基地名称", "统计日期", "企业导师人数", "校内导师人数", "导师总数", "企业导师占比", "是否达标"]


def expected_json(as_of=dt.date(2024, 9, 1), base_ids=None):
    return {"as_of": as_of.isoformat(), "bases": [r.as_json() for r in ratio_as_of(as_of, base_ids)]}


def test_columns_are_the_contract():
    assert list(COLUMNS) == EXPECTED and SHEET == "导师比例"


def test_cli_json_to_stdout_same_figures_as_ratio_as_of(ratio_world, runner):
    result = runner.invoke(args=["report", "ratio", "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == expected_json()
    assert [b["base"] for b in data["bases"]] == ["SF-AP-01", "SL-SO-01"]
    first = data["bases"][0]
    assert first == {"base": "SF-AP-01", "name": "航天动力示范基地", "enterprise_mentors": 10, "university_mentors": 20,
                     "total_mentors": 30, "enterprise_share": 0.3333, "meets_requirement": True}
    assert data["bases"][1]["meets_requirement"] is False


def test_cli_one_base_and_json_file(ratio_world, runner, tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(args=["report", "ratio", "--as-of", AS_OF, "--base", "SL-SO-01", "--format", "json",
                                 "--output", str(out)])
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [b["base"] for b in data["bases"]] == ["SL-SO-01"]
    assert data == expected_json(base_ids=[ratio_world.base2.id])


def test_cli_csv(ratio_world, runner, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["report", "ratio", "--as-of", AS_OF, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Chinese Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == EXPECTED
    assert rows[1] == ["SF-AP-01", "航天动力示范基地", AS_OF, "10", "20", "30", "0.3333", "是"]
    assert rows[2][-1] == "否" and len(rows) == 3


def test_cli_xlsx(ratio_world, runner, tmp_path):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["report", "ratio", "--as-of", AS_OF, "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "导师比例"
    sheet = workbook["导师比例"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == EXPECTED
    assert values[1][:2] == ["SF-AP-01", "航天动力示范基地"]
    assert values[1][2].date() == dt.date(2024, 9, 1)
    assert values[1][3:] == [10, 20, 30, 0.3333, "是"]
    assert values[2][-1] == "否"
    assert len(values) == 3


@pytest.mark.parametrize("args,english", [
    (["--as-of", "2024-13-01", "--format", "json"], '--as-of: "2024-13-01" is not a date'),
    (["--as-of", AS_OF, "--base", "NOPE", "--format", "json"], 'Unknown base "NOPE".'),
    (["--as-of", AS_OF, "--format", "csv"], "--format csv needs --output PATH."),
    (["--as-of", AS_OF, "--format", "xlsx"], "--format xlsx needs --output PATH."),
    (["--as-of", AS_OF, "--format", "pdf"], "--format must be one of json, csv, xlsx"),
])
def test_cli_errors_in_two_languages(ratio_world, runner, args, english):
    result = runner.invoke(args=["report", "ratio", *args])
    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and english in lines[1] and lines[0] != lines[1]
    assert "Traceback" not in result.output


def test_web_downloads_follow_what_the_user_sees(ratio_world, login_as):
    client = login_as("coord")
    all_visible = client.get(f"/reports/ratio.json?as_of={AS_OF}")
    assert all_visible.status_code == 200
    assert json.loads(all_visible.data) == expected_json(base_ids=[ratio_world.base.id])
    assert client.get(f"/reports/ratio.xlsx?as_of={AS_OF}&base=SL-SO-01").status_code == 404
    one = client.get(f"/reports/ratio.xlsx?as_of={AS_OF}&base=SF-AP-01")
    assert one.status_code == 200 and one.headers["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(one.data))["导师比例"]
    assert [c.value for c in sheet[2]][3:] == [10, 20, 30, 0.3333, "是"]
    as_csv = client.get(f"/reports/ratio.csv?as_of={AS_OF}")
    assert as_csv.data.decode("utf-8-sig").splitlines()[0] == ",".join(EXPECTED)
    assert client.get("/reports/ratio.xlsx?as_of=2024-02-30").status_code == 400
    assert client.get("/reports/ratio.pdf").status_code == 404


def test_admin_downloads_every_base(ratio_world, login_as):
    data = json.loads(login_as("admin").get(f"/reports/ratio.json?as_of={AS_OF}").data)
    assert data == expected_json()


def test_reports_page_and_base_panel(ratio_world, login_as):
    from tests.conftest import text_of

    client = login_as("coord")
    page = client.get(f"/reports?as_of={AS_OF}")
    assert page.status_code == 200 and "SF-AP-01" in text_of(page) and "SL-SO-01" not in text_of(page)
    base = client.get("/bases/SF-AP-01").get_data(as_text=True)
    assert 'id="spreadsheets-panel"' in base and "/reports/ratio.xlsx?base=SF-AP-01" in base.replace("&amp;", "&")
    assert 'id="import-roster"' in base and 'id="roster-xlsx-unmasked"' in base
    reviewer_view = login_as("reviewer").get("/bases/SF-AP-01").get_data(as_text=True)
    assert 'id="import-roster"' not in reviewer_view and 'id="roster-xlsx-unmasked"' not in reviewer_view


def test_the_base_panel_adds_no_query(ratio_world, login_as, query_counter, app):
    from registry.orgs.panels import PANELS

    panel = PANELS["spreadsheets"]
    with app.test_request_context():
        panel.context(ratio_world.base, ratio_world.coord, dt.date(2024, 9, 1))  # loads the user's bases once
        with query_counter() as n:
            panel.context(ratio_world.base, ratio_world.coord, dt.date(2024, 9, 1))
        assert n() == 0
    db.session.rollback()
