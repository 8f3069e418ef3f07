"""Browser: a mentor keeps their own profile; the coordinator sees the ratio panel and its warning."""
import uuid

from tests.browser.conftest import log_in


def test_mentor_edits_own_expertise(page):
    log_in(page, "demo-mentor")
    page.goto("/me/mentor")
    assert page.locator("#mentor-name").inner_text().startswith("陈星海")
    page.click("#edit-profile")
    page.wait_for_load_state("networkidle")
    # Side, organisation and staff number are not on the form at all.
    assert page.locator("#profile-form [name=side]").count() == 0
    assert page.locator("#profile-form [name=staff_no]").count() == 0
    expertise = f"液体火箭发动机 {uuid.uuid4().hex[:6]}"
    page.fill("#expertise", expertise)
    page.fill("#phone", "+86 138 0000 1001")
    page.click("#profile-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/me/mentor")
    assert page.locator("#profile-expertise").inner_text() == expertise
    assert page.locator("#profile-phone").inner_text() == "13800001001"
    # A bad number is refused beside the field, and nothing changes.
    page.click("#edit-profile")
    page.fill("#phone", "12345")
    page.click("#profile-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "12345" in page.locator("#profile-form .invalid-feedback, #profile-form .text-danger").first.inner_text()
    page.goto("/me/mentor")
    assert page.locator("#profile-phone").inner_text() == "13800001001"


def test_coordinator_sees_ratio_panel_and_warning(page):
    log_in(page, "demo-coordinator")
    page.goto("/bases/SF-AP-01")
    panel = page.locator("#mentor-ratio-panel")
    assert panel.is_visible()
    assert page.locator("#ratio-enterprise").inner_text() == "5"
    assert page.locator("#ratio-university").inner_text() == "9"
    assert "35.71%" in page.locator("#ratio-share").inner_text()
    warning = page.locator("#ratio-warning")
    assert warning.is_visible()
    assert "黄振宇" in warning.inner_text()
    assert "1" in page.locator("#ratio-warning-add").inner_text()
    # The history chart is a real image served by the registry, with the same figures as a table.
    chart = page.locator("#ratio-history-chart")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#ratio-history-chart').complete")
    assert page.evaluate("document.querySelector('#ratio-history-chart').naturalWidth") > 0
    assert page.locator("#ratio-history-table tbody tr").count() >= 2
    # From the panel to the roster, which lists the students lacking a mentor.
    page.click("#roster-link")
    page.wait_for_load_state("networkidle")
    assert "刘思琪" in page.locator("#students-lacking").inner_text()
    assert page.locator("#roster-table").get_by_text("黄振宇").is_visible()
