"""In-app notifications (one row per user and event, never two: the unique key) and each user's choices."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column, utcnow

# none: not to be e-mailed (no address, e-mail off, kind not chosen, no mail server);
# pending: to be e-mailed (again, after a failure); sent: it went out in a digest.
EMAIL_STATES = ("none", "pending", "sent")


class Notification(db.Model):
    """What one user was told about one event. Written by `notify send`, not audited (the events' own
    facts are); `params` are rendered in the reader's language when shown."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "kind", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    event_key: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JSON)
    link_endpoint: Mapped[str] = mapped_column(String(100))
    link_args: Mapped[dict] = mapped_column(JSON)
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    email_state: Mapped[str] = enum_column(EMAIL_STATES, length=16, default="none", index=True)
    # A run claims the pending rows it is e-mailing (token and time), so that two runs never send one twice.
    email_claim: Mapped[str | None] = mapped_column(String(40))
    email_claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str] = mapped_column(String(500), default="")


class NotificationSetting(Audited, TimestampMixin, db.Model):
    """A user's choices: e-mail on or off, and the kinds they do not want by e-mail (the app shows all)."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    email_kinds_off: Mapped[list] = mapped_column(JSON, default=list)

    def audit_label(self) -> str:
        return f"notification settings of user {self.user_id}"
