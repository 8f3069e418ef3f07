from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column

SIDES = {"university": _l("University mentor"), "enterprise": _l("Enterprise mentor")}
APPOINTMENT_STATES = {"active": _l("Active"), "suspended": _l("Suspended"), "ended": _l("Ended")}


class Mentor(Audited, TimestampMixin, db.Model):
    """One person, identified by (organisation, staff number), whatever bases they serve."""

    __tablename__ = "mentor"
    __table_args__ = (UniqueConstraint("organisation", "staff_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = enum_column(SIDES, length=16)
    organisation: Mapped[str] = mapped_column(String(200))
    staff_no: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(100), default="")
    degree: Mapped[str] = mapped_column(String(100), default="")
    expertise: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")  # normalised: 11 digits
    biography: Mapped[str] = mapped_column(Text, default="")

    appointments = relationship("Appointment", back_populates="mentor", order_by="Appointment.starts_on")


class Appointment(Audited, TimestampMixin, db.Model):
    """A mentor's membership of one base's team over time. Renewals are further rows."""

    __tablename__ = "appointment"
    __table_args__ = (UniqueConstraint("base_id", "mentor_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    state: Mapped[str] = enum_column(APPOINTMENT_STATES, length=16, default="active")
    reason: Mapped[str] = mapped_column(String(500), default="")  # why suspended or ended

    mentor = relationship(Mentor, back_populates="appointments")
    base = relationship("Base")

    def audit_label(self) -> str:
        return f"{self.mentor_id}@{self.base_id} from {self.starts_on}"
