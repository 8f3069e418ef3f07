"""Builders for the mentors area's tests: people, appointments and students in a few lines."""
from __future__ import annotations

import pytest

from registry.audit.services import set_actor
from registry.extensions import db
from tests.conftest import D, add_people, appoint, commit_keeping_objects  # noqa: F401  (the shared builder, under the names these tests use)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """The world fixture makes six accounts; scrypt takes ~0.2 s each. Passwords are not what these tests
    test, so hash them cheaply here (logging in still checks the hash)."""
    from werkzeug.security import generate_password_hash

    import registry.auth.services as auth_services

    monkeypatch.setattr(auth_services, "generate_password_hash",
                        lambda password, method=None, **kw: generate_password_hash(password, "pbkdf2:sha256:1000"))


@pytest.fixture
def team(world):
    """SF-AP-01 (world.base) with the world's enterprise mentor 李工 (since 2020-01-01) and nothing else."""
    set_actor(db.session, world.coord)
    return world


@pytest.fixture
def empty_base(world):
    """A base with no mentors at all."""
    from registry.orgs import services as orgs

    set_actor(db.session, None, "fixture")
    base = orgs.create_base("EM-PT-01", name="空基地", university=world.uni, enterprises=[world.ent], field="ai",
                            cooperation_since=D(2020, 1, 1), actor=None)
    commit_keeping_objects()
    return base


def token_for(user) -> str:
    from registry.auth.services import create_token

    _token, plain = create_token(user, "test", actor=None)
    db.session.flush()
    return plain
