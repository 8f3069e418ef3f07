"""Logging in and out: hashes, cookies, `next`, rate limit, CSRF, deactivated accounts."""
from __future__ import annotations

import re

import pytest
from werkzeug.security import check_password_hash

from registry.config import Config, ProductionConfig
from registry.extensions import db
from tests.conftest import PASSWORD, login, text_of


def post_login(client, username, password=PASSWORD, next_=None):
    url = "/auth/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"username": username, "password": password})


def test_passwords_are_stored_as_scrypt_hashes(world):
    assert world.admin.password_hash.startswith("scrypt:")
    assert PASSWORD not in world.admin.password_hash
    assert check_password_hash(world.admin.password_hash, PASSWORD)
    # Outside the tests, werkzeug's scrypt at its full default cost.
    assert Config.PASSWORD_HASH_METHOD == "scrypt" and ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"


def test_the_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = post_login(client, "coord")
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_a_login_starts_a_new_session_but_keeps_the_language(client, world):
    client.get("/lang/en")
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    post_login(client, "coord")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["lang"] == "en"


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "http://evil.com/x", "/\\evil.com",
                                    "\\\\evil.com", "javascript:alert(1)", "%2F%2Fevil.com", " //evil.com",
                                    "/%09/evil.com", "//evil.com/%2F..", "evil.com", "///evil.com"])
def test_next_never_leaves_the_site(client, world, target):
    response = post_login(client, "coord", next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/", (target, location)


def test_next_leads_inside_the_site(client, world):
    response = post_login(client, "coord", next_="/bases/SF-AP-01?as_of=2024-01-01")
    assert response.headers["Location"] == "/bases/SF-AP-01?as_of=2024-01-01"
    # The login page reached from a protected page carries it back.
    client.post("/auth/logout")
    redirect = client.get("/bases/SF-AP-01")
    assert redirect.status_code == 302 and "next=" in redirect.headers["Location"]
    response = client.post(redirect.headers["Location"], data={"username": "coord", "password": PASSWORD})
    assert response.headers["Location"] == "/bases/SF-AP-01"


def test_the_language_switch_also_keeps_next_inside_the_site(client):
    assert client.get("/lang/en?next=//evil.com").headers["Location"] == "/"
    assert client.get("/lang/en?next=/bases").headers["Location"] == "/bases"


def test_a_wrong_password_is_shown_beside_the_form(client, world):
    response = post_login(client, "coord", "wrong password")
    assert response.status_code == 200
    assert "用户名或密码错误" in text_of(response)
    response = post_login(client, "nobody", "wrong password")
    assert "用户名或密码错误" in text_of(response)
    response = client.post("/auth/login", data={"username": "", "password": ""})
    assert response.status_code == 200 and "必填" in text_of(response)


def test_failed_logins_are_rate_limited_in_the_users_language(client, world):
    client.get("/lang/en")
    for _ in range(5):
        assert post_login(client, "coord", "wrong password").status_code == 200
    response = post_login(client, "coord", "wrong password")
    assert response.status_code == 429
    assert "Too many attempts" in text_of(response)
    # Even the right password waits now.
    assert post_login(client, "coord").status_code == 429


def test_the_rate_limit_page_is_chinese_by_default(client, world):
    for _ in range(5):
        post_login(client, "coord", "wrong password")
    response = post_login(client, "coord", "wrong password")
    assert response.status_code == 429
    assert "尝试次数过多" in text_of(response)


def test_successful_logins_do_not_count_towards_the_limit(client, world):
    for _ in range(4):
        assert post_login(client, "coord", "wrong password").status_code == 200
    for _ in range(5):
        assert post_login(client, "coord").status_code == 302
        client.post("/auth/logout")
    assert post_login(client, "coord", "wrong password").status_code == 200  # the fifth failure
    assert post_login(client, "coord").status_code == 429


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                     html).group(1) or ""


def test_csrf_is_enforced_when_enabled(client, world, csrf_on):
    from registry.orgs.models import University

    # A login without the form's token is refused, with the translated page.
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in text_of(response)
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    before = db.session.query(University).count()
    response = client.post("/universities/new", data={"name": "伪造大学", "kind": "ministry"})
    assert response.status_code == 400
    assert db.session.query(University).count() == before
    # Buttons (logout) carry the token too; without it nothing happens.
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/bases").status_code == 200
    page = client.get("/bases").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/bases").status_code == 302


def test_logout_is_post_only(client, world):
    login(client, "coord")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/bases").status_code == 200
    response = client.post("/auth/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert client.get("/bases").status_code == 302


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(client, world):
    from registry.auth.services import set_active

    login(client, "coord")
    set_active(world.coord, False, actor=world.admin)
    db.session.commit()
    assert client.get("/bases").status_code == 302  # the running session is over
    response = post_login(client, "coord")
    assert response.status_code == 200
    assert "已停用" in text_of(response)
    # With a wrong password nothing tells that the account exists.
    assert "已停用" not in text_of(post_login(client, "coord", "wrong password"))


def test_a_user_changes_their_own_password(client, world):
    login(client, "coord")
    response = client.post("/auth/account", data={"old_password": "nope", "new_password": "a-new-secret",
                                                   "confirm": "a-new-secret"})
    assert "当前密码不正确" in text_of(response)
    response = client.post("/auth/account", data={"old_password": PASSWORD, "new_password": "short",
                                                   "confirm": "short"})
    assert response.status_code == 200 and "字段长度必须介于 8 到 256 个字符之间" in text_of(response)
    response = client.post("/auth/account", data={"old_password": PASSWORD, "new_password": "a-new-secret",
                                                   "confirm": "a-new-secret"})
    assert response.status_code == 302
    client.post("/auth/logout")
    assert post_login(client, "coord").status_code == 200
    assert post_login(client, "coord", "a-new-secret").status_code == 302
