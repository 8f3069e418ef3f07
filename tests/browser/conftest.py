"""Browser tests: a real server in a thread, a real database set up as a user would (migrations,
then demo data), and Debian's headless chromium driven by Playwright for Python.

Select them with `-m browser`; skip them with `-m "not browser"`.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from registry import create_app
from registry.config import PROJECT_ROOT, normalise_database_url
from registry.extensions import db

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _browser_database(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}", None
    url = make_url(normalise_database_url(url))
    name = f"{url.database}_browser_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), (admin, name)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    url, cleanup = _browser_database(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
                                 "EVIDENCE_DIR": str(tmp_path_factory.mktemp("browser-evidence")),
                                 "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        from flask_migrate import stamp, upgrade

        if os.environ.get("BROWSER_USE_CREATE_ALL"):  # while a migration is being written
            db.create_all()
            stamp()
        else:
            upgrade()
        # Inside this app's context: the suite's own app context is pushed for the whole session.
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output + (result.stderr or "")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if cleanup:
        admin, name = cleanup
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is missing: run the tests through `python3 scripts/test.py`, "
                    "which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(base_url=live_server, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda msg: errors.append((msg.text, msg.location.get("url", "")))
            if msg.type == "error" else None)
    EXPECTED_FAILURES[id(page)] = set()
    yield page
    expected = EXPECTED_FAILURES.pop(id(page), set())
    errors = [text for text, url in errors if urlsplit(url).path not in expected]
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    # A page that breaks the Content-Security-Policy or loads a missing asset says so here.
    assert not [e for e in errors if "Content Security Policy" in e or "Failed to load" in e], errors


EXPECTED_FAILURES: dict[int, set[str]] = {}


def expect_http_error(page, path: str) -> None:
    """Say that `path` answers with an error status on purpose (a 404 page under test), so the
    browser's "Failed to load resource" for it is not counted as a broken asset."""
    EXPECTED_FAILURES.setdefault(id(page), set()).add(path)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def log_in(page, username: str, password: str = "demo-pass-2026"):
    page.goto("/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state("networkidle")


SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


def shoot(page, name: str) -> None:
    """With SCREENSHOTS=1, the page as it looks at desktop (1366×900) and phone (390×844) width, into
    docs/screenshots/NAME-desktop.png and NAME-phone.png (the top of the page: what one sees first).
    Without it nothing happens, so a test run does not rewrite the committed pictures."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), animations="disabled", caret="hide")
    if before:
        page.set_viewport_size(before)
