from __future__ import annotations

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.orgs.models import Base

ACTIONS = ("create", "update", "delete")


def audited_tables() -> list[str]:
    """The record types the audit log can hold: every table of an `Audited` model."""
    return sorted({mapper.local_table.name for mapper in db.Model.registry.mappers
                   if getattr(mapper.class_, "__audited__", False)})


def audit_entries(table: str | None = None, actor: str | None = None, base_id: int | None = None,
                  record_id: int | None = None, action: str | None = None):
    """Newest first. `actor` matches part of the acting user's name (a CLI run is `cli:ACCOUNT`)."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if table:
        stmt = stmt.where(AuditEntry.table == table)
    if actor and actor.strip():
        stmt = stmt.where(AuditEntry.actor_label.ilike(f"%{actor.strip()}%"))
    if base_id is not None:
        stmt = stmt.where(AuditEntry.base_id == base_id)
    if record_id:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt


def base_codes(base_ids) -> dict[int, str]:
    """{base id: code} for the entries on one page (one query; deleted bases are simply missing)."""
    ids = {i for i in base_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(Base.id, Base.code).where(Base.id.in_(ids))).all())
