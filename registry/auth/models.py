from __future__ import annotations

import datetime as dt
import hashlib

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from registry.authz import ROLES
from registry.extensions import db
from registry.mentors.queries import base_ids_of_mentor
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column, utcnow

user_base = Table(
    "user_base",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("base_id", ForeignKey("base.id", ondelete="CASCADE"), primary_key=True),
)


class User(Versioned, Audited, TimestampMixin, UserMixin, db.Model):
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
    # Part of every login session's id (see get_id): raising it ends all of this user's sessions,
    # in every process at once (logout, password change or reset, deactivation).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    university = relationship("University")
    bases = relationship("Base", secondary=user_base, order_by="Base.code")
    mentor = relationship("Mentor")

    def audit_label(self) -> str:
        return self.username

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session generation it was made in."""
        return session_id(self.id, self.session_generation or 0)

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
            cached = self._mentor_base_ids = frozenset(base_ids_of_mentor(self.mentor_id))
        return cached


def session_id(user_id: int, generation: int) -> str:
    return f"{user_id}.{generation}"


def parse_session_id(value) -> tuple[int, int] | None:
    """(user id, generation) of a session's user id, None when it is not one we wrote."""
    user_id, sep, generation = str(value or "").partition(".")
    if not sep or not user_id.isdigit() or not generation.isdigit() or len(user_id + generation) > 30:
        return None
    return int(user_id), int(generation)


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
    # Written at most once a day per token (see touch_token), so reading through the API stays cheap.
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The last day the token works (None: until revoked).
    expires_on: Mapped[dt.date | None] = mapped_column(Date)

    user = relationship(User)

    def audit_label(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < dt.date.today()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired


def token_owner(token: str) -> tuple[User | None, str | None]:
    """(the owner, None) for a working token, else (None, "invalid_token" | "token_expired")."""
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None, "invalid_token"
    if row.ApiToken.expired:
        return None, "token_expired"
    touch_token(row.ApiToken)
    return row.User, None


def user_for_token(token: str) -> User | None:
    return token_owner(token)[0]


def touch_token(token: ApiToken) -> None:
    """Note that the token was used today: one UPDATE a day per token at most, committed on its own
    (a Core statement: not an audited change)."""
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.timezone.utc)  # SQLite keeps no zone; we write UTC
    if last is not None and last.date() >= now.date():
        return
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False  # the owner just loaded stays loaded: no extra queries
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
    set_committed_value(token, "last_used_at", now)
