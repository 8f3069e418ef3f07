"""Browser: the demo coordinator records a secondment and an industry course with its evidence PDF,
and sees the base page's counts go up."""
import datetime as dt
import uuid

from tests.browser.conftest import log_in
from tests.evidence.files import pdf


def _count(page, panel: str, indicator: str, year: int) -> int:
    cell = page.locator(f"#{panel} tr[data-indicator={indicator}] td[data-year='{year}']")
    return int(cell.inner_text())


def test_coordinator_adds_a_secondment_and_a_course_with_a_pdf(page, tmp_path):
    year = dt.date.today().year
    tag = uuid.uuid4().hex[:6]
    log_in(page, "demo-coordinator")
    page.goto("/bases/SF-AP-01")
    secondments = _count(page, "exchange-panel-counts", "secondments_to_enterprise", year)
    courses = _count(page, "teaching-panel-counts", "industry_courses", year)

    # A secondment, from the exchange panel's "add" button.
    page.click("#exchange-new-link")
    page.wait_for_load_state("networkidle")
    page.select_option("#kind", "secondment")
    page.select_option("#direction", "university_to_enterprise")
    page.fill("#person_name", f"青年教师{tag}")
    page.fill("#person_organisation", "示范工业大学")
    page.fill("#host_organisation", "星海航天动力研究所")
    page.fill("#starts_on", f"{year}-01-15")
    page.fill("#ends_on", f"{year}-06-30")
    page.fill("#projects_joined", "某型发动机试车")
    page.click("#record-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"青年教师{tag}" in page.locator("h1").inner_text()

    # An industry course, with its syllabus as a PDF.
    page.goto("/bases/SF-AP-01/teaching/courses/new")
    page.fill("#code", f"B{tag}")
    page.fill("#title", "航天动力工程实践")
    page.fill("#lead_teachers", "陈星海")
    page.fill("#hours", "32")
    page.fill("#credits", "2")
    page.select_option("#level", "master")
    page.fill("#first_year", str(year))
    page.click("#record-form [type=submit]")
    page.wait_for_load_state("networkidle")
    syllabus = tmp_path / "课程大纲.pdf"
    syllabus.write_bytes(pdf("syllabus"))
    page.set_input_files("#evidence-file", str(syllabus))
    page.fill("#evidence-description", "课程大纲")
    page.click("#upload-submit")
    page.wait_for_load_state("networkidle")
    link = page.locator("#evidence-table a", has_text="课程大纲.pdf")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "课程大纲.pdf"
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")

    # The counts on the base page went up by one each.
    page.goto("/bases/SF-AP-01")
    assert _count(page, "exchange-panel-counts", "secondments_to_enterprise", year) == secondments + 1
    assert _count(page, "teaching-panel-counts", "industry_courses", year) == courses + 1
