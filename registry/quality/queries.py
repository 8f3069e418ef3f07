"""What other areas read from quality: conflicts of interest (a reviewer's declared affiliation with
a base's university or partner enterprise), a base's experts and quality records."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.orgs.models import Base, Enterprise, University, base_enterprise
from registry.quality.models import ExpertAssignment, QualityRecord, ReviewerAffiliation


@dataclass(frozen=True)
class Conflict:
    """Reviewer `user_id` may not review base `base_id`: they declared `organisation`, which is the
    base's university (`side` "university") or one of its partner enterprises ("enterprise")."""

    user_id: int
    base_id: int
    side: str
    organisation: str


def conflicts(user_ids, base_ids) -> dict[tuple[int, int], list[Conflict]]:
    """{(user_id, base_id): the conflicts} for every pair that has one. Two queries, whatever the
    number of reviewers and bases."""
    users, bases = list(user_ids), list(base_ids)
    if not users or not bases:
        return {}
    by_university = (select(ReviewerAffiliation.user_id, Base.id, University.name)
                     .join(Base, Base.university_id == ReviewerAffiliation.university_id)
                     .join(University, University.id == Base.university_id)
                     .where(ReviewerAffiliation.user_id.in_(users), Base.id.in_(bases)))
    by_enterprise = (select(ReviewerAffiliation.user_id, base_enterprise.c.base_id, Enterprise.name)
                     .join(base_enterprise, base_enterprise.c.enterprise_id == ReviewerAffiliation.enterprise_id)
                     .join(Enterprise, Enterprise.id == base_enterprise.c.enterprise_id)
                     .where(ReviewerAffiliation.user_id.in_(users), base_enterprise.c.base_id.in_(bases)))
    result: dict[tuple[int, int], list[Conflict]] = {}
    for side, stmt in (("university", by_university), ("enterprise", by_enterprise)):
        for user_id, base_id, name in db.session.execute(stmt):
            result.setdefault((user_id, base_id), []).append(Conflict(user_id, base_id, side, name))
    for found in result.values():
        found.sort(key=lambda c: (c.side != "university", c.organisation))
    return result


def affiliations_of(user_id: int) -> list[ReviewerAffiliation]:
    return list(db.session.scalars(
        select(ReviewerAffiliation).options(selectinload(ReviewerAffiliation.university),
                                            selectinload(ReviewerAffiliation.enterprise))
        .where(ReviewerAffiliation.user_id == user_id).order_by(ReviewerAffiliation.id)))


def experts_of(base_id: int) -> list[ExpertAssignment]:
    return list(db.session.scalars(
        select(ExpertAssignment).options(selectinload(ExpertAssignment.user))
        .where(ExpertAssignment.base_id == base_id)
        .order_by(ExpertAssignment.purpose, ExpertAssignment.assigned_on, ExpertAssignment.id)))


def records_of(base_id: int) -> list[QualityRecord]:
    return list(db.session.scalars(select(QualityRecord).where(QualityRecord.base_id == base_id)
                                   .order_by(QualityRecord.held_on.desc(), QualityRecord.id.desc())))
