from tests.browser.conftest import log_in


def test_coordinator_logs_in_switches_language_and_sees_bases(page):
    log_in(page, "demo-coordinator")
    page.goto("/bases")
    # Chinese first.
    assert page.locator("h1").first.inner_text() == "示范基地"
    assert page.locator("#base-table").get_by_text("SF-AP-01").is_visible()
    # One click to English, and the page says so.
    page.click("#lang-en")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "Bases"
    assert page.locator("#base-table").get_by_text("SF-AP-01").is_visible()
    # The coordinator sees only their own base.
    assert page.locator("#base-table").get_by_text("SL-SO-01").count() == 0
    page.click("#lang-zh_Hans_CN")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "示范基地"
