"""Browser: the university's coordinator checks SF-AI-02 (demo data: everything but R2), adds the
missing enterprise mentor, submits it into a round; a reviewer reviews; the administrator takes it
through review and public notice to recognition; the coordinator enters targets and sees the
evaluation."""
from __future__ import annotations

import datetime as dt

from tests.browser.conftest import log_in, shoot

CODE = "SF-AI-02"


def _as(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def _step(page, to_status, reason, effective_on=None):
    page.goto(f"/bases/{CODE}/lifecycle")
    page.select_option("#to_status", to_status)
    if effective_on:
        page.fill("#effective_on", effective_on.isoformat())
    page.fill("#reason", reason)
    page.click("#transition-form [type=submit]")
    page.wait_for_load_state("networkidle")
    if page.locator("#confirm-button").count():  # the step's own confirmation page (not when refused)
        if to_status == "under_review":
            shoot(page, "lifecycle-confirm")
        page.click("#confirm-button")
        page.wait_for_load_state("networkidle")


def test_check_fix_submit_recognise_plan(page, monkeypatch):
    today = dt.date.today()

    # The administrator opens this year's round and assigns the demo reviewer.
    _as(page, "demo-admin")
    page.goto("/rounds/new")
    page.fill("#year", str(today.year))
    page.fill("#opens_on", today.isoformat())
    page.fill("#deadline", (today + dt.timedelta(days=30)).isoformat())
    page.click("#round-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#round-deadline").inner_text() == (today + dt.timedelta(days=30)).isoformat()
    round_url = page.url
    page.select_option("#user_id", label="demo-reviewer")
    page.click("#reviewer-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "demo-reviewer" in page.locator("#reviewer-list").inner_text()

    # The university's coordinator checks the base: R2 fails and says what to add.
    _as(page, "demo-university")
    page.goto(f"/bases/{CODE}")
    assert "不符合申报条件" in page.locator("#eligibility-verdict").inner_text()
    r2 = page.locator("#rule-R2")
    assert "未通过" in r2.inner_text() and "导师 4 人中企业导师 1 人" in r2.inner_text()
    r2.get_by_role("link", name="添加导师").click()
    page.wait_for_load_state("networkidle")
    page.fill("#name", "韩启明")
    page.select_option("#side", "enterprise")
    page.fill("#organisation", "星海航天动力研究所")
    page.fill("#staff_no", "XH-0299")
    page.fill("#starts_on", today.isoformat())
    page.click("#mentor-form [type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"/bases/{CODE}")
    assert "符合申报条件" in page.locator("#eligibility-verdict").inner_text()
    assert "不符合" not in page.locator("#eligibility-verdict").inner_text()
    assert "导师 5 人中企业导师 2 人" in page.locator("#rule-R2").inner_text()

    # ... and submits it into the round.
    page.goto(round_url)
    page.select_option("#base_id", label=f"{CODE} 示范工业大学—星海智能测控校企协同育人示范基地")
    page.click("#submit-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/submissions/" in page.url
    submission_url = page.url
    assert "已申报" in page.locator("#submission-state").inner_text()
    assert "2 / 5" in page.locator("#snapshot-ratio").inner_text()

    # The administrator starts the review; the reviewer records an opinion.
    _as(page, "demo-admin")
    _step(page, "under_review", "形式审查通过")
    assert page.locator("#lifecycle-state").inner_text() == "评审中"
    _as(page, "demo-reviewer")
    page.goto("/")  # the reviewer lands on what waits for them
    assert page.url.endswith("/review")
    page.goto(submission_url)
    shoot(page, "reviewer-score")
    page.fill("#score", "90")
    page.fill("#opinion", "基础扎实，同意推荐。")
    page.click("#review-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "基础扎实" in page.locator("#review-table").inner_text()

    # Public notice for seven days, then recognition (the registry's clock moved past the notice).
    _as(page, "demo-admin")
    _step(page, "public_notice", "评审通过，予以公示")
    end = today + dt.timedelta(days=6)
    assert page.locator("#notice-dates").inner_text().startswith(f"{today.isoformat()} 至 {end.isoformat()}")
    _step(page, "recognised", "公示期内无异议", effective_on=today)  # still in the notice: refused
    assert "公示至" in page.locator(".invalid-feedback, .form-error").first.inner_text()
    later = today + dt.timedelta(days=8)
    monkeypatch.setattr("registry.checks.lifecycle.today", lambda: later)
    _step(page, "recognised", "公示期内无异议", effective_on=later)
    assert page.locator("#lifecycle-state").inner_text() == "已认定"
    assert "公示期内无异议" in page.locator("#history-table").inner_text()

    # The coordinator enters the construction plan's targets and sees the evaluation.
    _as(page, "demo-university")
    page.goto(f"/bases/{CODE}")
    page.click("#plan-link")
    page.wait_for_load_state("networkidle")
    year = 1  # the first construction year, from the day of recognition
    page.fill(f"#t-mentors_total-{year}", "8")
    page.fill(f"#t-enterprise_mentors-{year}", "3")
    page.fill(f"#t-industry_courses-{year}", "1")
    page.click("#save-targets")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#t-mentors_total-{year}").input_value() == "8"
    page.click("#to-evaluation")
    page.wait_for_load_state("networkidle")
    row = page.locator("#ev-mentors_total").inner_text()
    assert "8" in row and "差" in row  # 5 counted at the end of the construction year against 8 promised
    assert "项指标未达目标" in page.locator("#shortfall-summary").inner_text()
    page.click("#print-view")
    page.wait_for_load_state("networkidle")
    assert "示范基地建设成效评估" in page.locator("h1").inner_text()
