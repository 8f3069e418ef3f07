"""The notifications a user reads: newest first, filtered by kind and state."""
from __future__ import annotations

from sqlalchemy import select

from registry.notify.models import Notification

STATES = ("unread", "read")


def notifications_of(user_id: int, *, kind: str | None = None, state: str | None = None):
    stmt = select(Notification).where(Notification.user_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if state == "unread":
        stmt = stmt.where(Notification.read_at.is_(None))
    elif state == "read":
        stmt = stmt.where(Notification.read_at.is_not(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
