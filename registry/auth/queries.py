"""Account lists for administrators, and the session's user."""
from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from registry.auth.models import User, parse_session_id
from registry.authz import ROLES
from registry.extensions import db


def load_user(user_id):
    """Flask-Login's user loader (registered by the area's setup()): the session's user, if its
    session was not ended (logout, password change or reset, deactivation)."""
    parsed = parse_session_id(user_id)
    if parsed is None:  # not written by this version (or tampered with): no user
        return None
    user = db.session.get(User, parsed[0])
    if user is None or not user.active or (user.session_generation or 0) != parsed[1]:
        return None  # the session was ended (logout, password change or reset, deactivation)
    return user


def users(q: str | None = None, role: str | None = None, state: str | None = None):
    """Accounts by username, filtered by text, role and state (active / inactive), scope eager-loaded."""
    stmt = (select(User).options(selectinload(User.bases), selectinload(User.university), selectinload(User.mentor))
            .order_by(User.username))
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role:
        stmt = stmt.where(User.role == role) if role in ROLES else stmt.where(false())
    if state == "active":
        stmt = stmt.where(User.active.is_(True))
    elif state == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return stmt


def chosen_user(user_id) -> User | None:
    """The account a form's choice names, or None when nothing was chosen."""
    return db.session.get(User, user_id) if user_id else None
