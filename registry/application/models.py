"""The application (申报) as the base's coordinator writes it while the base is prepared: the
construction plan (建设规划, targets per indicator per construction year) and the narrative parts of
the form 《工业和信息化部校企协同育人示范基地建设申请书》; and the form frozen with a submission."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from registry.errors import DomainError, _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin

# The narrative parts of the form, in the form's order: field -> label.
NARRATIVE = {
    "goals": _l("Construction goals"),  # 建设目标
    "content": _l("Construction content"),  # 建设内容
    "safeguards": _l("Safeguards"),  # 保障措施
    "funding": _l("Funding"),  # 经费投入
}
CONTACTS = {
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact telephone"),
    "contact_email": _l("Contact e-mail"),
}
OPINIONS = {
    "university_opinion": _l("The university's opinion"),
    "enterprise_opinion": _l("The enterprise's opinion"),
}
PLAN_YEARS = (1, 2, 3)  # construction years of the cycle the plan is for


class ApplicationPlan(Audited, TimestampMixin, db.Model):
    """The base's application draft: narrative parts and targets {indicator: {"1": n, "2": n, "3": n}}."""

    __tablename__ = "application_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), unique=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    safeguards: Mapped[str] = mapped_column(Text, default="")
    funding: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    university_opinion: Mapped[str] = mapped_column(Text, default="")
    enterprise_opinion: Mapped[str] = mapped_column(Text, default="")
    targets: Mapped[dict] = mapped_column(JSON, default=dict)

    base = relationship("Base")

    def as_json(self) -> dict:
        data = {k: getattr(self, k) or "" for k in (*NARRATIVE, *CONTACTS, *OPINIONS)}
        data["targets"] = {k: dict(v) for k, v in (self.targets or {}).items()}
        return data

    def audit_label(self) -> str:
        return f"application plan of base {self.base_id}"


class FrozenForm(TimestampMixin, db.Model):
    """The form's content as submitted (plan, figures, named people, evidence list): the document
    reviewers read is rendered from it, so it never changes under them. Not audited itself: it is
    a copy of the registry taken with the (audited) submission."""

    __tablename__ = "application_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), unique=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    data: Mapped[dict] = mapped_column(JSON)

    submission = relationship("Submission")

    @validates("data")
    def _freeze(self, key, value):
        if self.data is not None:
            raise DomainError(_l("A submitted application form is frozen and cannot be changed."))
        return value

    def audit_label(self) -> str:
        return f"application form of submission {self.submission_id}"


@event.listens_for(Session, "before_flush")
def _forms_stay_frozen(session, flush_context, instances):
    for obj in session.dirty:
        if isinstance(obj, FrozenForm) and "data" in inspect(obj).committed_state:
            raise DomainError(_l("A submitted application form is frozen and cannot be changed."))


class ReviewIndicator(Audited, TimestampMixin, db.Model):
    """One of a round's review indicators (评审指标), with its weight; a reviewer scores each 0–100
    and the review's score is the weighted mean."""

    __tablename__ = "review_indicator"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("application_round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def audit_label(self) -> str:
        return f"indicator {self.name} ({self.weight}) @ round {self.round_id}"


class IndicatorScore(Audited, TimestampMixin, db.Model):
    """A reviewer's score (0–100) on one indicator, part of their review of a submission."""

    __tablename__ = "indicator_score"
    __table_args__ = (UniqueConstraint("review_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("review_indicator.id", ondelete="RESTRICT"), index=True)
    score: Mapped[int] = mapped_column(Integer)

    def audit_label(self) -> str:
        return f"score {self.score} on indicator {self.indicator_id} in review {self.review_id}"
