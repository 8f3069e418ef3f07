from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column

UNIVERSITY_KINDS = {"ministry": _l("Ministry-affiliated"), "co_built": _l("Co-built with a province")}

SECTORS = {
    "aviation": _l("Aviation"),
    "aerospace": _l("Aerospace"),
    "ordnance": _l("Ordnance"),
    "shipbuilding": _l("Shipbuilding"),
    "nuclear": _l("Nuclear"),
    "military_electronics": _l("Military electronics"),
    "core_technology": _l("Core technology"),
}

FIELDS = {
    "energetic_materials": _l("Energetic materials"),
    "aerospace_propulsion": _l("Aerospace propulsion"),
    "ict": _l("New-generation information and communication technology"),
    "key_software": _l("Key software"),
    "new_materials": _l("New materials"),
    "aeroengines_gas_turbines": _l("Aero-engines and gas turbines"),
    "ships_ocean": _l("Ships and ocean engineering"),
    "ai": _l("Artificial intelligence"),
    "integrated_circuits": _l("Integrated circuits"),
    "ordnance": _l("Ordnance science and technology"),
}

# The life of a base (domain.md). The checks area owns the transitions between them.
BASE_STATUSES = {
    "preparing": _l("Preparing application"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "public_notice": _l("Public notice"),
    "recognised": _l("Recognised"),
    "in_construction": _l("In construction cycle"),
    "rectification": _l("Rectification"),
    "passed": _l("Evaluation passed"),
    "revoked": _l("Revoked"),
    "not_recognised": _l("Not recognised"),
}

base_enterprise = Table(
    "base_enterprise",
    db.metadata,
    Column("base_id", ForeignKey("base.id", ondelete="CASCADE"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprise.id", ondelete="RESTRICT"), primary_key=True),
)


class University(Versioned, Audited, TimestampMixin, db.Model):
    __tablename__ = "university"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = enum_column(UNIVERSITY_KINDS)
    province: Mapped[str] = mapped_column(String(50), default="")

    bases = relationship("Base", back_populates="university", order_by="Base.code")


class Enterprise(Versioned, Audited, TimestampMixin, db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str | None] = enum_column(SECTORS, nullable=True)
    scale: Mapped[str] = mapped_column(String(200), default="")  # e.g. employees, revenue
    rd_focus: Mapped[str] = mapped_column(Text, default="")
    # Practice conditions offered (R8): projects, courses, sites, labs, living support.
    practice_conditions: Mapped[str] = mapped_column(Text, default="")


class Base(Versioned, Audited, TimestampMixin, db.Model):
    __tablename__ = "base"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = enum_column(FIELDS)
    university_id: Mapped[int] = mapped_column(ForeignKey("university.id", ondelete="RESTRICT"), index=True)
    cooperation_since: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = enum_column(BASE_STATUSES, default="preparing")
    # Roster rule: more students than this per mentor is flagged on the roster page.
    max_students_per_mentor: Mapped[int] = mapped_column(Integer, default=5)
    description: Mapped[str] = mapped_column(Text, default="")
    # Rule R1 (四(一)): took part in the Excellent Engineer programme (卓越工程师计划).
    excellent_engineer_programme: Mapped[bool] = mapped_column(Boolean, default=False)

    university = relationship(University, back_populates="bases")
    enterprises = relationship(Enterprise, secondary=base_enterprise, order_by=Enterprise.name)

    def audit_base_id(self):
        return self.id

    def audit_label(self) -> str:
        return f"{self.code} {self.name}"
