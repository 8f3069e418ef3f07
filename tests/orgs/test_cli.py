"""The command-line contract (spec/interfaces.md) for `base create`, through Flask's CLI runner: exit
codes, Chinese then English on standard error, nothing written. (`users ...`: tests/auth/test_cli.py.)"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.models import ApiToken, User
from registry.extensions import db
from registry.orgs.models import Base, Enterprise, University
from tests.conftest import assert_failed, rows

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
