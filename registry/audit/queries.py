from __future__ import annotations

from sqlalchemy import select

from registry.audit.models import AuditEntry


def audit_entries(table: str | None = None, actor: str | None = None, base_id: int | None = None,
                  record_id: int | None = None, action: str | None = None):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if table:
        stmt = stmt.where(AuditEntry.table == table)
    if actor:
        stmt = stmt.where(AuditEntry.actor_label == actor)
    if base_id:
        stmt = stmt.where(AuditEntry.base_id == base_id)
    if record_id:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt
