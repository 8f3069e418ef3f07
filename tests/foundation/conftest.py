"""Fixtures of the foundation's tests (accounts, organisations, the gate, the CLI contract)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry import create_app
from registry.config import PROJECT_ROOT
from registry.extensions import db

FLASK = str(Path(sys.executable).with_name("flask"))


def act_as(client, user) -> None:
    """Make `client`'s next requests those of `user` (None: anonymous) without a login POST:
    the access matrix sends hundreds of requests and a login costs a password hash."""
    with client.session_transaction() as sess:
        sess.clear()
        if user is not None:
            sess["_user_id"] = _session_user_id(user)
            sess["_fresh"] = True


def _session_user_id(user) -> str:
    """What login_user would store for this user (its id and current session generation)."""
    if hasattr(user, "get_id"):
        return user.get_id()
    from registry.auth.models import session_id

    # A bare SimpleNamespace(id=...) (the access matrix): no query here, it would open a transaction
    # around the matrix's savepoints. Its user's generation is what it says, else the initial 0.
    return session_id(user.id, getattr(user, "session_generation", 0))


@pytest.fixture
def as_user(client):
    def _as(user):
        act_as(client, user)
        return client

    return _as


@pytest.fixture
def tokens(world):
    """A working API token for each role's world user: {role: clear token}."""
    from registry.auth.services import create_token

    return {role: create_token(user, "test")[1] for role, user in world.users.items()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_app(database_url):
    """A separate app instance (own config, own routes) on the suite's database; its teardown is
    automatic. For error pages and the gate's refusal of undeclared views."""
    def _make(**overrides):
        config = {"SQLALCHEMY_DATABASE_URI": database_url}
        config.update(overrides)
        return create_app("testing", config)

    return _make


def flask_cli(args, database_url: str, *, input: str | None = None, env: dict | None = None, timeout: int = 60):
    """Run `.venv/bin/flask --app registry ARGS` as a real process, from the project root."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REGISTRY_"))}
    environment.update({"DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore", "LC_ALL": "C.UTF-8"})
    environment.update(env or {})
    return subprocess.run([FLASK, "--app", "registry", *args], cwd=PROJECT_ROOT, env=environment, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file brought to the newest migration by the real `db upgrade` command."""
    path = tmp_path_factory.mktemp("cli") / "registry.db"
    url = f"sqlite:///{path}"
    result = flask_cli(["db", "upgrade"], url)
    assert result.returncode == 0, result.stderr
    return url


def rows(model) -> int:
    from sqlalchemy import func, select

    return db.session.scalar(select(func.count()).select_from(model))


def section_text(response, element_id: str) -> str:
    """The visible text of the element with this id (to its first closing </table>/</form>/</div>)."""
    import re

    html = response.get_data(as_text=True)
    start = html.index(f'id="{element_id}"')
    tag = re.match(r"<(\w+)", html[html.rindex("<", 0, start):]).group(1)
    end = html.index(f"</{tag}>", start)
    start = html.index(">", start) + 1
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))
