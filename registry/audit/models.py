from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models_common import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120))  # kept even if the user is deleted
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete
    table: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_label: Mapped[str] = mapped_column(String(200), default="")
    base_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: outlives the base
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> [old, new]
