"""Sessions that end (issue 12, point 2): logout, a password change or reset and deactivation end
every session of the user at once, including a cookie copied elsewhere; API tokens expire and show
when they were last used, written at most once a day."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.auth.models import ApiToken, User
from registry.extensions import db
from registry.moments import in_registry_zone
from tests.conftest import PASSWORD, login, text_of
from tests.conftest import act_as, bearer


def logged_in(client) -> bool:
    response = client.get("/bases")
    return response.status_code == 200


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (stolen, or a second tab)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_logout_ends_every_session_including_a_copied_cookie(app, client, world):
    login(client, "coord")
    thief = copy_of(app, client)
    elsewhere = app.test_client()
    login(elsewhere, "coord")  # the same user on another machine
    assert logged_in(thief) and logged_in(elsewhere)
    client.post("/auth/logout")
    assert not logged_in(client)
    assert not logged_in(thief)
    assert not logged_in(elsewhere)
    assert client.get("/bases").headers["Location"].startswith("/auth/login")
    login(client, "coord")  # logging in again works
    assert logged_in(client)


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, world):
    login(client, "coord")
    thief = copy_of(app, client)
    response = client.post("/auth/account", data={"old_password": PASSWORD, "new_password": "a new password 9",
                                                  "confirm": "a new password 9"}, follow_redirects=True)
    assert "其他所有登录会话均已结束" in text_of(response)
    assert logged_in(client)
    assert not logged_in(thief)


def test_an_administrators_reset_and_a_deactivation_end_the_users_sessions(app, client, world):
    victim = app.test_client()
    login(victim, "coord")
    act_as(client, world.admin)
    response = client.post(f"/auth/users/{world.coord.id}/password",
                           data={"new_password": "reset password 1", "confirm": "reset password 1"})
    assert response.status_code == 302
    assert not logged_in(victim)

    login(victim, "coord", "reset password 1")
    client.post(f"/auth/users/{world.coord.id}/deactivate")
    assert not logged_in(victim)
    client.post(f"/auth/users/{world.coord.id}/activate")
    assert not logged_in(victim)  # reactivation does not bring the old session back
    login(victim, "coord", "reset password 1")
    assert logged_in(victim)


def test_the_generation_is_checked_by_every_app_instance(app, make_app, client, world):
    """Another worker process reads the same generation from the database."""
    login(client, "coord")
    other_worker = make_app().test_client()
    other_worker.set_cookie("session", client.get_cookie("session").value)
    assert logged_in(other_worker)
    client.post("/auth/logout")
    assert not logged_in(other_worker)


def test_a_session_without_a_generation_is_no_session(client, world):
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world.coord.id)  # what the previous version wrote
    assert not logged_in(client)
    for forged in ("1.x", ".", "1.2.3", "9" * 40 + ".0", f"{world.coord.id}.7"):
        with client.session_transaction() as sess:
            sess["_user_id"] = forged
        assert not logged_in(client)


def test_logout_is_not_written_to_the_audit_log(client, world):
    from registry.audit.models import AuditEntry

    login(client, "coord")
    before = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    client.post("/auth/logout")
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == before
    assert db.session.get(User, world.coord.id).session_generation == 1


# ---- API tokens ---------------------------------------------------------------------------

def test_users_token_expires_on_the_day_given(runner, client, world):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    result = runner.invoke(args=["users", "token", "coord", "--name", "cron", "--expires", tomorrow.isoformat()])
    assert result.exit_code == 0, result.output
    clear = result.stdout.strip()
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "cron"))
    assert token.expires_on == tomorrow
    assert client.get("/api/v1/bases", headers=bearer(clear)).status_code == 200
    token.expires_on = dt.date.today()  # its last day: still works
    db.session.commit()
    assert client.get("/api/v1/bases", headers=bearer(clear)).status_code == 200
    token.expires_on = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    response = client.get("/api/v1/bases", headers=bearer(clear))
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "token_expired" and "API 令牌已过期" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get("/api/v1/bases", headers={**bearer(clear), "Accept-Language": "en"})
    assert response.get_json()["error"]["message"].startswith("The API token has expired.")


@pytest.mark.parametrize("value, zh", [("2001-01-01", "有效期不能早于今天。"),
                                       ("2999-01-01", "令牌的有效期最长为十年。"),
                                       ("tomorrow", "--expires：“tomorrow”不是 YYYY-MM-DD 格式的日期。")])
def test_users_token_refuses_a_bad_expiry_and_makes_no_token(runner, world, value, zh):
    result = runner.invoke(args=["users", "token", "coord", "--expires", value])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0] == zh
    assert db.session.scalar(select(db.func.count()).select_from(ApiToken)) == 0


def test_tokens_page_sets_an_expiry_and_shows_it_and_the_last_use(client, world):
    act_as(client, world.coord)
    day = dt.date.today() + dt.timedelta(days=30)
    response = client.post("/auth/tokens", data={"name": "monthly", "expires_on": day.isoformat()})
    clear = response.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    page = text_of(client.get("/auth/tokens"))
    assert f"monthly" in page and day.isoformat() in page and "从未使用" in page
    assert client.get("/api/v1/bases", headers=bearer(clear)).status_code == 200
    page = text_of(client.get("/auth/tokens"))
    # The last use is shown on the registry's calendar (Asia/Shanghai), which runs ahead of UTC's
    used_on = in_registry_zone(dt.datetime.now(dt.timezone.utc)).date()
    assert used_on.isoformat() in page.split("monthly")[1]
    response = client.post("/auth/tokens", data={"name": "old", "expires_on": "2000-01-01"})
    assert "有效期不能早于今天。" in text_of(response)


def test_last_used_is_written_at_most_once_a_day(client, world, tokens, query_counter):
    headers = bearer(tokens["base_coordinator"])
    writes = []
    for _ in range(3):
        with query_counter() as count:
            from sqlalchemy import event

            def _spy(conn, cursor, statement, *args):
                if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
                    writes.append(statement)

            event.listen(db.engine, "before_cursor_execute", _spy)
            try:
                assert client.get("/api/v1/bases", headers=headers).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", _spy)
    assert len(writes) == 1
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.coord.id))
    db.session.refresh(token)
    assert token.last_used_at is not None
    token.last_used_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", _spy)
    try:
        client.get("/api/v1/bases", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", _spy)
    assert len(writes) == 2  # a new day: written again
