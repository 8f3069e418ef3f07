"""Quality records of a base, reviewers' affiliations and the experts assigned to a base."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column

QUALITY_KINDS = {
    "site_visit": _l("Site visit during review"),
    "self_assessment": _l("Self-assessment"),
    "third_party_assessment": _l("Third-party assessment"),
    "supervision_visit": _l("Supervision visit"),
}
# Recorded by the ministry (administrators) only: its experts' visits. A base records its own
# self-assessments and the third-party assessments it commissioned (the ministry may too).
MINISTRY_KINDS = ("site_visit", "supervision_visit")

EXPERT_PURPOSES = {
    "application_review": _l("Application review"),
    "site_visit": _l("Site visit"),
    "evaluation": _l("Evaluation"),
    "supervision": _l("Supervision"),
}


class QualityRecord(Audited, TimestampMixin, db.Model):
    """One quality-assurance event of a base: who looked, when, what they found."""

    __tablename__ = "quality_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = enum_column(QUALITY_KINDS, length=32)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    experts: Mapped[str] = mapped_column(Text, default="")  # names, one per line
    assessor: Mapped[str] = mapped_column(String(200), default="")  # the third party, or who assessed
    findings: Mapped[str] = mapped_column(Text)
    recommendations: Mapped[str] = mapped_column(Text, default="")

    base = relationship("Base")

    def audit_label(self) -> str:
        return f"{self.kind} {self.held_on}"


class ReviewerAffiliation(Audited, TimestampMixin, db.Model):
    """A university or an enterprise a reviewer belongs to (works for, is paid by): they never
    review a base of it."""

    __tablename__ = "reviewer_affiliation"
    __table_args__ = (CheckConstraint("(university_id IS NULL) <> (enterprise_id IS NULL)",
                                      name="one_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    university_id: Mapped[int | None] = mapped_column(ForeignKey("university.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)

    user = relationship("User")
    university = relationship("University")
    enterprise = relationship("Enterprise")

    @property
    def organisation(self):
        return self.university if self.university_id is not None else self.enterprise

    def audit_label(self) -> str:
        org = self.organisation
        return f"{self.user_id}: {org.name if org is not None else ''}"


class ExpertAssignment(Audited, TimestampMixin, db.Model):
    """A reviewer (评审专家) assigned to a base for a purpose: the application's review, a site visit,
    the evaluation, supervision."""

    __tablename__ = "expert_assignment"
    __table_args__ = (UniqueConstraint("base_id", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = enum_column(EXPERT_PURPOSES, length=32)
    assigned_on: Mapped[dt.date] = mapped_column(Date)

    user = relationship("User")

    def audit_label(self) -> str:
        return f"expert {self.user_id} @ base {self.base_id} ({self.purpose})"
