"""Running for real (issue 12, point 1): gunicorn from a clean copy of the project serving the Chinese
interface, the probes, request ids in every log line, the reverse proxy, production's refusals,
and the app's own 503 page when the database goes away."""
from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry import create_app
from registry.authz import PUBLIC, allow
from registry.config import PROJECT_ROOT
from tests.conftest import text_of
from tests.conftest import act_as, flask_cli

LONG_KEY = "k" * 40
DEAD_POSTGRES = "postgresql+psycopg://nobody:secret@127.0.0.1:1/gone"


def clean_copy(dest: Path) -> Path:
    """What a fresh clone holds: the tracked files and the new ones git does not ignore, as they are
    in the work tree now; no .venv, no instance/, no compiled catalogues."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = PROJECT_ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    assert not list(dest.glob("translations/*/LC_MESSAGES/*.mo")) and not (dest / "instance").exists()
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read().decode()
    conn.close()
    return response, data


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def gunicorn_site(tmp_path):
    """`gunicorn -w 2 'registry:create_app()'` in production, from a clean copy, after only
    `flask db upgrade` (and a user made with the CLI): no scripts/ were run."""
    root = clean_copy(tmp_path / "clone")
    db_url = f"sqlite:///{tmp_path / 'site.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REGISTRY_", "PYTHON"))}
    env.update({"DATABASE_URL": db_url, "REGISTRY_ENV": "production", "SECRET_KEY": LONG_KEY, "LC_ALL": "C.UTF-8"})
    flask = [sys.executable, "-m", "flask", "--app", "registry"]
    for args, stdin in ((["db", "upgrade"], None),
                        (["users", "create", "ops", "--role", "admin", "--password-stdin"], "ops password 1\n"),
                        (["base", "create", "GU-01", "--name", "枪炮基地", "--university", "进程大学",
                          "--university-kind", "ministry", "--enterprise", "进程企业", "--field", "ict",
                          "--cooperation-since", "2018-05-01"], None)):
        done = subprocess.run(flask + args, cwd=root, env=env, input=stdin, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "registry:create_app()"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if get(port, "/healthz")[0].status == 200:
                    break
            except OSError:
                time.sleep(0.1)
            if proc.poll() is not None:
                break
        else:
            pytest.fail("gunicorn did not answer")
        assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
        yield port, tmp_path / "gunicorn.log", root
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_gunicorn_from_a_clean_copy_serves_the_chinese_interface(gunicorn_site):
    port, log_path, root = gunicorn_site
    response, body = get(port, "/healthz")
    assert json.loads(body) == {"status": "ok"}
    response, body = get(port, "/readyz")
    assert response.status == 200 and json.loads(body) == {"status": "ready"}

    response, body = get(port, "/auth/login", headers={"X-Request-ID": "probe-login-1"})
    assert response.status == 200
    assert response.getheader("X-Request-ID") == "probe-login-1"
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    assert "用户名" in visible(body) and "密码" in visible(body), visible(body)[:500]
    # Log in over the wire (CSRF on, as in production) and read a page that needs the database.
    cookie = response.getheader("Set-Cookie").split(";")[0]
    assert "Secure" in response.getheader("Set-Cookie")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', body)
    token = next(filter(None, csrf.groups()))
    from urllib.parse import urlencode

    response, body = get(port, "/auth/login", method="POST",
                         body=urlencode({"csrf_token": token, "username": "ops", "password": "ops password 1"}),
                         headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 302, visible(body)[:500]
    cookie = response.getheader("Set-Cookie").split(";")[0]
    response, body = get(port, "/bases", headers={"Cookie": cookie, "X-Request-ID": "probe-bases-2"})
    assert response.status == 200
    page = visible(body)
    assert "枪炮基地" in page and "示范基地" in page and "退出登录" in page  # Chinese navigation, logged in
    assert "Log out" not in page

    # Every line the app wrote is JSON with a request id; the access lines name each request.
    time.sleep(0.3)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # gunicorn's own lines too (gunicorn.conf.py)
    assert any(e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries)
    access = {e["request_id"]: e for e in entries if e.get("event") == "request"}
    assert len([e for e in entries if e["request_id"] == "probe-login-1"]) == 1  # each line once
    assert access["probe-login-1"]["path"] == "/auth/login" and access["probe-login-1"]["status"] == 200
    assert access["probe-bases-2"]["path"] == "/bases" and access["probe-bases-2"]["user_id"] is not None
    assert all(e["request_id"] for e in entries if e["logger"].startswith("registry"))
    # The catalogues were compiled by the app itself.
    assert list(root.glob("translations/zh_Hans_CN/LC_MESSAGES/messages.mo"))


# ---- probes -------------------------------------------------------------------------------

def test_healthz_needs_no_database_and_readyz_says_why_it_is_not_ready(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=DEAD_POSTGRES)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready" and body["reason"].startswith("database unreachable")
    assert "secret" not in json.dumps(body)
    # Reachable but never migrated: not ready, naming the command.
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    body = app.test_client().get("/readyz").get_json()
    assert body["status"] == "not ready" and "flask --app registry db upgrade" in body["reason"]


def test_readyz_is_ready_on_a_migrated_database_and_checks_redis_when_configured(make_app, migrated_sqlite):
    app = make_app(SQLALCHEMY_DATABASE_URI=migrated_sqlite)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200 and response.get_json() == {"status": "ready"}
    app = make_app(SQLALCHEMY_DATABASE_URI=migrated_sqlite, REDIS_URL=f"redis://127.0.0.1:{free_port()}/6")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["reason"].startswith("redis unreachable")


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_readyz_with_a_live_redis(make_app, migrated_sqlite):
    app = make_app(SQLALCHEMY_DATABASE_URI=migrated_sqlite, RATELIMIT_STORAGE_URI=os.environ["TEST_REDIS_URL"])
    assert app.test_client().get("/readyz").get_json() == {"status": "ready"}


# ---- request ids and logs -----------------------------------------------------------------

@pytest.fixture
def logging_app(make_app):
    app = make_app()

    @app.route("/noisy")
    @allow(PUBLIC)
    def noisy():
        app.logger.warning("something to say")
        raise RuntimeError("boom")

    return app


def test_every_log_line_of_a_request_carries_its_id(logging_app, caplog):
    client = logging_app.test_client()
    with caplog.at_level(logging.INFO, logger="registry"):
        response = client.get("/noisy", headers={"X-Request-ID": "abc-42"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "abc-42"
    records = [r for r in caplog.records if r.name.startswith("registry")]
    assert {r.getMessage().split(" on ")[0] for r in records} >= {"something to say", "unhandled error",
                                                                   "GET /noisy 500"}
    assert {r.request_id for r in records} == {"abc-42"}


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    for bad in ("", "x" * 129, "two words", "a\u00e9b"):
        headers = {"X-Request-ID": bad.encode("utf-8").decode("latin-1")} if bad else {}
        rid = client.get("/healthz", headers=headers).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid)
    first = client.get("/healthz").headers["X-Request-ID"]
    assert first != client.get("/healthz").headers["X-Request-ID"]


def test_json_lines_are_written_with_the_request_id(logging_app, capfd):
    from registry.serving import JsonFormatter, RequestIdFilter

    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logging_app.logger.addHandler(handler)
    try:
        logging_app.test_client().get("/noisy", headers={"X-Request-ID": "json-1"})
    finally:
        logging_app.logger.removeHandler(handler)
    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith("{")]
    assert lines and all(line["request_id"] == "json-1" for line in lines)
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and "RuntimeError: boom" in errors[0]["exception"]


# ---- reverse proxy ------------------------------------------------------------------------

def _where_app(make_app, **config):
    app = make_app(**config)

    @app.route("/where")
    @allow(PUBLIC)
    def where():
        from flask import request, url_for

        return {"remote": request.remote_addr, "scheme": request.scheme, "url": url_for("index", _external=True)}

    return app


def test_proxy_headers_are_honoured_only_when_configured(make_app):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "registry.example.cn"}
    behind = _where_app(make_app, TRUSTED_PROXIES=1).test_client().get("/where", headers=forwarded).get_json()
    assert behind == {"remote": "203.0.113.9", "scheme": "https", "url": "https://registry.example.cn/"}
    direct = _where_app(make_app).test_client().get("/where", headers=forwarded).get_json()
    assert direct["remote"] == "127.0.0.1" and direct["scheme"] == "http" and "example" not in direct["url"]


# ---- production refuses -------------------------------------------------------------------

def test_production_refuses_a_short_secret_key_and_debug_mode(monkeypatch, migrated_sqlite, capsys):
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(SystemExit) as exc:
        create_app("production", {"SQLALCHEMY_DATABASE_URI": migrated_sqlite})
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines() == ["生产环境的 SECRET_KEY 至少需要 32 个字符。",
                                                    "SECRET_KEY must have at least 32 characters in production."]
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(SystemExit):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": migrated_sqlite})
    assert "Debug mode is refused in production" in capsys.readouterr().err
    monkeypatch.delenv("FLASK_DEBUG")
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": migrated_sqlite})
    assert not app.debug
    response = app.test_client().get("/auth/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


def test_flask_debug_is_refused_in_production_from_the_command_line(migrated_sqlite):
    result = flask_cli(["--debug", "users", "token", "nobody"], migrated_sqlite,
                       env={"REGISTRY_ENV": "production", "SECRET_KEY": LONG_KEY})
    assert result.returncode != 0 and "Debug mode is refused in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_data_is_refused_in_production(migrated_sqlite):
    result = flask_cli(["demo", "load"], migrated_sqlite, env={"REGISTRY_ENV": "production", "SECRET_KEY": LONG_KEY})
    assert result.returncode == 2, result.stdout + result.stderr
    zh, en = result.stderr.strip().splitlines()
    assert zh == "生产环境不允许加载演示数据：演示账户的密码是公开的。"
    assert en == "Demo data is refused in production: its accounts have a published password."
    import sqlite3

    with sqlite3.connect(migrated_sqlite.removeprefix("sqlite:///")) as conn:
        assert conn.execute("select count(*) from user where username like 'demo-%'").fetchone() == (0,)


# ---- the database goes away ---------------------------------------------------------------

@pytest.fixture
def own_session(monkeypatch):
    """The app's own database session (not the suite's shared test transaction): these apps must
    meet their own, failing, database."""
    from registry.extensions import db

    monkeypatch.setattr(db, "session", db._make_scoped_session({}))


def test_an_unreachable_database_gives_the_apps_503_page(make_app, own_session):
    app = make_app(SQLALCHEMY_DATABASE_URI=DEAD_POSTGRES)
    client = app.test_client()
    with client.session_transaction() as sess:  # the session names a user: loading it needs the database
        sess["_user_id"] = "1.0"
    response = client.get("/bases")
    assert response.status_code == 503
    page = text_of(response)
    assert "无法连接数据库" in page and "请稍后" in page
    assert "Internal Server Error" not in page and "secret" not in page
    assert response.headers["Retry-After"]
    assert client.get("/static/app.css").status_code == 200
    client.get("/lang/en")
    assert "The database cannot be reached." in text_of(client.get("/bases"))
    response = client.get("/api/v1/bases", headers={"Authorization": "Bearer rgt_whatever"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "unavailable"


def test_the_database_vanishing_mid_run_gives_the_503_page(make_app, tmp_path, migrated_sqlite, own_session):
    path = tmp_path / "live.db"
    shutil.copy(migrated_sqlite.removeprefix("sqlite:///"), path)
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", CHECK_DATABASE_ON_START=True)
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "x", "password": "y" * 10}).status_code == 200
    with app.app_context():
        from registry.extensions import db

        db.engine.dispose()
    path.unlink()
    path.mkdir()  # where the file was, now nothing SQLite can open
    response = client.post("/auth/login", data={"username": "x", "password": "y" * 10})
    assert response.status_code == 503
    assert "无法连接数据库" in text_of(response)


class TcpProxy:
    """A TCP relay to the database that can be cut: the database 'goes away' mid-run."""

    def __init__(self, host: str, port: int):
        import threading

        self.upstream = (host, port)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.sockets = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading

        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, dest):
        try:
            while data := source.recv(65536):
                dest.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, dest):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.running = False
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() in its thread (Linux)
        except OSError:
            pass
        self.server.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="TEST_DATABASE_URL names no PostgreSQL database")
def test_postgresql_going_away_mid_run_gives_the_503_page_and_readyz_says_so(make_app, database_url, own_session):
    from sqlalchemy.engine import make_url

    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    app = None
    try:
        url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = "999999.0"  # looked up in the database on every request: no such user
        assert client.get("/bases").status_code == 302  # the database answers: anonymous, to the login page
        proxy.cut()
        response = client.get("/bases")
        assert response.status_code == 503
        assert "无法连接数据库" in text_of(response)
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
    finally:
        proxy.cut()
        if app is not None:
            with app.app_context():
                from registry.extensions import db

                db.engine.dispose()


def test_stale_catalogues_are_compiled_and_into_a_cache_when_the_code_is_read_only(tmp_path, monkeypatch):
    from babel.support import Translations

    from registry import catalogues

    source = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", source, ignore=shutil.ignore_patterns("*.mo", ".lock"))
    # Writable: compiled next to the .po files, once.
    assert catalogues.ensure_compiled(source, tmp_path / "cache") == source
    mo = source / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"
    assert Translations.load(str(source), ["zh_Hans_CN"]).gettext("Log out") == "退出登录"
    first = mo.stat().st_mtime_ns
    catalogues.ensure_compiled(source, tmp_path / "cache")
    assert mo.stat().st_mtime_ns == first  # fresh: not compiled again
    # A .po changed since (an update deployed) and a read-only code folder: compiled into the cache.
    po = mo.with_suffix(".po")
    os.utime(po, ns=(first + 10**9, first + 10**9))
    monkeypatch.setattr(catalogues, "_writable", lambda folder: False)
    folder = catalogues.ensure_compiled(source, tmp_path / "cache")
    assert folder == tmp_path / "cache"
    assert Translations.load(str(folder), ["zh_Hans_CN"]).gettext("Log out") == "退出登录"
    assert mo.stat().st_mtime_ns == first
