"""The command-line contract (spec/interfaces.md) for `base create`, `users create` and `users token`,
through Flask's CLI runner: exit codes, Chinese then English on standard error, nothing written."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.auth import cli as users_cli
from registry.auth.models import ApiToken, User
from registry.extensions import db
from registry.orgs.models import Base, Enterprise, University
from tests.foundation.conftest import bearer, rows

BASE = ["base", "create", "NEW-01", "--name", "新基地", "--university", "新大学", "--university-kind", "co_built",
        "--enterprise", "新企业甲", "--enterprise", "新企业乙", "--field", "ai", "--cooperation-since", "2020-09-01"]


def snapshot():
    return rows(Base), rows(University), rows(Enterprise), rows(User), rows(ApiToken), rows(AuditEntry)


def with_option(args, option, value):
    args = list(args)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


def assert_failed(result, zh: str, en: str, code: int = 1):
    """Non-zero exit, two lines on standard error (Chinese, then English), no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert zh in lines[0], lines
    assert en in lines[1], lines
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


# ---- base create ----------------------------------------------------------------------------

def test_base_create_makes_the_base_its_university_and_enterprises(runner, world):
    result = runner.invoke(args=BASE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "created base NEW-01"
    base = db.session.scalar(select(Base).where(Base.code == "NEW-01"))
    assert base.university.name == "新大学" and base.university.kind == "co_built"
    assert [e.name for e in base.enterprises] == ["新企业乙", "新企业甲"] or \
        sorted(e.name for e in base.enterprises) == ["新企业乙", "新企业甲"]
    assert base.field == "ai" and base.cooperation_since.isoformat() == "2020-09-01"


def test_base_create_reuses_existing_parties_matched_by_trimmed_name(runner, world):
    args = with_option(with_option(BASE, "--university", " 示范工业大学 "), "--university-kind", "ministry")
    args = [a if a != "新企业甲" else "　星海航天动力研究所" for a in args]
    before = rows(University), rows(Enterprise)
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.stderr
    assert rows(University) == before[0] and rows(Enterprise) == before[1] + 1  # only 新企业乙 is new
    base = db.session.scalar(select(Base).where(Base.code == "NEW-01"))
    assert base.university_id == world.uni.id and world.ent in base.enterprises


@pytest.mark.parametrize("change, zh, en", [
    (("code", "SF-AP-01"), "代码为 SF-AP-01 的基地已存在", "A base with code SF-AP-01 already exists."),
    (("code", "sf-ap-01"), "已存在", "already exists"),
    (("code", ""), "请填写基地代码", "The base code is required."),
    (("code", "BAD CODE"), "只能使用字母、数字和“-”", "only letters, digits and '-'"),
    (("code", "X" * 41), "最多 40 个字符", "at most 40"),
    (("--name", ""), "请填写基地名称", "Base name is required."),
    (("--name", "名" * 201), "基地名称最多 200 个字符", "Base name may have at most 200 characters."),
    (("--cooperation-since", "2020-13-01"), "不是 YYYY-MM-DD 格式的日期", "is not a date in the form YYYY-MM-DD"),
    (("--cooperation-since", "yesterday"), "--cooperation-since", "--cooperation-since"),
    (("--cooperation-since", "2999-01-01"), "合作起始日期不能晚于今天", "cannot be in the future"),
    (("--university", ""), "请填写高校名称", "University name is required."),
    (("--university", "大" * 201), "高校名称最多 200 个字符", "at most 200 characters"),
    (("--enterprise", " "), "请填写企业名称", "Enterprise name is required."),
    (("--university", "示范工业大学"), "登记的类别是 ministry，而不是 co_built", "recorded as ministry, not co_built"),
])
def test_base_create_refuses_bad_input_and_writes_nothing(runner, world, change, zh, en):
    option, value = change
    args = list(BASE)
    if option == "code":
        args[2] = value
    else:
        args = with_option(args, option, value)
    before = snapshot()
    result = runner.invoke(args=args)
    assert_failed(result, zh, en)
    assert snapshot() == before


@pytest.mark.parametrize("args, zh, en", [
    ([a for a in BASE if a not in ("--name", "新基地")], "缺少选项：--name", "Missing option: --name."),
    (with_option(BASE, "--university-kind", "private"), "--university-kind 必须是以下之一", "ministry, co_built"),
    (BASE + ["--colour", "red"], "未知选项：--colour", "Unknown option: --colour."),
    (["base", "create"], "缺少参数：CODE", "Missing argument: CODE."),
    (BASE + ["EXTRA"], "命令行有误", "Invalid command line"),
])
def test_usage_errors_are_bilingual_too(runner, world, args, zh, en):
    before = snapshot()
    result = runner.invoke(args=args)
    assert_failed(result, zh, en, code=2)
    assert snapshot() == before


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
