"""A coordinator imports a roster from the web: errors first, then the fixed file, then the ratio
changes on the base page and the Excel ratio report carries the new figure."""
from __future__ import annotations

import datetime as dt
import uuid

import openpyxl

from tests.browser.conftest import log_in

HEADER = ["姓名", "导师类型", "所在单位", "工号", "职称", "最高学位", "专业领域", "聘任开始日期", "聘任结束日期", "邮箱", "手机"]


def roster(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["星海航天动力研究所 新聘企业导师名单"])  # a title row above the header
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def figure(page, selector) -> int:
    return int(page.locator(selector).inner_text().strip())


def upload(page, path):
    page.set_input_files("#upload-form input[type=file]", path)
    page.click("#upload-form [type=submit]")
    page.wait_for_load_state("networkidle")


def test_coordinator_imports_a_roster_and_downloads_the_ratio_report(page, tmp_path):
    tag = uuid.uuid4().hex[:6].upper()
    start = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    people = [[f"新导师{i}", "企业导师", "星海航天动力研究所", f"BT-{tag}-{i}", "高级工程师", "博士", "涡轮泵", start, "",
               f"bt{i}@example.com", "138 0013 800" + str(i)] for i in range(3)]
    broken = [list(p) for p in people]
    broken[1][7] = "2023-13-01"  # row 4: not a date
    broken[2][1] = "外聘专家"  # row 5: not a mentor type

    log_in(page, "demo-coordinator")
    page.goto("/bases/SF-AP-01")
    enterprise_before = figure(page, "#ratio-enterprise")
    total_before = figure(page, "#ratio-total")

    page.click("#import-roster")
    page.wait_for_load_state("networkidle")
    upload(page, roster(tmp_path / "名单-有错.xlsx", broken))
    assert page.locator("#import-refused").is_visible()
    assert page.locator("#confirm-import").count() == 0
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator(".error-row").inner_text() == "4"
    assert rows.nth(0).locator(".error-column").inner_text() == "聘任开始日期"
    assert "2023-13-01" in rows.nth(0).inner_text()
    assert rows.nth(1).locator(".error-row").inner_text() == "5"
    assert rows.nth(1).locator(".error-column").inner_text() == "导师类型"

    upload(page, roster(tmp_path / "名单.xlsx", people))
    assert page.locator("#import-ready").is_visible()
    assert page.locator("[data-count=mentors_created]").inner_text() == "3"
    page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/bases/SF-AP-01")
    assert page.locator(".alert-success").first.is_visible()
    assert figure(page, "#ratio-enterprise") == enterprise_before + 3
    assert figure(page, "#ratio-total") == total_before + 3

    with page.expect_download() as info:
        page.click("#ratio-xlsx")
    download = info.value
    assert download.suggested_filename.endswith("-SF-AP-01.xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved)["导师比例"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]]))
    assert values["基地代码"] == "SF-AP-01"
    assert values["企业导师人数"] == enterprise_before + 3
    assert values["导师总数"] == total_before + 3
