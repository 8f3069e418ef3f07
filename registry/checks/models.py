"""Application rounds, submissions with their frozen snapshot, reviews, the life-cycle history of a
base, and its construction plan (targets per indicator and year, annual plans and summaries)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from registry.errors import DomainError, _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column
from registry.orgs.models import BASE_STATUSES

# Default quota per university kind (五(一)): editable per round.
DEFAULT_QUOTAS = {"ministry": 3, "co_built": 2}


class ApplicationRound(Versioned, Audited, TimestampMixin, db.Model):
    """One call for applications (申报), e.g. the 2022 round with its deadline of 2022-11-15."""

    __tablename__ = "application_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    opens_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)  # rule R7 (七): on or before this day
    quota_ministry: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUOTAS["ministry"])  # rule R6 (五(一))
    quota_co_built: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUOTAS["co_built"])
    notes: Mapped[str] = mapped_column(Text, default="")

    reviewer_links = relationship("RoundReviewer", back_populates="round", cascade="all, delete-orphan")

    def quota_for(self, kind: str) -> int:
        return self.quota_ministry if kind == "ministry" else self.quota_co_built

    def audit_base_id(self):
        return None

    def audit_label(self) -> str:
        return f"round {self.year}"


class RoundReviewer(Audited, TimestampMixin, db.Model):
    """A reviewer (评审专家) assigned to read a round's submissions."""

    __tablename__ = "round_reviewer"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("application_round.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    round = relationship(ApplicationRound, back_populates="reviewer_links")
    user = relationship("User")

    def audit_base_id(self):
        return None

    def audit_label(self) -> str:
        return f"reviewer {self.user_id} @ round {self.round_id}"


class Submission(Audited, TimestampMixin, db.Model):
    """A base submitted into a round, with the figures it was judged on frozen as JSON."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("round_id", "base_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("application_round.id", ondelete="RESTRICT"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    # The quota counts per university at the time of submission (a base never changes university).
    university_id: Mapped[int] = mapped_column(ForeignKey("university.id", ondelete="RESTRICT"), index=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    snapshot: Mapped[dict] = mapped_column(JSON)

    round = relationship(ApplicationRound)
    base = relationship("Base")
    university = relationship("University")
    submitted_by = relationship("User")
    reviews = relationship("Review", back_populates="submission", order_by="Review.id")

    @validates("snapshot")
    def _freeze(self, key, value):
        # History is not rewritten: once a snapshot is stored, it is never replaced.
        if self.snapshot is not None:
            raise DomainError(_l("A submission's snapshot is frozen and cannot be changed."))
        return value

    def audit_label(self) -> str:
        return f"submission {self.base_id} @ round {self.round_id}"


class Review(Audited, TimestampMixin, db.Model):
    """A reviewer's opinion and score (0–100) on one submission."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    opinion: Mapped[str] = mapped_column(Text)

    submission = relationship(Submission, back_populates="reviews")
    reviewer = relationship("User")

    def audit_label(self) -> str:
        return f"review {self.reviewer_id} on submission {self.submission_id}"


class StatusChange(Audited, TimestampMixin, db.Model):
    """One step in the life of a base: from, to, the day it took effect, why, and who recorded it.

    Dates a step sets: a public notice's end (`notice_ends_on`), a construction cycle's end
    (`cycle_ends_on`), a rectification's deadline (`deadline`).
    """

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="SET NULL"))
    from_status: Mapped[str] = enum_column(BASE_STATUSES)
    to_status: Mapped[str] = enum_column(BASE_STATUSES)
    effective_on: Mapped[dt.date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(String(500), default="")  # document number or reference
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    notice_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    cycle_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)

    def audit_label(self) -> str:
        return f"{self.from_status} -> {self.to_status} on {self.effective_on}"


class PlanTarget(Audited, TimestampMixin, db.Model):
    """The construction plan's promise for one indicator in one calendar year of the cycle."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("base_id", "indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)  # a count; the enterprise share in whole percent

    def audit_label(self) -> str:
        return f"{self.indicator} {self.year} = {self.value}"


class AnnualReport(Versioned, Audited, TimestampMixin, db.Model):
    """The annual plan and summary of one year of the construction cycle (年度计划及总结)."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("base_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    plan: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return f"annual report {self.year}"


@event.listens_for(Session, "before_flush")
def _snapshots_stay_frozen(session, flush_context, instances):
    """A snapshot changed in place (and flagged modified) is refused at flush: history stays as judged."""
    for obj in session.dirty:
        if isinstance(obj, Submission) and "snapshot" in inspect(obj).committed_state:
            raise DomainError(_l("A submission's snapshot is frozen and cannot be changed."))
