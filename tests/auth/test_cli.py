"""The command-line contract (spec/interfaces.md) for `users create` and `users token`, through Flask's
CLI runner: exit codes, Chinese then English on standard error, nothing written."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.auth import cli as users_cli
from registry.auth.models import ApiToken, User
from registry.extensions import db
from registry.orgs.models import Base, Enterprise, University
from tests.conftest import assert_failed, bearer, rows

def snapshot():
    return rows(Base), rows(University), rows(Enterprise), rows(User), rows(ApiToken), rows(AuditEntry)


# ---- users create ---------------------------------------------------------------------------

def create(runner, *args, password="a long password\n"):
    return runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password)


def test_users_create_scopes_each_role(runner, world):
    result = create(runner, "bc", "--role", "base_coordinator", "--base", "SF-AP-01", "--base", "SL-SO-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "created user bc (base_coordinator)"
    assert create(runner, "uc", "--role", "university_coordinator", "--university", "示范理工学院").exit_code == 0
    assert create(runner, "mt", "--role", "mentor", "--mentor", "星海航天动力研究所:E001").exit_code == 0
    assert create(runner, "rv", "--role", "reviewer").exit_code == 0
    assert create(runner, "ad", "--role", "admin").exit_code == 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {b.code for b in users["bc"].bases} == {"SF-AP-01", "SL-SO-01"}
    assert users["uc"].university_id == world.uni2.id
    assert users["mt"].mentor_id == world.mentor_record.id
    assert users["rv"].role == "reviewer" and users["ad"].role == "admin"
    assert users["bc"].password_hash.startswith("scrypt:")
    from werkzeug.security import check_password_hash

    assert check_password_hash(users["bc"].password_hash, "a long password")


@pytest.mark.parametrize("args, password, zh, en", [
    (["x", "--role", "base_coordinator"], None, "基地联络人至少需要负责一个基地", "A base coordinator needs at least one base."),
    (["x", "--role", "base_coordinator", "--base", "SF-AP-01", "--base", "NOPE"], None, "没有代码为 NOPE 的基地",
     "No base with code NOPE."),
    (["x", "--role", "university_coordinator"], None, "学校管理员需要指定所属高校", "needs a university"),
    (["x", "--role", "university_coordinator", "--university", "不存在大学"], None, "没有名为 不存在大学 的高校",
     "No university named 不存在大学."),
    (["x", "--role", "mentor"], None, "导师账号需要关联一条导师记录", "needs a mentor record"),
    (["x", "--role", "mentor", "--mentor", "E001"], None, "ORGANISATION:STAFF_NO", "ORGANISATION:STAFF_NO"),
    (["x", "--role", "mentor", "--mentor", "星海航天动力研究所:E999"], None, "没有工号为 E999 的导师",
     "No mentor with staff number E999 at 星海航天动力研究所."),
    (["x", "--role", "reviewer", "--base", "SF-AP-01"], None, "只有基地联络人才按基地划定范围",
     "Only base coordinators are scoped to bases."),
    (["x", "--role", "admin", "--university", "示范工业大学"], None, "只有学校管理员才按高校划定范围", "Only university"),
    (["x", "--role", "reviewer", "--mentor", "星海航天动力研究所:E001"], None, "只有导师账号才关联导师记录", "Only mentor"),
    (["coord", "--role", "reviewer"], None, "用户名 coord 已被占用", "The username coord is taken."),
    (["", "--role", "reviewer"], None, "用户名须为 1 至 64 个字符", "A username of 1 to 64 characters is required."),
    (["u" * 65, "--role", "reviewer"], None, "1 至 64", "1 to 64"),
    (["x", "--role", "reviewer"], "short\n", "密码至少需要 8 个字符", "at least 8 characters"),
    (["x", "--role", "reviewer"], "\n", "密码至少需要 8 个字符", "at least 8 characters"),
])
def test_users_create_refuses_bad_input_and_writes_nothing(runner, world, args, password, zh, en):
    before = snapshot()
    result = create(runner, *args, password=password or "a long password\n")
    assert_failed(result, zh, en)
    assert snapshot() == before


def test_users_create_with_a_bad_role_is_a_bilingual_usage_error(runner, world):
    result = create(runner, "x", "--role", "superuser")
    assert_failed(result, "--role 必须是以下之一", "--role must be one of: admin, reviewer", code=2)


def test_users_create_asks_for_the_password_twice(runner, world, monkeypatch):
    monkeypatch.setattr(users_cli, "_stdin_is_terminal", lambda: True)
    result = runner.invoke(args=["users", "create", "asked", "--role", "reviewer"],
                           input="a long password\na long password\n")
    assert result.exit_code == 0, result.stderr
    assert "Password" in result.stderr and "Repeat" in result.stderr  # both prompts, on standard error
    assert "a long password" not in result.stdout + result.stderr  # hidden input
    before = snapshot()
    result = runner.invoke(args=["users", "create", "asked2", "--role", "reviewer"],
                           input="a long password\nanother password\n")
    assert result.exit_code == 1
    assert "两次输入的密码不一致" in result.stderr and "The two passwords differ." in result.stderr
    assert snapshot() == before


def test_users_create_without_a_terminal_needs_password_stdin(runner, world):
    before = snapshot()
    result = runner.invoke(args=["users", "create", "x", "--role", "reviewer"], input="a long password\n")
    assert_failed(result, "--password-stdin", "use --password-stdin")
    assert snapshot() == before


# ---- users token ----------------------------------------------------------------------------

def test_users_token_prints_a_token_once_stores_its_hash_and_it_works(runner, client, world):
    result = runner.invoke(args=["users", "token", "coord", "--name", "nightly export"])
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip()
    assert len(result.stdout.strip().splitlines()) == 1 and len(token) > 30
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.coord.id))
    assert row.name == "nightly export"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for v in db.session.execute(select(ApiToken.__table__)).one())
    assert token not in stored
    response = client.get("/api/v1/bases", headers=bearer(token))
    assert response.status_code == 200
    assert [b["code"] for b in response.get_json()["bases"]] == ["SF-AP-01"]
    # A second token is a new one; the first is never shown again.
    again = runner.invoke(args=["users", "token", "coord"]).stdout.strip()
    assert again != token
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 2


def test_users_token_refuses_unknown_and_deactivated_users(runner, world):
    before = snapshot()
    assert_failed(runner.invoke(args=["users", "token", "nobody"]), "没有名为 nobody 的用户", "No user named nobody.")
    world.coord.active = False
    db.session.commit()
    before = snapshot()
    assert_failed(runner.invoke(args=["users", "token", "coord"]), "账号 coord 已停用", "The account coord is deactivated.")
    assert snapshot() == before
    assert_failed(runner.invoke(args=["users", "token", "coord", "--name", "n" * 81]), "80", "80")
