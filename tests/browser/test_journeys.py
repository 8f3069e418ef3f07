"""Browser: the main journey of each role, as issue 13 asks, from where each lands after logging in.

The coordinator's import (errors, then the fixed file) is walked in test_roster_import.py, and the
university coordinator's submission, the reviewer's score and the administrator's life-cycle steps
in test_checks.py (which confirm each step on its page); these journeys walk the rest. With
SCREENSHOTS=1 they also photograph the main pages for the README (tests.browser.conftest.shoot).
"""
from __future__ import annotations

import datetime as dt
import uuid

import openpyxl

from tests.browser.conftest import log_in, shoot

CODE = "SF-AP-01"


def _wait(page):
    page.wait_for_load_state("networkidle")


def test_coordinator_lands_on_the_base_reads_the_answer_and_keeps_the_roster(page, tmp_path):
    log_in(page, "demo-coordinator")
    # One base: the coordinator lands on it, and its summary band answers first.
    assert page.url.endswith(f"/bases/{CODE}")
    band = page.locator("#summary-band")
    assert band.is_visible()
    assert "%" in page.locator("#summary-share").inner_text()
    assert page.locator("#summary-eligibility").is_visible()
    assert page.locator("#summary-lifecycle").is_visible()
    box = band.bounding_box()
    assert box is not None and box["y"] < 900  # on the first screen, not below 3,000 px of panels
    shoot(page, "base-page")

    # The in-page navigation jumps to the roster panel.
    page.locator("#section-nav a[href='#mentor-ratio-panel']").click()
    assert page.url.endswith("#mentor-ratio-panel")

    # The roster, sorted by name through the column header, then the other way round.
    page.click("#roster-link")
    _wait(page)
    assert "导师名册" in page.locator("#breadcrumbs").inner_text()
    page.locator("#roster-table th[data-sort=name] a").click()
    _wait(page)
    assert page.locator("#roster-table th[data-sort=name]").get_attribute("aria-sort") == "ascending"
    first = page.locator("#roster-table tbody tr[data-mentor]").first.get_attribute("data-mentor")
    page.locator("#roster-table th[data-sort=name] a").click()
    _wait(page)
    assert page.locator("#roster-table th[data-sort=name]").get_attribute("aria-sort") == "descending"
    assert page.locator("#roster-table tbody tr[data-mentor]").last.get_attribute("data-mentor") == first
    shoot(page, "roster")

    # Adding a mentor: an empty form is refused with the errors beside the fields, then it saves.
    page.click("#add-mentor")
    _wait(page)
    page.click("#mentor-form [type=submit]")
    _wait(page)
    assert page.locator("#mentor-form .invalid-feedback").count() >= 1
    assert page.locator("#starts_on").get_attribute("placeholder") == "YYYY-MM-DD"
    tag = uuid.uuid4().hex[:6].upper()
    page.fill("#name", f"周启航{tag}")
    page.select_option("#side", "enterprise")
    page.fill("#organisation", "星海航天动力研究所")
    page.fill("#staff_no", f"J-{tag}")
    # Starting beyond the ratio warning's horizon: the other browser tests' figures for this base
    # (five enterprise mentors today, the warning) stay as the demo data has them.
    page.fill("#starts_on", (dt.date.today() + dt.timedelta(days=400)).isoformat())
    page.click("#mentor-form [type=submit]")
    _wait(page)
    assert page.locator("#mentor-form").count() == 0
    page.goto(f"/bases/{CODE}/mentors?q=J-{tag}")
    row = page.locator(f"#roster-table tr[data-mentor='J-{tag}']")
    assert f"周启航{tag}" in row.inner_text()

    # Evidence for the new appointment: a PDF uploaded from the roster row.
    row.get_by_role("link", name="佐证").first.click()
    _wait(page)
    pdf = tmp_path / "聘书.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#evidence-file", str(pdf))
    page.fill("#evidence-description", "聘书扫描件")
    page.click("#upload-submit")
    _wait(page)
    assert "聘书.pdf" in page.locator("#evidence-table").inner_text()

    # The ratio and the eligibility, back on the base page.
    page.goto(f"/bases/{CODE}")
    assert page.locator("#summary-ratio").is_visible()
    assert page.locator("#eligibility-table").is_visible()

    # The search box finds the new mentor by staff number.
    page.fill("#nav-search", f"J-{tag}")
    page.press("#nav-search", "Enter")
    _wait(page)
    assert f"周启航{tag}" in page.locator("#search-mentors").inner_text()
    shoot(page, "search")


def test_mentor_lands_on_their_own_record(page):
    log_in(page, "demo-mentor")
    assert page.url.endswith("/me/mentor")
    assert page.locator("#mentor-name").inner_text().startswith("陈星海")
    shoot(page, "mentor-profile")
    page.click("#edit-profile")
    _wait(page)
    page.fill("#phone", "12345")
    page.click("#profile-form [type=submit]")
    _wait(page)
    assert page.locator("#profile-form .invalid-feedback").count() >= 1
    page.fill("#phone", "13800001002")
    page.click("#profile-form [type=submit]")
    _wait(page)
    assert page.locator("#profile-phone").inner_text() == "13800001002"


def test_university_coordinator_reads_rounds_and_quota(page):
    log_in(page, "demo-university")
    page.goto("/rounds")
    assert page.locator("#round-table").is_visible()
    shoot(page, "rounds")
    # The demo's 2022 round, into which the university submitted SF-AP-01 (other tests may open more).
    page.locator("#round-table tbody tr", has_text="2022").locator("a").first.click()
    _wait(page)
    assert page.locator("#quota-table").is_visible()
    assert "示范工业大学" in page.locator("#quota-table").inner_text()


def test_reviewer_lands_on_what_waits_for_review(page):
    log_in(page, "demo-reviewer")
    assert page.url.endswith("/review")
    assert page.locator("#waiting").is_visible() or page.locator("#my-rounds").count() == 1
    shoot(page, "reviewer-home")


def test_administrator_dashboard_ratio_export_full_numbers_and_audit(page, tmp_path):
    log_in(page, "demo-admin")
    assert page.url.endswith("/dashboard")
    assert page.locator("#dashboard-summary").is_visible()
    shoot(page, "dashboard")

    page.goto("/ratio")
    assert page.locator("#ratio-key-figures").is_visible()
    shoot(page, "ratio")
    with page.expect_download() as info:
        page.click("#ratio-export-xlsx")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert "导师比例" in openpyxl.load_workbook(saved).sheetnames

    # Full mobile numbers only after a page that says so.
    page.goto("/reports")
    page.locator("a[href*='unmasked=1']").first.click()
    _wait(page)
    assert page.locator("#confirm-page").is_visible()
    shoot(page, "confirm-full-numbers")
    with page.expect_download() as info:
        page.click("#confirm-button")
    assert info.value.suggested_filename.startswith("mentor-directory-")

    page.goto("/audit")
    assert page.locator("#audit-table tbody tr").count() >= 1
    shoot(page, "audit")
