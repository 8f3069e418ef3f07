"""Governance records of a base (四(二), 四(四)): the cooperation agreement, the jointly written
training plan, the two-way exchange arrangement, the working group and its members, and the
regulations in the seven areas.

Dates are inclusive: a record with `valid_until` D is still in force on D, not on D + 1.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column

# The seven areas of rules (规章制度) named by 四(四); rule R5 needs one in force in each.
REGULATION_AREAS = {
    "base_building": _l("Base building"),
    "joint_training": _l("Joint training"),
    "mentor_management": _l("Mentor management"),
    "student_management": _l("Student management"),
    "cooperation_exchange": _l("Cooperation and exchange"),
    "secondment": _l("Secondment"),
    "quality_evaluation": _l("Quality evaluation"),
}

MEMBER_SIDES = {"university": _l("University"), "enterprise": _l("Enterprise")}
GROUP_ROLES = {"leader": _l("Group leader"), "deputy_leader": _l("Deputy leader"), "member": _l("Member"),
               "secretary": _l("Secretary")}


class CooperationAgreement(Versioned, Audited, TimestampMixin, db.Model):
    """合作协议: signed on a date, in force until its expiry (open-ended when none)."""

    __tablename__ = "cooperation_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(100), default="")
    parties: Mapped[str] = mapped_column(Text, default="")  # one signing party per line
    signed_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.title


class TrainingPlan(Versioned, Audited, TimestampMixin, db.Model):
    """人才培养方案, written jointly; the latest version adopted on or before a day is in force."""

    __tablename__ = "training_plan"
    __table_args__ = (UniqueConstraint("base_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    adopted_on: Mapped[dt.date] = mapped_column(Date)
    authors: Mapped[str] = mapped_column(Text, default="")  # who wrote it, from both sides
    notes: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return f"{self.title} {self.version}"


class ExchangeArrangement(Versioned, Audited, TimestampMixin, db.Model):
    """The established two-way exchange arrangement (双向交流机制) of 四(二)."""

    __tablename__ = "exchange_arrangement"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.title


class WorkingGroup(Versioned, Audited, TimestampMixin, db.Model):
    """建设工作组: one per base, with members from both sides over time."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date)
    remit: Mapped[str] = mapped_column(Text, default="")

    members = relationship("WorkingGroupMember", back_populates="group", cascade="all, delete-orphan",
                           order_by="WorkingGroupMember.from_on")


class WorkingGroupMember(Versioned, Audited, TimestampMixin, db.Model):
    __tablename__ = "working_group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = enum_column(MEMBER_SIDES, length=16)
    organisation: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(100), default="")  # post held at the employer
    group_role: Mapped[str] = enum_column(GROUP_ROLES, length=16, default="member")
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="SET NULL"))
    from_on: Mapped[dt.date] = mapped_column(Date)
    until_on: Mapped[dt.date | None] = mapped_column(Date)

    group = relationship(WorkingGroup, back_populates="members")
    mentor = relationship("Mentor")  # the roster person, when linked

    def audit_base_id(self):
        return self.group.base_id if self.group is not None else None


class Regulation(Versioned, Audited, TimestampMixin, db.Model):
    """A rule (规章制度) in one of the seven areas, in force from issue until `valid_until`."""

    __tablename__ = "regulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    area: Mapped[str] = enum_column(REGULATION_AREAS, length=32)
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.title
