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


from tests.conftest import act_as  # noqa: E402,F401 (the one way to act as a user, session generation included)


def on_postgresql() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
