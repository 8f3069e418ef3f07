from __future__ import annotations

import datetime as dt
import hashlib

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.authz import ROLES
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column

user_base = Table(
    "user_base",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("base_id", ForeignKey("base.id", ondelete="CASCADE"), primary_key=True),
)


class User(Audited, TimestampMixin, UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = enum_column(ROLES)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    # Where notifications are e-mailed (none: in the app only).
    email: Mapped[str | None] = mapped_column(String(254))
    university_id: Mapped[int | None] = mapped_column(ForeignKey("university.id", ondelete="SET NULL"))
    # The mentor record a mentor account keeps (no FK constraint name clash: mentors area owns it).
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="SET NULL"))

    university = relationship("University")
    bases = relationship("Base", secondary=user_base, order_by="Base.code")
    mentor = relationship("Mentor")

    def audit_label(self) -> str:
        return self.username

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def base_ids(self) -> frozenset[int]:
        return frozenset(b.id for b in self.bases)

    @property
    def mentor_base_ids(self) -> frozenset[int]:
        """Bases where this account's mentor holds (or held) an appointment."""
        if self.mentor_id is None:
            return frozenset()
        cached = getattr(self, "_mentor_base_ids", None)
        if cached is None:
            from registry.mentors.queries import base_ids_of_mentor  # area boundary, read-only

            cached = self._mentor_base_ids = frozenset(base_ids_of_mentor(self.mentor_id))
        return cached


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(Audited, TimestampMixin, db.Model):
    """A bearer token for /api/v1. Only its sha256 is stored; the audit log shows who made or
    revoked which token (by its prefix), never the token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in the list, to tell tokens apart
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship(User)

    def audit_label(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def user_for_token(token: str) -> User | None:
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    return None if row is None else row.User
