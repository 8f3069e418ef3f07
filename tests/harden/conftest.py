"""Fixtures of the hardening tests: no lost updates, hostile files and parameters."""
from __future__ import annotations

import os

import pytest

from registry.extensions import db


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    from werkzeug.security import generate_password_hash

    import registry.auth.services as auth_services

    monkeypatch.setattr(auth_services, "generate_password_hash",
                        lambda password, method=None, **kw: generate_password_hash(password, "pbkdf2:sha256:1000"))


@pytest.fixture
def world(world):
    """The shared world, committed to the test's savepoint (a refused form's rollback keeps it)."""
    db.session.commit()
    return world


def act_as(client, user) -> None:
    with client.session_transaction() as sess:
        sess.clear()
        if user is not None:
            sess["_user_id"] = str(user.id)
            sess["_fresh"] = True


def on_postgresql() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
