from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column, utcnow

SIDES = {"university": _l("University mentor"), "enterprise": _l("Enterprise mentor")}
# Suspension is not a state: it is a dated period (`Suspension`), so the team as of a past day never changes.
APPOINTMENT_STATES = {"active": _l("Active"), "ended": _l("Ended")}


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
    reason: Mapped[str] = mapped_column(String(500), default="")  # why ended

    mentor = relationship(Mentor, back_populates="appointments")
    base = relationship("Base")
    suspensions = relationship("Suspension", back_populates="appointment", order_by="Suspension.starts_on")

    @property
    def open_suspension(self):
        """The suspension not yet resumed, if any (at most one: periods of one appointment never overlap)."""
        return next((s for s in self.suspensions if s.ends_on is None), None)

    def suspended_on(self, day: dt.date):
        """The suspension covering `day`, if any."""
        return next((s for s in self.suspensions if s.covers(day)), None)

    def audit_label(self) -> str:
        return f"{self.mentor_id}@{self.base_id} from {self.starts_on}"


class Suspension(Audited, db.Model):
    """A period (暂停) during which an appointment does not count: from a day through a day (both included),
    or open until resumed (`ends_on` None). It never changes what was true before `starts_on`."""

    __tablename__ = "suspension"
    __table_args__ = (UniqueConstraint("appointment_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="RESTRICT"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)  # = appointment's
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    appointment = relationship(Appointment, back_populates="suspensions")
    recorded_by = relationship("User")

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def audit_label(self) -> str:
        return f"appointment {self.appointment_id} suspended from {self.starts_on}"


STUDENT_LEVELS = {"undergraduate": _l("Undergraduate"), "master": _l("Master's student"),
                  "doctoral": _l("Doctoral student")}
POSTGRADUATE_LEVELS = ("master", "doctoral")
EMPLOYMENT_OUTCOMES = {
    "partner_enterprise": _l("Employed by a partner enterprise"),
    "industry": _l("Employed elsewhere in the industry"),
    "other": _l("Employed outside the industry"),
    "further_study": _l("Further study"),
    "seeking": _l("Still seeking employment"),
}


class Student(Audited, TimestampMixin, db.Model):
    """A student jointly trained at one base (student number unique within the base)."""

    __tablename__ = "student"
    __table_args__ = (UniqueConstraint("base_id", "student_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    student_no: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = enum_column(STUDENT_LEVELS, length=16)
    enrolment_year: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(200), default="")
    # Part in national major projects (国家重大专项、重大工程): the project's name; blank = none.
    major_project: Mapped[str] = mapped_column(String(300), default="")
    graduated_on: Mapped[dt.date | None] = mapped_column(Date)
    employment: Mapped[str | None] = enum_column(EMPLOYMENT_OUTCOMES, length=24, nullable=True)
    employer: Mapped[str] = mapped_column(String(200), default="")

    base = relationship("Base")
    assignments = relationship("MentorAssignment", back_populates="student",
                               order_by="MentorAssignment.starts_on")

    def audit_label(self) -> str:
        return f"{self.name} {self.student_no}"


class MentorAssignment(Audited, TimestampMixin, db.Model):
    """Dual mentors (双导师) of one student over a period: one university and one enterprise mentor."""

    __tablename__ = "mentor_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)  # = student's
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="RESTRICT"), index=True)
    university_mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="RESTRICT"), index=True)
    enterprise_mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(String(500), default="")

    student = relationship(Student, back_populates="assignments")
    university_mentor = relationship(Mentor, foreign_keys=[university_mentor_id])
    enterprise_mentor = relationship(Mentor, foreign_keys=[enterprise_mentor_id])

    def audit_label(self) -> str:
        return (f"student {self.student_id}: {self.university_mentor_id}+{self.enterprise_mentor_id} "
                f"from {self.starts_on}")
