from tests.browser.conftest import expect_http_error, log_in


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


def test_admin_creates_an_account_which_logs_in_and_is_then_deactivated(page):
    import uuid

    username = f"bc-{uuid.uuid4().hex[:8]}"
    log_in(page, "demo-admin")
    page.goto("/auth/users/new")
    assert page.locator("h1").first.inner_text() == "新建账号"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "browser-pass-1")
    page.fill("input[name=confirm]", "browser-pass-1")
    page.select_option("select[name=role]", "base_coordinator")
    option = page.locator("select[name=base_ids] option", has_text="SF-AP-01")
    page.select_option("select[name=base_ids]", option.get_attribute("value"))
    page.click("#user-form [type=submit]")  # the form carries its CSRF token (enabled on this server)
    page.wait_for_load_state("networkidle")
    assert f"账号 {username} 已创建" in page.locator(".alert-success").inner_text()
    row = page.locator("#user-table tr", has_text=username)
    assert "基地联络人" in row.inner_text() and "SF-AP-01" in row.inner_text()

    page.click("#logout")
    page.wait_for_load_state("networkidle")
    log_in(page, username, "browser-pass-1")
    page.goto("/bases")
    assert page.locator("#base-table").get_by_text("SF-AP-01").is_visible()
    assert page.locator("#base-table").get_by_text("SL-SO-01").count() == 0
    page.click("#logout")
    page.wait_for_load_state("networkidle")

    # Deactivating asks for confirmation (app.js, no inline script), then the account is refused.
    log_in(page, "demo-admin")
    page.goto(f"/auth/users?q={username}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#user-table tr", has_text=username).get_by_role("button", name="停用").click()
    page.wait_for_load_state("networkidle")
    assert "已停用" in page.locator("#user-table tr", has_text=username).inner_text()
    page.click("#logout")
    page.wait_for_load_state("networkidle")
    log_in(page, username, "browser-pass-1")
    assert "该账号已停用" in page.locator("#login-form").inner_text()


def test_an_unknown_page_is_a_translated_404(page):
    expect_http_error(page, "/no/such/page")
    response = page.goto("/no/such/page")
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").first.inner_text()
    page.click("#lang-en")
    page.wait_for_load_state("networkidle")
    assert "Page not found." in page.locator("h1").first.inner_text()
