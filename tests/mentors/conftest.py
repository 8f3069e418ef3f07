"""Builders for the mentors area's tests: people, appointments and students in a few lines."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from registry.audit.services import set_actor
from registry.extensions import db
from registry.mentors.models import Appointment, Mentor, Suspension

D = dt.date
_seq = itertools.count(1)


def add_people(base, side: str, n: int, starts_on=D(2020, 1, 1), ends_on=None, state="active",
               organisation=None, prefix=None) -> list[Mentor]:
    """n people of one side, each with one appointment at `base` (plain ORM rows: fast, audited by the hook)."""
    people = []
    for _ in range(n):
        i = next(_seq)
        m = Mentor(name=f"{prefix or side[:3]}-{i}", side=side,
                   organisation=organisation or ("星海航天动力研究所" if side == "enterprise" else "示范工业大学"),
                   staff_no=f"T{i:06d}", title="", degree="", expertise="", email="", phone="", biography="")
        people.append(m)
    db.session.add_all(people)
    db.session.flush()
    appts = [Appointment(base_id=base.id, mentor_id=m.id, starts_on=starts_on, ends_on=ends_on,
                         state="active" if state == "suspended" else state, reason="") for m in people]
    db.session.add_all(appts)
    db.session.flush()
    if state == "suspended":  # suspended from the first day, until resumed
        db.session.add_all([Suspension(appointment_id=a.id, base_id=base.id, starts_on=starts_on, reason="")
                            for a in appts])
        db.session.flush()
    return people


def appoint(base, mentor, starts_on, ends_on=None, state="active") -> Appointment:
    a = Appointment(base_id=base.id, mentor_id=mentor.id, starts_on=starts_on, ends_on=ends_on,
                    state="active" if state == "suspended" else state, reason="")
    db.session.add(a)
    db.session.flush()
    if state == "suspended":
        db.session.add(Suspension(appointment_id=a.id, base_id=base.id, starts_on=starts_on, reason=""))
        db.session.flush()
    return a


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
                            cooperation_since=D(2020, 1, 1))
    _commit_keeping_objects()
    return base


def _commit_keeping_objects():
    """A savepoint release (the test's outer transaction still discards it), so that a view rolling back a
    refused change undoes only its own work, as in production; objects stay loaded."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def token_for(user) -> str:
    from registry.auth.services import create_token

    _token, plain = create_token(user, "test")
    db.session.flush()
    return plain
