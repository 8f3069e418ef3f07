"""What a user sees when things go wrong: translated 404/500/503 pages, clear command errors."""
from __future__ import annotations

import logging
import sqlite3

import pytest

from registry import create_app
from registry.authz import ALL, PUBLIC, allow
from registry.db_state import UPGRADE_COMMAND, DatabaseUnavailable, describe
from tests.conftest import act_as, text_of


def test_an_unknown_page_is_a_translated_404(client, world):
    act_as(client, world.coord)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in text_of(response)
    assert "coord" in text_of(response)  # the layout still knows who is logged in
    client.get("/lang/en")
    assert "Page not found." in text_of(client.get("/no/such/page"))


def test_an_unknown_api_route_answers_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_a_translated_405(client, world):
    response = client.delete("/bases")
    assert response.status_code == 405
    assert "此处不允许该请求方法" in text_of(response)


@pytest.fixture
def failing_app(make_app):
    app = make_app()

    @app.route("/boom")
    @allow(PUBLIC)
    def boom():
        raise RuntimeError("secret internals: /srv/registry/db.py line 42")

    @app.route("/api/v1/boom")
    @allow(*ALL, PUBLIC)
    def api_boom():
        raise KeyError("internal")

    return app


def test_an_unexpected_error_is_a_translated_500_logged_not_shown(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR, logger=failing_app.logger.name):
        response = client.get("/boom")
    assert response.status_code == 500
    page = text_of(response)
    assert "系统内部出错，错误已记录" in page
    assert "secret internals" not in page and "Traceback" not in page and "RuntimeError" not in page
    logged = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert logged and logged[0].exc_info and "secret internals" in str(logged[0].exc_info[1])
    client.get("/lang/en")
    assert "Something went wrong on our side. The error has been logged." in text_of(client.get("/boom"))
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "internal" not in response.get_json()["error"]["message"]


@pytest.fixture
def unmigrated_app(make_app, tmp_path):
    """An app checking its database, on a SQLite file that no migration has touched."""
    return make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}", CHECK_DATABASE_ON_START=True)


def test_a_database_without_migrations_is_a_translated_503_naming_the_command(unmigrated_app):
    client = unmigrated_app.test_client()
    response = client.get("/auth/login")
    assert response.status_code == 503
    page = text_of(response)
    assert "数据库尚未就绪" in page and UPGRADE_COMMAND in page
    assert client.get("/static/app.css").status_code == 200  # the page keeps its styles
    client.get("/lang/en")
    page = text_of(client.get("/bases"))
    assert "The database is not ready." in page and f"Run: {UPGRADE_COMMAND}" in page


def test_a_database_behind_on_migrations_is_a_503_and_commands_refuse(unmigrated_app, tmp_path):
    with sqlite3.connect(tmp_path / "fresh.db") as conn:
        conn.execute("create table alembic_version (version_num varchar(32) primary key)")
        conn.execute("insert into alembic_version values ('0000older0000')")
    response = unmigrated_app.test_client().get("/auth/login")
    assert response.status_code == 503
    assert "0000older0000" in text_of(response) and UPGRADE_COMMAND in text_of(response)
    with unmigrated_app.app_context():
        result = unmigrated_app.test_cli_runner().invoke(args=["users", "token", "anyone"])
    assert result.exit_code == 2
    zh, en = result.stderr.strip().splitlines()
    assert zh == f"数据库不存在或未升级到最新迁移版本。请运行：{UPGRADE_COMMAND}"
    assert en == f"The database is missing or behind on migrations. Run: {UPGRADE_COMMAND}"


def test_a_malformed_database_url_is_refused_at_start(capsys):
    with pytest.raises(DatabaseUnavailable):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "not a url at all"})
    assert capsys.readouterr().err.splitlines() == ["DATABASE_URL 格式无效。", "DATABASE_URL is not a valid database URL."]


def test_a_database_url_is_described_by_its_host_never_its_password():
    assert describe("postgresql+psycopg://u:secret@db.example:5433/registry") == \
        "postgresql://db.example:5433/registry"
    assert "secret" not in describe("postgresql://u:secret@10.0.0.1/x")
    assert describe("sqlite:////srv/registry.db") == "sqlite:/srv/registry.db"


def test_an_unreachable_database_fails_at_start(capsys):
    with pytest.raises(DatabaseUnavailable):
        create_app("development", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u:hunter2@127.0.0.1:1/x"})
    err = capsys.readouterr().err
    zh, en = err.strip().splitlines()
    assert zh.startswith("无法连接数据库 postgresql://127.0.0.1:1/x")
    assert en.startswith("Cannot connect to the database at postgresql://127.0.0.1:1/x")
    assert "hunter2" not in err
