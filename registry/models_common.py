"""Column helpers shared by every area's models."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Enum, Integer, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def enum_column(values, length: int = 32, **kw):
    """A string-backed enum (VARCHAR, no native type): portable and cheap to extend. Given a dict
    {value: label}, the column keeps the labels (`column.info["labels"]`): the audit log shows them."""
    if isinstance(values, dict):
        kw["info"] = {**kw.get("info", {}), "labels": values}
    return mapped_column(
        Enum(*values, native_enum=False, create_constraint=False, length=length, validate_strings=True),
        **kw,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Audited:
    """Marker: inserts, updates and deletes of this model are written to the audit log.

    `audit_base_id` (optional) tells the audit log which base a row belongs to, for filtering.
    """

    __audited__ = True

    def audit_base_id(self):  # overridden where a row belongs to a base
        return getattr(self, "base_id", None)

    def audit_label(self) -> str:
        return str(getattr(self, "name", None) or getattr(self, "code", None) or getattr(self, "id", ""))


# Who acts in a session, for the audit log (registry/audit/services.py writes the entries). Here,
# beside `Audited`, so that the request and command wiring (web.py, cli_support.py) need not
# import the audit area.
ACTOR_KEY = "audit_actor"


def set_actor(session, user=None, label: str | None = None) -> None:
    session.info[ACTOR_KEY] = (getattr(user, "id", None), label or getattr(user, "username", None) or "system")


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps `row_version` (SQLAlchemy's
    `version_id_col`), so a change made from a stale copy fails instead of silently reverting
    someone else's. Edit forms carry the version they were opened at (`forms_support.save_form`).
    Bulk (Core) updates bump it themselves (`imports.engine.bulk_update`)."""

    row_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.row_version}


@event.listens_for(Session, "before_flush")
def _collections_count_as_changes(session, flush_context, instances):
    """A change of only a many-to-many collection (a base's partner enterprises, a user's bases)
    writes no row of the owner, so its version would not move: touch the owner so it does."""
    for obj in session.dirty:
        if (isinstance(obj, Versioned) and session.is_modified(obj, include_collections=True)
                and not session.is_modified(obj, include_collections=False)):
            obj.updated_at = utcnow()
