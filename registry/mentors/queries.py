"""Mentor lists and counts other areas read. The ratio lives here: one source of truth for the
base page, the ministry-wide page, the API, the command line, the exports and rule R2."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import and_, case, distinct, func, or_, select

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor
from registry.orgs.models import Base


def find_mentor(organisation: str, staff_no: str) -> Mentor | None:
    return db.session.scalar(select(Mentor).where(Mentor.organisation == organisation, Mentor.staff_no == staff_no))


def base_ids_of_mentor(mentor_id: int) -> list[int]:
    return list(db.session.scalars(select(Appointment.base_id).where(Appointment.mentor_id == mentor_id).distinct()))


def active_on(as_of: dt.date):
    """SQL condition: an appointment counts on `as_of` (start ≤ date ≤ end or open, not suspended)."""
    return and_(Appointment.starts_on <= as_of,
                or_(Appointment.ends_on.is_(None), Appointment.ends_on >= as_of),
                Appointment.state != "suspended")


@dataclass(frozen=True)
class Ratio:
    """Enterprise mentors against the whole team of one base on one day (rule R2, 四(二))."""

    base_id: int
    code: str
    name: str
    as_of: dt.date
    enterprise: int
    university: int

    @property
    def total(self) -> int:
        return self.enterprise + self.university

    @property
    def meets_requirement(self) -> bool:
        # Exact integer arithmetic: 10 of 30 passes, 33 of 100 fails; an empty team fails.
        return self.total > 0 and 3 * self.enterprise >= self.total

    @property
    def share(self) -> Fraction:
        return Fraction(self.enterprise, self.total) if self.total else Fraction(0)

    @property
    def share_display(self) -> float:
        """Rounded to 4 places, for display only; never decide with it."""
        return round(float(self.share), 4)

    @property
    def shortfall(self) -> int:
        """Enterprise mentors to add (keeping the others) to reach one third: 3(e+x) ≥ t+x."""
        need = self.total - 3 * self.enterprise
        return max(0, -(-need // 2)) if self.total else 1

    def as_json(self) -> dict:
        return {"base": self.code, "name": self.name, "enterprise_mentors": self.enterprise,
                "university_mentors": self.university, "total_mentors": self.total,
                "enterprise_share": self.share_display, "meets_requirement": self.meets_requirement}


def ratio_as_of(as_of: dt.date, base_ids=None) -> list[Ratio]:
    """The ratio of every base (or of `base_ids`), sorted by code, in one query.

    Counts distinct people: a renewal at one base counts once, a person at two bases at each.
    """
    counted = (select(Appointment.base_id, Appointment.mentor_id, Mentor.side)
               .join(Mentor, Mentor.id == Appointment.mentor_id)
               .where(active_on(as_of))
               .subquery())
    stmt = (select(Base.id, Base.code, Base.name,
                   func.count(distinct(case((counted.c.side == "enterprise", counted.c.mentor_id)))),
                   func.count(distinct(case((counted.c.side == "university", counted.c.mentor_id)))))
            .outerjoin(counted, counted.c.base_id == Base.id)
            .group_by(Base.id, Base.code, Base.name)
            .order_by(Base.code))
    if base_ids is not None:
        stmt = stmt.where(Base.id.in_(list(base_ids)))
    return [Ratio(r[0], r[1], r[2], as_of, r[3], r[4]) for r in db.session.execute(stmt)]


def ratio_of_base(base, as_of: dt.date) -> Ratio:
    return ratio_as_of(as_of, [base.id])[0]
