"""Account lists for administrators."""
from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from registry.auth.models import User
from registry.authz import ROLES


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
