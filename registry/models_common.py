"""Column helpers shared by every area's models."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import DateTime, Enum, Integer, Text, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType, TypeDecorator


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


# ---- a long list of ids as ONE bound parameter -------------------------------------------------

class IdList(TypeDecorator):
    """A list of integer ids bound as one value: a PostgreSQL integer array, JSON text on SQLite."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(ARRAY(Integer) if dialect.name == "postgresql" else Text())

    def process_bind_param(self, value, dialect):
        ids = [int(i) for i in value]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class IdsIn(ColumnElement):
    """`column IN ids` with the ids as one parameter, however many there are."""

    inherit_cache = True
    type = NullType()  # not Boolean: SQLite would compare it with 1 and lose the index
    # Both parts in the statement's cache key: the SQL is compiled once, the ids bound each time.
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, ids):
        self.column = column
        self.ids = bindparam(None, list(ids), type_=IdList(), unique=True)


@compiles(IdsIn)
def _ids_in_sqlite(element, compiler, **kw):
    return (f"{compiler.process(element.column, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(element.ids, **kw)}))")


@compiles(IdsIn, "postgresql")
def _ids_in_postgresql(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.ids, **kw)})"


# Below this many ids a plain IN list is as quick and reads better in the logs.
FEW_IDS = 64


def ids_in(column, ids):
    """The condition `column IN ids`. SQLAlchemy renders every id of an IN list as its own bound
    parameter, and the driver then parses them all, on every execution: for the 2,000 bases of the
    all-bases figures at ten times national scale that was a fifth of the dashboard's time."""
    ids = list(ids)
    if len(ids) <= FEW_IDS:
        return column.in_(ids)
    return IdsIn(column, ids)
