"""Issue 12, point 4: uploads never confirmed are removed after an hour by any request or command,
not only by the next upload (they used to pile up for a day)."""
from __future__ import annotations

import os
import time

import pytest

from registry import create_app

NAME = "0123456789abcdef0123456789abcdef.xlsx"


def _upload(directory, name, age_seconds):
    path = directory / name
    path.write_bytes(b"PK")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "UPLOAD_SWEEP_EVERY", 0)
    return tmp_path


def test_any_request_removes_uploads_older_than_an_hour(client, uploads):
    old = _upload(uploads, NAME, 61 * 60)
    recent = _upload(uploads, NAME.replace("0123", "4567"), 59 * 60)
    foreign = _upload(uploads, "notes.txt", 10 * 3600)
    assert client.get("/auth/login").status_code == 200  # anyone, any page
    assert not old.exists()
    assert recent.exists() and foreign.exists()  # younger than an hour; not an upload


def test_any_command_removes_them_too(database_url, tmp_path):
    old = _upload(tmp_path, NAME, 2 * 3600)
    recent = _upload(tmp_path, NAME.replace("0123", "4567"), 60)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "IMPORT_DIR": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["roster", "--help"])
    assert result.exit_code == 0
    assert not old.exists() and recent.exists()


def test_a_missing_upload_directory_is_no_problem(client, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path / "never-created"))
    monkeypatch.setitem(app.config, "UPLOAD_SWEEP_EVERY", 0)
    assert client.get("/auth/login").status_code == 200
