"""Several app machines: evidence files live in the object store they share, not on one disk.

Two real app processes run on the same database and the same S3-compatible server (moto's server
mode); a file uploaded through one is downloaded through the other, and a session ended through one
is ended on the other.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from registry.errors import DomainError
from registry.evidence import services
from registry.evidence.models import Attachment
from registry.evidence.storage import from_config
from registry.extensions import db
from tests.evidence import files
from tests.evidence.test_evidence import exchange  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_database(tmp_path):
    """A database of its own for the two processes: PostgreSQL when the suite runs there, else a file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    from registry.config import normalise_database_url

    url = normalise_database_url(url)
    name = f"registry_two_apps_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_app(config: dict, seed: bool = False) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, REGISTRY_TEST_CONFIG=json.dumps(config), REGISTRY_TEST_SEED="1" if seed else "0",
               REGISTRY_ENV="development", CHECK_DATABASE_ON_START="0")
    process = subprocess.Popen([sys.executable, "-m", "tests.evidence.app_process"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        pytest.fail("the app process did not start")
    return process, f"http://127.0.0.1:{port}"


def login(base_url: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{base_url}/auth/login", data={"username": "coord", "password": "correct horse battery"},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302
    return browser


def test_a_file_uploaded_through_one_machine_downloads_through_another_and_logout_ends_both(s3_server, shared_database, tmp_path):
    bucket_prefix = f"two-apps-{uuid.uuid4().hex[:8]}"
    config = {"SQLALCHEMY_DATABASE_URI": shared_database, "SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False,
              "CHECK_DATABASE_ON_START": False, "EVIDENCE_STORAGE": f"s3://registry-evidence/{bucket_prefix}",
              "S3_ENDPOINT_URL": s3_server, "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL", "memory://"),
              "REDIS_URL": os.environ.get("TEST_REDIS_URL")}
    # Each machine has its own local disk: nothing may be read from there.
    first, url_a = start_app({**config, "EVIDENCE_DIR": str(tmp_path / "disk-a")}, seed=True)
    second, url_b = start_app({**config, "EVIDENCE_DIR": str(tmp_path / "disk-b")})
    try:
        on_a = login(url_a)
        exchange_page = on_a.get(f"{url_a}/bases/SF-AP-01/exchanges", timeout=30).text
        exchange_id = re.search(r"/bases/SF-AP-01/exchanges/(\d+)", exchange_page).group(1)
        data = files.pdf("两台机器")
        response = on_a.post(f"{url_a}/evidence/exchange/{exchange_id}/upload",
                             files={"file": ("协议.pdf", io.BytesIO(data), "application/pdf")},
                             allow_redirects=False, timeout=30)
        assert response.status_code == 303
        page = on_a.get(f"{url_a}/bases/SF-AP-01/exchanges/{exchange_id}", timeout=30).text
        attachment_id = re.search(r'/evidence/(\d+)/download', page).group(1)

        on_b = login(url_b)
        download = on_b.get(f"{url_b}/evidence/{attachment_id}/download", timeout=30)
        assert download.status_code == 200 and download.content == data
        assert not any(p.is_file() for p in tmp_path.rglob("disk-*/**/*"))

        # One login, both machines: logging out through one ends the session on the other too.
        copied = on_a.cookies.get_dict()
        assert on_a.get(f"{url_b}/bases/SF-AP-01", cookies=copied, allow_redirects=False, timeout=30).status_code == 200
        assert on_a.post(f"{url_a}/auth/logout", allow_redirects=False, timeout=30).status_code in (302, 303)
        after = requests.get(f"{url_b}/bases/SF-AP-01", cookies=copied, allow_redirects=False, timeout=30)
        assert after.status_code == 302 and "/auth/login" in after.headers["Location"]
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=10)


def test_an_unreachable_store_refuses_the_upload_and_keeps_nothing(app, world, exchange):  # noqa: F811
    dead = from_config({"EVIDENCE_STORAGE": "s3://registry-evidence", "S3_ENDPOINT_URL": "http://127.0.0.1:9"})
    saved = app.extensions.get("evidence_storage")
    app.extensions["evidence_storage"] = dead
    try:
        with pytest.raises(DomainError) as refused:
            services.attach("exchange", exchange, "a.pdf", io.BytesIO(files.pdf()), actor=None)
        assert "file store" in refused.value.args[0]  # the msgid; shown as 无法连接文件存储… in Chinese
    finally:
        app.extensions["evidence_storage"] = saved
    db.session.rollback()
    assert db.session.query(Attachment).count() == 0
