"""The audit log is written by a flush hook, so no service can forget it.

Who acts is put on the session (`set_actor`) by the request gate or the command line; a flush
then records every insert, update and delete of an `Audited` model with old and new values.
"""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry
from registry.cache import CHANGED, NEUTRAL_TABLES
from registry.models_common import ACTOR_KEY, set_actor, utcnow  # noqa: F401 (set_actor: the audit area's API too)
from registry.bulk import insert_rows

# The id is the entry's record_id; a session generation and a row version are bookkeeping.
SKIP_FIELDS = {"id", "created_at", "updated_at", "session_generation", "row_version"}
# Secrets: the log says that they changed, never what they are.
MASKED_FIELDS = {"password_hash", "token_hash"}
MASK = "***"


def plain(value):
    """A JSON-friendly form of a column value, as the audit log stores it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _shown(key, value):
    if key in MASKED_FIELDS and value is not None:
        return MASK
    return plain(value)


def _columns(obj):
    mapper = inspect(obj).mapper
    return [attr for attr in mapper.column_attrs if attr.key not in SKIP_FIELDS]


def _many_to_many(obj):
    """Relationships through an association table (a base's partner enterprises, a user's bases):
    their rows are not audited models, so the owning record's entry carries the change."""
    return [rel for rel in inspect(obj).mapper.relationships if rel.secondary is not None and not rel.viewonly]


def _label(related) -> str:
    label = related.audit_label() if hasattr(related, "audit_label") else None
    return str(label or getattr(related, "id", "") or "")


def _labels(items) -> list[str]:
    return sorted(_label(o) for o in items or ())


def _snapshot(obj, *, new: bool = False) -> dict:
    snap = {attr.key: [None, _shown(attr.key, getattr(obj, attr.key))] for attr in _columns(obj)}
    state = inspect(obj)
    for rel in _many_to_many(obj):
        if new:  # just inserted: what was put in the collection, no query
            items = state.attrs[rel.key].history.added or ()
            if not items:
                loaded = state.attrs[rel.key].loaded_value
                items = () if loaded is NO_VALUE else loaded
        else:
            items = getattr(obj, rel.key)
        snap[rel.key] = [None, _labels(items)]
    return snap


def _diff(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if plain(old) != plain(new):
                changes[attr.key] = [_shown(attr.key, old), _shown(attr.key, new)]
    for rel in _many_to_many(obj):
        hist = state.attrs[rel.key].history
        if hist.has_changes():
            old = _labels(list(hist.unchanged or ()) + list(hist.deleted or ()))
            new = _labels(list(hist.unchanged or ()) + list(hist.added or ()))
            if old != new:
                changes[rel.key] = [old, new]
    return changes


def _entry(session, obj, action, changes, record_id=None):
    actor_id, actor_label = session.info.get(ACTOR_KEY, (None, "system"))
    return {
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "table": obj.__tablename__,
        "record_id": record_id if record_id is not None else getattr(obj, "id", None),
        "record_label": (obj.audit_label() or "")[:200],
        "base_id": obj.audit_base_id(),
        "changes": changes,
    }


@event.listens_for(Session, "before_flush")
def _collect(session, flush_context, instances):
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=True):
            changes = _diff(obj)
            if changes:
                pending.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            snap = {k: [v[1], None] for k, v in _snapshot(obj).items()}
            pending.append(_entry(session, obj, "delete", snap))
    # New rows get their id only after the flush: remember them and finish in after_flush.
    session.info.setdefault("audit_new", []).extend(
        obj for obj in session.new if getattr(obj, "__audited__", False)
    )


@event.listens_for(Session, "after_flush")
def _write(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    for obj in session.info.pop("audit_new", []):
        pending.append(_entry(session, obj, "create", _snapshot(obj, new=True)))
    if pending:
        # Core insert: no ORM objects, so no recursion into this hook.
        session.execute(AuditEntry.__table__.insert(), pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    # A flush that failed leaves its collected entries behind: they must not reach the next flush.
    session.info.pop("audit_pending", None)
    session.info.pop("audit_new", None)


def record_bulk(session, table: str, rows: list[dict]) -> None:
    """Audit rows written by bulk (Core) statements, which bypass the flush hook.

    Each row: {"action": "create"|"update"|"delete", "record_id": int, "label": str,
    "base_id": int|None, "changes": {field: [old, new]}}. Used by spreadsheet imports, where
    writing 10,000 rows one ORM object at a time would be too slow.
    """
    actor_id, actor_label = session.info.get(ACTOR_KEY, (None, "system"))
    if rows:
        now = utcnow()
        insert_rows(session.connection(), AuditEntry.__table__, [
            {"at": now, "actor_id": actor_id, "actor_label": actor_label, "action": r["action"], "table": table,
             "record_id": r.get("record_id"), "record_label": (r.get("label") or "")[:200],
             "base_id": r.get("base_id"), "changes": r.get("changes") or {}}
            for r in rows])
        # Written past the session: the figures cache must still hear of it (see registry/cache.py).
        if table not in NEUTRAL_TABLES:
            session.info[CHANGED] = True
