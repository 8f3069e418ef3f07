"""Application rounds, submissions with their frozen snapshot, reviews, the life-cycle history of a
base, and its construction plan (targets per indicator and year, annual plans and summaries)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from flask_babel import gettext

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship, validates

from registry.errors import DomainError, _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column
from registry.orgs.models import BASE_STATUSES

CYCLE_YEARS = 3  # a construction cycle's years (registry.checks.lifecycle)


@dataclass(frozen=True)
class ConstructionYear:
    """Construction year `number` (1-3) of a cycle, from `starts_on` to `ends_on`, both included."""

    number: int
    starts_on: dt.date
    ends_on: dt.date

    @property
    def label(self) -> str:
        return gettext("Year %(n)s (%(start)s – %(end)s)", n=self.number, start=self.starts_on.isoformat(),
                       end=self.ends_on.isoformat())

    def __str__(self) -> str:
        return self.label

    def as_json(self) -> dict:
        return {"year": self.number, "from": self.starts_on.isoformat(), "until": self.ends_on.isoformat()}


def construction_years(starts_on: dt.date) -> tuple[ConstructionYear, ...]:
    """The cycle's three construction years, each computed from the cycle's start (never chained:
    from 29 February, year 2 starts on 28 February and year 3 on 28 February too)."""
    return tuple(ConstructionYear(k, starts_on + relativedelta(years=k - 1),
                                  starts_on + relativedelta(years=k) - dt.timedelta(days=1))
                 for k in range(1, CYCLE_YEARS + 1))



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


# The state of one construction cycle: running, in rectification, passed (its evaluation or its
# rectification accepted), or revoked (rectification not accepted).
CYCLE_STATES = {
    "in_construction": _l("In construction cycle"),
    "rectification": _l("Rectification"),
    "passed": _l("Evaluation passed"),
    "revoked": _l("Revoked"),
}
# The evaluation's grades (成效评估): 优秀, 良好, 合格, 不合格; "fail" opens rectification.
GRADES = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "pass": _l("Pass"),
    "fail": _l("Fail"),
}
EVALUATION_KINDS = {"evaluation": _l("Evaluation"), "re_evaluation": _l("Re-evaluation after rectification")}


class Cycle(Audited, TimestampMixin, db.Model):
    """Construction cycle n of a base (建设周期): from its start S to S + 3 years - 1 day, both
    included, in three construction years (see lifecycle.construction_years)."""

    __tablename__ = "construction_cycle"
    __table_args__ = (UniqueConstraint("base_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = enum_column(CYCLE_STATES, default="in_construction")

    # `Base.cycles` (by number) is declared here, by the area that owns cycles: the base list shows
    # the current cycle's number (loaded with selectinload, one query per page).
    base = relationship("Base", backref=backref("cycles", order_by="Cycle.number", viewonly=True))

    @property
    def years(self):
        return construction_years(self.starts_on)

    @property
    def evaluation_from(self) -> dt.date:
        return self.ends_on + dt.timedelta(days=1)

    def audit_label(self) -> str:
        return f"cycle {self.number} {self.starts_on} – {self.ends_on}"


class PlanTarget(Audited, TimestampMixin, db.Model):
    """The construction plan's promise for one indicator in one construction year (1-3) of a cycle."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("cycle_id", "indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("construction_cycle.id", ondelete="RESTRICT"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)  # the construction year's number, 1 to 3
    value: Mapped[int] = mapped_column(Integer)  # a count; the enterprise share in whole percent

    def audit_label(self) -> str:
        return f"{self.indicator} cycle {self.cycle_id} year {self.year} = {self.value}"


class AnnualReport(Versioned, Audited, TimestampMixin, db.Model):
    """The annual plan and summary of one construction year (1-3) of a cycle (年度计划及总结)."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("cycle_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("construction_cycle.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the construction year's number, 1 to 3
    plan: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return f"annual report cycle {self.cycle_id} year {self.year}"


class SummaryReport(Audited, TimestampMixin, db.Model):
    """The summary report (总结报告) of one cycle: what was built against each target, in words,
    beside the registry's counts frozen when it was recorded; the signed document hangs on it as
    evidence (attachable "summary_report")."""

    __tablename__ = "summary_report"
    __table_args__ = (UniqueConstraint("cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("construction_cycle.id", ondelete="RESTRICT"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    overview: Mapped[str] = mapped_column(Text, default="")
    built: Mapped[dict] = mapped_column(JSON, default=dict)  # indicator -> what was built, in words
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # indicator -> targets and counts, frozen

    cycle = relationship(Cycle)

    def audit_label(self) -> str:
        return f"summary report cycle {self.cycle_id}"


class CycleEvaluation(Audited, TimestampMixin, db.Model):
    """The evaluation of a cycle (成效评估: grade, experts, support granted), or the re-evaluation
    that ends its rectification (accepted or not)."""

    __tablename__ = "cycle_evaluation"
    __table_args__ = (UniqueConstraint("cycle_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("construction_cycle.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = enum_column(EVALUATION_KINDS)
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    grade: Mapped[str | None] = enum_column(GRADES, nullable=True)  # the evaluation's
    accepted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # the re-evaluation's
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # rectification deadline (grade "fail")
    support_conditions: Mapped[str] = mapped_column(Text, default="")  # 培养条件
    support_enrolment: Mapped[str] = mapped_column(Text, default="")  # 招生计划
    support_other: Mapped[str] = mapped_column(Text, default="")
    status_change_id: Mapped[int | None] = mapped_column(ForeignKey("status_change.id", ondelete="SET NULL"))

    cycle = relationship(Cycle)
    experts = relationship("EvaluationExpert", back_populates="evaluation", cascade="all, delete-orphan",
                           order_by="EvaluationExpert.id")

    def audit_label(self) -> str:
        return f"{self.kind} cycle {self.cycle_id} {self.grade or self.accepted}"


class EvaluationExpert(Audited, TimestampMixin, db.Model):
    """An expert assigned to an evaluation, with their score (0-100) and opinion."""

    __tablename__ = "evaluation_expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("cycle_evaluation.id", ondelete="CASCADE"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    score: Mapped[int | None] = mapped_column(Integer)
    opinion: Mapped[str] = mapped_column(Text, default="")

    evaluation = relationship(CycleEvaluation, back_populates="experts")

    def audit_label(self) -> str:
        return f"expert {self.name} on evaluation {self.evaluation_id}"


class Objection(Audited, TimestampMixin, db.Model):
    """An objection (异议) received during a public notice (公示), and how it was resolved.
    Recognition waits while one is open (no resolution yet)."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="SET NULL"))
    raised_by: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)

    def open_on(self, day: dt.date) -> bool:
        return self.received_on <= day and (self.resolved_on is None or self.resolved_on > day)

    def audit_label(self) -> str:
        return f"objection {self.raised_by} {self.received_on}"


@event.listens_for(Session, "before_flush")
def _snapshots_stay_frozen(session, flush_context, instances):
    """A snapshot changed in place (and flagged modified) is refused at flush: history stays as judged."""
    for obj in session.dirty:
        if isinstance(obj, Submission) and "snapshot" in inspect(obj).committed_state:
            raise DomainError(_l("A submission's snapshot is frozen and cannot be changed."))
