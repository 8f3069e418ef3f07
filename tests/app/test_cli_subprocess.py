"""The command-line contract through real processes: `.venv/bin/flask --app registry ...` on a
SQLite file that `db upgrade` built, exactly as an outside script runs it."""
from __future__ import annotations

import hashlib
import os
import pty
import select
import sqlite3
import time
from pathlib import Path

from registry.db_state import UPGRADE_COMMAND
from tests.conftest import FLASK, flask_cli

BASE = ["base", "create", "PR-01", "--name", "进程基地", "--university", "进程大学", "--university-kind", "ministry",
        "--enterprise", "进程企业", "--field", "ict", "--cooperation-since", "2018-05-01"]


def query(url: str, sql: str, *args):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, args).fetchall()


def two_lines(result) -> list[str]:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), lines  # Chinese first
    assert lines[1].isascii() or not any("\u4e00" <= ch <= "\u9fff" for ch in lines[1].split(":")[0]), lines
    return lines


def test_db_upgrade_builds_the_schema_at_the_newest_revision(migrated_sqlite):
    from registry.db_state import migration_state
    from sqlalchemy import create_engine

    engine = create_engine(migrated_sqlite)
    current, head = migration_state(engine)
    engine.dispose()
    assert current == head is not None
    tables = {name for (name,) in query(migrated_sqlite, "select name from sqlite_master where type='table'")}
    assert {"base", "university", "enterprise", "user", "api_token", "audit_entry"} <= tables


def test_base_create_succeeds_and_a_failure_writes_nothing(migrated_sqlite):
    result = flask_cli(BASE, migrated_sqlite)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created base PR-01" and result.stderr == ""
    # Audited, with the operating-system account as the actor.
    rows = query(migrated_sqlite, "select actor_label from audit_entry where \"table\" = 'base'")
    assert len(rows) == 1 and rows[0][0].startswith("cli:")
    counts = query(migrated_sqlite, "select (select count(*) from base), (select count(*) from university),"
                                    " (select count(*) from enterprise), (select count(*) from audit_entry)")
    args = list(BASE)
    args[2] = "PR-02"
    args[args.index("--university") + 1] = "另一所新大学"  # would be created first ...
    args[args.index("--enterprise") + 1] = "另一家新企业"
    args[args.index("--cooperation-since") + 1] = "2999-01-01"  # ... but the date is refused
    result = flask_cli(args, migrated_sqlite)
    assert result.returncode == 1
    zh, en = two_lines(result)
    assert zh == "合作起始日期不能晚于今天。" and en == "The cooperation start date cannot be in the future."
    assert result.stdout == ""
    assert query(migrated_sqlite, "select (select count(*) from base), (select count(*) from university),"
                                  " (select count(*) from enterprise), (select count(*) from audit_entry)") == counts


def test_users_create_and_token(migrated_sqlite):
    result = flask_cli(["users", "create", "proc-reviewer", "--role", "reviewer", "--password-stdin"],
                       migrated_sqlite, input="process password\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created user proc-reviewer (reviewer)"
    result = flask_cli(["users", "token", "proc-reviewer", "--name", "cron"], migrated_sqlite)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert query(migrated_sqlite, "select token_hash, name from api_token") == [
        (hashlib.sha256(token.encode()).hexdigest(), "cron")]


def test_users_create_prompts_twice_on_a_terminal(migrated_sqlite):
    """A real pseudo-terminal: the password is asked for twice and not echoed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REGISTRY_"))}
    env.update({"DATABASE_URL": migrated_sqlite, "LC_ALL": "C.UTF-8", "PYTHONWARNINGS": "ignore"})
    pid, fd = pty.fork()
    if pid == 0:  # the child: flask on the terminal
        os.chdir(Path(__file__).resolve().parents[2])
        os.execve(FLASK, [FLASK, "--app", "registry", "users", "create", "tty-user", "--role", "reviewer"], env)
    output = b""

    def read_until(marker: bytes, timeout=30.0):
        nonlocal output
        deadline = time.monotonic() + timeout
        while marker not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    output += os.read(fd, 1024)
                except OSError:
                    break
        return marker in output

    try:
        assert read_until(b"Password"), output
        os.write(fd, b"terminal password\n")
        assert read_until(b"Repeat"), output
        os.write(fd, b"terminal password\n")
        read_until(b"created user")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert b"created user tty-user (reviewer)" in output
    assert b"terminal password" not in output  # hidden input
    assert query(migrated_sqlite, "select role from user where username = 'tty-user'") == [("reviewer",)]


def test_a_database_without_migrations_names_the_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = flask_cli(BASE, url)
    assert result.returncode == 2
    zh, en = two_lines(result)
    assert UPGRADE_COMMAND in zh and UPGRADE_COMMAND in en
    assert "数据库不存在或未升级" in zh and "missing or behind on migrations" in en


def test_a_wrong_database_url_fails_at_start_with_the_host_and_never_the_password():
    result = flask_cli(["db", "upgrade"], "postgresql://someone:secret-pw-42@127.0.0.1:1/registry")
    assert result.returncode != 0
    zh, en = two_lines(result)
    assert "127.0.0.1" in zh and "127.0.0.1" in en
    assert "secret-pw-42" not in result.stderr + result.stdout
    assert "无法连接数据库" in zh and "Cannot connect to the database" in en


def test_a_failing_migration_is_two_lines_not_a_traceback(tmp_path):
    path = tmp_path / "handmade.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table university (id integer primary key)")  # made by hand, no alembic_version
    result = flask_cli(["db", "upgrade"], f"sqlite:///{path}")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("INFO")]
    assert "Traceback" not in result.stderr
    assert len(lines) == 2 and lines[0].startswith("命令执行失败") and lines[1].startswith("The command failed")
