"""The permission predicates of registry/authz.py, without HTTP: one role and one object at a time."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry import authz
from registry.extensions import db
from registry.orgs.models import Base

ROLES = ("admin", "reviewer", "university_coordinator", "base_coordinator", "mentor")


def table(world, predicate, obj_of):
    return {role: predicate(world.users[role], obj_of(world)) for role in ROLES}


def test_who_sees_and_edits_which_base(world):
    own, other = (lambda w: w.base), (lambda w: w.base2)
    assert table(world, authz.can_view_base, own) == dict.fromkeys(ROLES, True)
    assert table(world, authz.can_view_base, other) == {"admin": True, "reviewer": True, "university_coordinator": False,
                                                        "base_coordinator": False, "mentor": False}
    assert table(world, authz.can_edit_base, own) == {"admin": True, "reviewer": False, "university_coordinator": True,
                                                      "base_coordinator": True, "mentor": False}
    assert not any(authz.can_edit_base(world.users[r], world.base2) for r in ROLES if r != "admin")


def test_who_creates_bases_and_for_which_university(world):
    assert authz.can_create_base(world.admin, world.uni2)
    assert authz.can_create_base(world.unicoord, world.uni) and not authz.can_create_base(world.unicoord, world.uni2)
    assert not any(authz.can_create_base(world.users[r]) for r in ("reviewer", "base_coordinator", "mentor"))


def test_universities_enterprises_and_the_system(world):
    assert table(world, authz.can_edit_university, lambda w: w.uni) == {
        "admin": True, "reviewer": False, "university_coordinator": True, "base_coordinator": False, "mentor": False}
    assert not authz.can_edit_university(world.unicoord, world.uni2)
    assert authz.can_view_university(world.reviewer, world.uni2) and not authz.can_view_university(world.unicoord,
                                                                                                   world.uni2)
    assert {r for r in ROLES if authz.can_edit_enterprise(world.users[r])} == {"admin", "university_coordinator"}
    assert {r for r in ROLES if authz.can_manage_system(world.users[r])} == {"admin"}
    assert {r for r in ROLES if authz.can_view_audit(world.users[r])} == {"admin"}
    assert not authz.can_manage_system(None) and not authz.can_view_base(None, world.base)


@pytest.mark.parametrize("role, codes", [
    ("admin", ["SF-AP-01", "SL-SO-01"]), ("reviewer", ["SF-AP-01", "SL-SO-01"]),
    ("university_coordinator", ["SF-AP-01"]), ("base_coordinator", ["SF-AP-01"]), ("mentor", ["SF-AP-01"]),
])
def test_the_sql_scope_agrees_with_the_predicate(world, role, codes):
    user = world.users[role]
    condition = authz.visible_base_filter(user, Base)
    stmt = select(Base.code).order_by(Base.code)
    if condition is not None:
        stmt = stmt.where(condition)
    assert list(db.session.scalars(stmt)) == codes
    assert [b.code for b in (world.base, world.base2) if authz.can_view_base(user, b)] == codes


def test_a_coordinator_without_bases_sees_none(world):
    from registry.auth.models import User

    nobody = User(username="x", role="base_coordinator", password_hash="-")
    assert list(db.session.scalars(select(Base).where(authz.visible_base_filter(nobody, Base)))) == []


def test_allow_refuses_unknown_roles():
    with pytest.raises(ValueError):
        authz.allow("superuser")
