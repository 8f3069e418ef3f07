"""Mentor lists and counts other areas read. The ratio lives here: one source of truth for the
base page, the ministry-wide page, the API, the command line, the exports and rule R2."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import and_, case, distinct, exists, func, not_, or_, select

from registry import cache
from registry.authz import visible_base_filter
from registry.errors import DomainError, _l
from registry.extensions import db
from registry.forms_support import options
from registry.mentors.models import (POSTGRADUATE_LEVELS, Appointment, Mentor, MentorAssignment as A, Student,
                                     Suspension)
from registry.models_common import ids_in
from registry.orgs.models import Base
from registry.periods import calendar_periods, counting_frame, periods_table


def find_mentor(organisation: str, staff_no: str) -> Mentor | None:
    return db.session.scalar(select(Mentor).where(Mentor.organisation == organisation, Mentor.staff_no == staff_no))


def base_ids_of_mentor(mentor_id: int) -> list[int]:
    return list(db.session.scalars(select(Appointment.base_id).where(Appointment.mentor_id == mentor_id).distinct()))


# ---- whom a mentor serves, for the permissions (registry.authz fills its hooks with these) ----------

def serves_visible_base(user, mentor) -> bool:
    """Whether the mentor holds (or held) an appointment at a base `user` may see."""
    stmt = (select(func.count()).select_from(Appointment).join(Base, Base.id == Appointment.base_id)
            .where(Appointment.mentor_id == mentor.id))
    scope = visible_base_filter(user, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    return bool(db.session.scalar(stmt))


def serves_only_bases_in_scope(user, mentor) -> bool:
    """Whether every base the mentor serves (or served) is one `user` keeps, and there is one."""
    scope = visible_base_filter(user, Base)
    inside, outside = db.session.execute(
        select(func.count().filter(scope), func.count().filter(not_(scope)))
        .select_from(Appointment).join(Base, Base.id == Appointment.base_id)
        .where(Appointment.mentor_id == mentor.id)).one()
    return inside > 0 and outside == 0


# ---- THE definition of "this appointment counts on day D" ---------------------------------------
# An appointment counts on D when it has begun (start ≤ D), has not ended (no end, or end ≥ D), and no
# suspension period of it covers D (from ≤ D, and no end or end ≥ D). `counts_on` is the SQL form,
# `appointment_counts_on` the Python form, `counting_spans` the same rule as the days an appointment
# counts; every ratio, history, warning, eligibility fact, yearly count and pairing check goes through them.

def counts_on(day):
    """SQL condition on `Appointment`: it counts on `day` (a date or a date column)."""
    return and_(Appointment.starts_on <= day,
                or_(Appointment.ends_on.is_(None), Appointment.ends_on >= day),
                ~exists().where(Suspension.appointment_id == Appointment.id, Suspension.starts_on <= day,
                                or_(Suspension.ends_on.is_(None), Suspension.ends_on >= day)))


def appointment_counts_on(appt, day: dt.date, suspensions=None) -> bool:
    """Python twin of `counts_on`, for one loaded appointment (`suspensions`: its periods, when the caller
    has them already; else `appt.suspensions`)."""
    periods = appt.suspensions if suspensions is None else suspensions
    return (appt.starts_on <= day and (appt.ends_on is None or appt.ends_on >= day)
            and not any(s.starts_on <= day and (s.ends_on is None or s.ends_on >= day) for s in periods))


def covers(spans, start: dt.date, end: dt.date | None) -> bool:
    """Whether the (start, end|None) spans cover every day of [start, end] (end None = open-ended);
    successive spans join up (a renewal continues the appointment before it)."""
    need_end = end or dt.date.max
    day = start
    for s, e in sorted((s, e or dt.date.max) for s, e in spans):
        if s > day:
            break
        if e >= day:
            if e >= need_end:
                return True
            day = e + dt.timedelta(days=1)
    return False


def counting_spans(starts_on: dt.date, ends_on: dt.date | None, suspensions) -> list[tuple[dt.date, dt.date | None]]:
    """The (first, last|None) runs of days on which an appointment counts: its own span less its suspensions.
    A day is inside a run exactly when `appointment_counts_on` is true for it."""
    spans, day = [], starts_on
    for s in sorted(suspensions, key=lambda s: s.starts_on):
        if ends_on is not None and day > ends_on:
            break
        if s.ends_on is not None and s.ends_on < day:
            continue
        if s.starts_on > day:
            last = s.starts_on - dt.timedelta(days=1)
            spans.append((day, last if ends_on is None else min(last, ends_on)))
        if s.ends_on is None:
            return spans
        day = max(day, s.ends_on + dt.timedelta(days=1))
    if ends_on is None or day <= ends_on:
        spans.append((day, ends_on))
    return spans


def suspensions_of(appointment_ids) -> dict[int, list]:
    """The suspension periods of the given appointments, in one query however many there are."""
    ids = list(appointment_ids)
    result: dict[int, list] = {i: [] for i in ids}
    for s in db.session.scalars(select(Suspension).where(ids_in(Suspension.appointment_id, ids))
                                .order_by(Suspension.starts_on)):
        result[s.appointment_id].append(s)
    return result


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
    Written as the plain aggregate a person would write (the conditions in the joins, no derived
    table), so the database walks each base's appointments once, whatever the number of bases.
    """
    stmt = (select(Base.id, Base.code, Base.name,
                   func.count(distinct(case((Mentor.side == "enterprise", Appointment.mentor_id)))),
                   func.count(distinct(case((Mentor.side == "university", Appointment.mentor_id)))))
            .select_from(Base)
            .outerjoin(Appointment, and_(Appointment.base_id == Base.id, counts_on(as_of)))
            .outerjoin(Mentor, Mentor.id == Appointment.mentor_id)
            .group_by(Base.id, Base.code, Base.name)
            .order_by(Base.code))
    if base_ids is not None:
        stmt = stmt.where(ids_in(Base.id, base_ids))
    return [Ratio(r[0], r[1], r[2], as_of, r[3], r[4]) for r in db.session.execute(stmt)]


def ratio_of_bases(as_of: dt.date, base_ids=None) -> list[Ratio]:
    """`ratio_as_of` of every base from the per-day figures cache, narrowed to `base_ids`.

    The ministry page, the API and the exports open this far more often than rosters change.
    """
    rows = cache.cached("ratio", lambda: ratio_as_of(as_of), as_of)
    if base_ids is None:
        return rows
    wanted = set(base_ids)
    return [r for r in rows if r.base_id in wanted]


def ratio_of_base(base, as_of: dt.date) -> Ratio:
    return ratio_as_of(as_of, [base.id])[0]


# ---- the ratio over many days at once --------------------------------------------------------

def _dates_subquery(dates, name: str = "day"):
    """A one-column table (`d`) of the given dates, as a UNION ALL of literals: portable (SQLite, PostgreSQL),
    so a series of days is counted in one statement instead of one query per day."""
    from sqlalchemy import Date, literal, union_all

    parts = [select(literal(d, Date).label("d")) for d in dates]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery(name)


def ratio_series(dates, base_ids=None) -> list[Ratio]:
    """The ratio of every base (or of `base_ids`) on each of `dates`, in ONE query.

    Same counting as `ratio_as_of` (distinct people with an appointment active on the day); rows for
    every (base, day) pair, zeros included, sorted by code then day."""
    from sqlalchemy import true

    dates = sorted(set(dates))
    if not dates or (base_ids is not None and not list(base_ids)):
        return []
    days = _dates_subquery(dates)
    stmt = (select(Base.id, Base.code, Base.name, days.c.d,
                   func.count(distinct(case((Mentor.side == "enterprise", Appointment.mentor_id)))),
                   func.count(distinct(case((Mentor.side == "university", Appointment.mentor_id)))))
            .select_from(Base)
            .join(days, true())
            .outerjoin(Appointment, and_(Appointment.base_id == Base.id, counts_on(days.c.d)))
            .outerjoin(Mentor, Mentor.id == Appointment.mentor_id)
            .group_by(Base.id, Base.code, Base.name, days.c.d)
            .order_by(Base.code, days.c.d))
    if base_ids is not None:
        stmt = stmt.where(ids_in(Base.id, base_ids))
    return [Ratio(r[0], r[1], r[2], _as_date(r[3]), r[4], r[5]) for r in db.session.execute(stmt)]


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def history_window(base, as_of: dt.date, cycle: tuple[dt.date, dt.date] | None = None) -> tuple[dt.date, dt.date]:
    """The base's construction cycle (`cycle`: its first and last day, once recognised) up to `as_of`;
    before a cycle has begun, the later of the cooperation start and three years before `as_of`
    (a cycle lasts three years: domain.md)."""
    from dateutil.relativedelta import relativedelta

    if cycle is not None and cycle[0] <= as_of:
        return cycle[0], min(as_of, cycle[1])
    start = max(base.cooperation_since, as_of - relativedelta(years=3))
    return min(start, as_of), as_of


def history_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """Monthly points: the last day of every month from `start`'s month, and `end` itself last."""
    points = []
    day = _month_end(start)
    while day < end:
        points.append(day)
        day = _month_end(day + dt.timedelta(days=1))
    points.append(end)
    return points


def ratio_history(base, as_of: dt.date, cycle: tuple[dt.date, dt.date] | None = None) -> list[Ratio]:
    """Monthly ratios of one base over its window (see `history_window`), in one query."""
    start, end = history_window(base, as_of, cycle)
    return ratio_series(history_dates(start, end), [base.id])


# ---- early warning ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Period:
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class EndingAppointment:
    appointment_id: int
    mentor_id: int
    name: str
    organisation: str
    side: str
    starts_on: dt.date
    ends_on: dt.date  # the last day it counts: its end, or the day before a suspension begins


@dataclass(frozen=True)
class RatioWarning:
    """Appointments ending soon would take the base below one third (四(二))."""

    base_id: int
    today: dt.date
    horizon: dt.date
    current: Ratio  # the ratio today
    worst: Ratio  # the weakest day within the window, as recorded now (renewals and new appointments included)
    appointments: tuple[EndingAppointment, ...]  # the enterprise appointments whose end causes the drop

    @property
    def to_add(self) -> int:
        """Enterprise mentors to add (active through the weakest day) to stay compliant."""
        return self.worst.shortfall

    def as_json(self) -> dict:
        return {"base": self.current.code, "today": self.today.isoformat(), "horizon": self.horizon.isoformat(),
                "drops_on": self.worst.as_of.isoformat(), "enterprise_mentors_then": self.worst.enterprise,
                "total_mentors_then": self.worst.total, "enterprise_mentors_to_add": self.to_add,
                "appointments": [{"id": a.appointment_id, "mentor": a.name, "organisation": a.organisation,
                                  "ends_on": a.ends_on.isoformat()} for a in self.appointments]}


def warning_days(default: int = 90) -> int:
    from flask import current_app

    try:
        return int(current_app.config.get("RATIO_WARNING_DAYS", default))
    except (RuntimeError, TypeError, ValueError):
        return default


def ratio_warning(base_id: int, today: dt.date, days: int | None = None) -> RatioWarning | None:
    """Whether appointments ending within the next `days` days (ends_on in [today, today + days]), or suspensions
    already recorded to begin by then, would drop the base below one third; None when they would not. See
    `ratio_warnings`."""
    return ratio_warnings([base_id], today, days).get(base_id)


def ratio_warnings(base_ids, today: dt.date, days: int | None = None) -> dict[int, RatioWarning]:
    """The warning of every base in `base_ids` (None: every base) that has one, by base id. Two queries,
    whatever the number of bases and the teams' sizes.

    People whose appointment ends but who hold a following appointment (a renewal) are not dropping out;
    appointments already recorded to start later count from their start. The warning names the enterprise
    appointments that end before the weakest day, and `to_add` says how many enterprise mentors keep the base
    at one third then.
    """
    days = warning_days() if days is None else int(days)
    horizon = today + dt.timedelta(days=max(days, 0))
    if base_ids is not None:
        base_ids = list(base_ids)
        if not base_ids:
            return {}
    # 1. Every appointment, at its base, of the people who may stop counting there in the window: an
    #    appointment of theirs ends in it, or a recorded suspension begins in it. Suspensions in the same query.
    ending = (select(Appointment.base_id, Appointment.mentor_id)
              .where(Appointment.ends_on >= today, Appointment.ends_on <= horizon))
    suspended = (select(Appointment.base_id, Appointment.mentor_id)
                 .join(Suspension, Suspension.appointment_id == Appointment.id)
                 .where(Suspension.starts_on > today, Suspension.starts_on <= horizon + dt.timedelta(days=1)))
    if base_ids is not None:
        ending = ending.where(ids_in(Appointment.base_id, base_ids))
        suspended = suspended.where(ids_in(Appointment.base_id, base_ids))
    people = ending.union(suspended).subquery()
    rows = db.session.execute(
        select(Appointment.id, Appointment.base_id, Appointment.mentor_id, Appointment.starts_on,
               Appointment.ends_on, Mentor.name, Mentor.organisation, Mentor.side,
               Suspension.starts_on.label("s_from"), Suspension.ends_on.label("s_until"))
        .join(people, and_(people.c.base_id == Appointment.base_id, people.c.mentor_id == Appointment.mentor_id))
        .join(Mentor, Mentor.id == Appointment.mentor_id)
        .outerjoin(Suspension, Suspension.appointment_id == Appointment.id)
        .order_by(Appointment.base_id, Appointment.mentor_id, Appointment.starts_on)).all()
    if not rows:
        return {}
    by_person: dict[tuple[int, int], dict[int, tuple]] = {}  # (base, mentor) -> appointment id -> (row, [periods])
    for r in rows:
        entry = by_person.setdefault((r.base_id, r.mentor_id), {}).setdefault(r.id, (r, []))
        if r.s_from is not None:
            entry[1].append(_Period(r.s_from, r.s_until))
    leaving: dict[int, list] = {}  # base -> [(day the person stops counting, the appointment whose counting stops)]
    for (base_id, _mentor), appts in by_person.items():
        runs = sorted(((first, last, r) for r, periods in appts.values()
                       for first, last in counting_spans(r.starts_on, r.ends_on, periods)), key=lambda t: t[0])
        if not any(first <= today and (last is None or last >= today) for first, last, _ in runs):
            continue
        day, last_row = today, None
        for first, last, r in runs:  # walk successive runs (renewals, resumptions join up)
            if first > day:
                break
            if last is None or last >= day:
                last_row = (r, last)
                if last is None:
                    day = None
                    break
                day = last + dt.timedelta(days=1)
        if day is not None and day <= horizon + dt.timedelta(days=1) and last_row is not None:
            r, last = last_row
            leaving.setdefault(base_id, []).append(
                (day, EndingAppointment(r.id, r.mentor_id, r.name, r.organisation, r.side, r.starts_on, last)))
    if not leaving:
        return {}
    # 2. The ratio today and on each day someone stops counting, for every such base, in one query.
    all_days = {today} | {d for pairs in leaving.values() for d, _ in pairs}
    series: dict[tuple[int, dt.date], Ratio] = {(r.base_id, r.as_of): r for r in ratio_series(all_days, list(leaving))}
    warnings = {}
    for base_id, pairs in leaving.items():
        current = series[(base_id, today)]
        later = [series[(base_id, d)] for d in sorted({d for d, _ in pairs})]
        failing = [r for r in later if not r.meets_requirement]
        if not failing:
            continue
        worst = max(failing, key=lambda r: (r.shortfall, -r.as_of.toordinal()))
        if current.meets_requirement is False and worst.shortfall <= current.shortfall:
            continue  # already below one third, and the endings do not make it worse
        named = tuple(sorted((a for d, a in pairs if a.side == "enterprise" and d <= worst.as_of),
                             key=lambda e: (e.ends_on, e.name)))
        warnings[base_id] = RatioWarning(base_id, today, horizon, current, worst, named)
    return warnings


@dataclass(frozen=True)
class EndingAppointmentAt(EndingAppointment):
    """An ending appointment with the base it is at."""

    base_id: int = 0


def appointments_ending(today: dt.date, days: int, base_ids=None) -> list[EndingAppointment]:
    """Appointments ending within `days` days (ends_on in [today, today + days]) that no following
    appointment of the same person at the same base continues (a renewal is not an ending). Two queries."""
    horizon = today + dt.timedelta(days=max(days, 0))
    stmt = (select(Appointment.id, Appointment.base_id, Appointment.mentor_id, Appointment.starts_on,
                   Appointment.ends_on, Mentor.name, Mentor.organisation, Mentor.side)
            .join(Mentor, Mentor.id == Appointment.mentor_id)
            .where(Appointment.ends_on >= today, Appointment.ends_on <= horizon,
                   Appointment.starts_on <= today)
            .order_by(Appointment.ends_on, Appointment.id))
    if base_ids is not None:
        stmt = stmt.where(ids_in(Appointment.base_id, base_ids))
    rows = db.session.execute(stmt).all()
    if not rows:
        return []
    later: dict[tuple[int, int], list] = {}
    for a in db.session.execute(
            select(Appointment.base_id, Appointment.mentor_id, Appointment.starts_on, Appointment.ends_on)
            .where(Appointment.mentor_id.in_({r.mentor_id for r in rows}),
                   Appointment.starts_on > today)):
        later.setdefault((a.base_id, a.mentor_id), []).append(a)
    ending = []
    for r in rows:
        renewed = any(a.starts_on <= r.ends_on + dt.timedelta(days=1)
                      for a in later.get((r.base_id, r.mentor_id), ()))
        if not renewed:
            ending.append(EndingAppointmentAt(r.id, r.mentor_id, r.name, r.organisation, r.side, r.starts_on,
                                              r.ends_on, r.base_id))
    return ending


# ---- the roster --------------------------------------------------------------------------

ROSTER_STATES = ("active", "suspended", "upcoming", "former")


# The roster's sortable columns (`?sort=`): only these, each with its tie-breakers.
ROSTER_SORTS = {
    "name": (Mentor.name, Mentor.id),
    "side": (Mentor.side, Mentor.name, Mentor.id),
    "organisation": (Mentor.organisation, Mentor.name, Mentor.id),
    "title": (Mentor.title, Mentor.name, Mentor.id),
    "staff_no": (Mentor.staff_no, Mentor.id),
}


def roster_statement(base_id: int, as_of: dt.date, *, side: str | None = None, state: str | None = None,
                     q: str | None = None, sort: str | None = None, descending: bool = False):
    """A select of the people on a base's team (any appointment there, past or future), filtered by side,
    by their state on `as_of` (active, suspended, upcoming, former) and by text; enterprise side first."""
    from sqlalchemy import exists

    def appt(*conds):
        return exists().where(Appointment.base_id == base_id, Appointment.mentor_id == Mentor.id, *conds)

    covering = (Appointment.starts_on <= as_of, or_(Appointment.ends_on.is_(None), Appointment.ends_on >= as_of))
    # IN (this base's mentor ids): found through the appointment's base index, not by probing every person.
    stmt = select(Mentor).where(Mentor.id.in_(select(Appointment.mentor_id).where(Appointment.base_id == base_id)))
    if side in ("university", "enterprise"):
        stmt = stmt.where(Mentor.side == side)
    if state == "active":
        stmt = stmt.where(appt(counts_on(as_of)))
    elif state == "suspended":
        stmt = stmt.where(appt(*covering), ~appt(counts_on(as_of)))
    elif state == "upcoming":
        stmt = stmt.where(~appt(*covering), appt(Appointment.starts_on > as_of))
    elif state == "former":
        stmt = stmt.where(~appt(*covering), ~appt(Appointment.starts_on > as_of))
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Mentor.name.ilike(like), Mentor.organisation.ilike(like), Mentor.staff_no.ilike(like),
                              Mentor.expertise.ilike(like), Mentor.title.ilike(like)))
    if sort in ROSTER_SORTS:
        columns = ROSTER_SORTS[sort]
        return stmt.order_by(*(c.desc() if descending else c for c in columns))
    return stmt.order_by(Mentor.side, Mentor.name, Mentor.id)


def appointments_by_mentor(base_id: int, mentor_ids) -> dict[int, list[Appointment]]:
    """The appointments at one base of the given people, with their suspensions, in two queries."""
    from sqlalchemy.orm import selectinload

    ids = list(mentor_ids)
    result: dict[int, list[Appointment]] = {i: [] for i in ids}
    if ids:
        for appt in db.session.scalars(select(Appointment).where(Appointment.base_id == base_id,
                                                                 Appointment.mentor_id.in_(ids))
                                       .options(selectinload(Appointment.suspensions))
                                       .order_by(Appointment.starts_on)):
            result[appt.mentor_id].append(appt)
    return result


def state_on(appointments, as_of: dt.date) -> str:
    """A person's state on a base's team on `as_of`, from their appointments there."""
    covering = [a for a in appointments if a.starts_on <= as_of and (a.ends_on is None or a.ends_on >= as_of)]
    if any(appointment_counts_on(a, as_of) for a in covering):
        return "active"
    if covering:
        return "suspended"
    if any(a.starts_on > as_of for a in appointments):
        return "upcoming"
    return "former"


# ---- students and dual mentors -----------------------------------------------------------

def _assignment_active(as_of):
    return and_(A.starts_on <= as_of, or_(A.ends_on.is_(None), A.ends_on >= as_of))


def _current_student(as_of):
    return and_(Student.enrolment_year <= as_of.year,
                or_(Student.graduated_on.is_(None), Student.graduated_on >= as_of))


def students_statement(base_id: int, *, level: str | None = None, status: str | None = None,
                       q: str | None = None, as_of: dt.date | None = None):
    """Students of a base; status "current" (enrolled, not graduated on as_of) or "graduated"."""
    stmt = select(Student).where(Student.base_id == base_id)
    if level:
        stmt = stmt.where(Student.level == level)
    as_of = as_of or dt.date.today()
    if status == "current":
        stmt = stmt.where(_current_student(as_of))
    elif status == "graduated":
        stmt = stmt.where(Student.graduated_on.is_not(None), Student.graduated_on < as_of)
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Student.name.ilike(like), Student.student_no.ilike(like),
                              Student.programme.ilike(like)))
    return stmt.order_by(Student.enrolment_year.desc(), Student.student_no)


@dataclass(frozen=True)
class StudentMentors:
    """A student's dual mentors on a day, and which side is missing (no assignment, or the assigned
    mentor's appointment at the base does not count that day)."""

    student_id: int
    name: str
    student_no: str
    level: str
    assignment_id: int | None
    university_mentor: str | None
    enterprise_mentor: str | None
    university_ok: bool
    enterprise_ok: bool

    @property
    def lacking(self) -> list[str]:
        return [s for s, ok in (("university", self.university_ok), ("enterprise", self.enterprise_ok)) if not ok]


def student_mentors(base_id: int, as_of: dt.date, *, student_ids=None, only_current: bool = True,
                    only_lacking: bool = False) -> list[StudentMentors]:
    """Each student's mentors on `as_of`, in one query."""
    from sqlalchemy import exists
    from sqlalchemy.orm import aliased

    um, em = aliased(Mentor), aliased(Mentor)

    def serving(mentor_col):
        return exists().where(Appointment.base_id == base_id, Appointment.mentor_id == mentor_col,
                              counts_on(as_of))

    uni_ok = and_(A.id.is_not(None), serving(A.university_mentor_id))
    ent_ok = and_(A.id.is_not(None), serving(A.enterprise_mentor_id))
    stmt = (select(Student.id, Student.name, Student.student_no, Student.level, A.id, um.name, em.name,
                   case((uni_ok, True), else_=False), case((ent_ok, True), else_=False))
            .select_from(Student)
            .outerjoin(A, and_(A.student_id == Student.id, _assignment_active(as_of)))
            .outerjoin(um, um.id == A.university_mentor_id)
            .outerjoin(em, em.id == A.enterprise_mentor_id)
            .where(Student.base_id == base_id)
            .order_by(Student.student_no, A.starts_on))
    if only_current:
        stmt = stmt.where(_current_student(as_of))
    if student_ids is not None:
        stmt = stmt.where(Student.id.in_(list(student_ids)))
    if only_lacking:
        stmt = stmt.where(or_(~uni_ok, ~ent_ok))
    seen, rows = set(), []
    for r in db.session.execute(stmt):
        if r[0] in seen:
            continue
        seen.add(r[0])
        rows.append(StudentMentors(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8])))
    return rows


def students_per_mentor(base_id: int, as_of: dt.date) -> dict[int, int]:
    """Students each mentor guides at a base on `as_of` (either side), in one query."""
    from sqlalchemy import union_all

    pairs = union_all(
        select(A.university_mentor_id.label("mentor_id"), A.student_id).where(A.base_id == base_id,
                                                                              _assignment_active(as_of)),
        select(A.enterprise_mentor_id.label("mentor_id"), A.student_id).where(A.base_id == base_id,
                                                                              _assignment_active(as_of)),
    ).subquery()
    stmt = select(pairs.c.mentor_id, func.count(distinct(pairs.c.student_id))).group_by(pairs.c.mentor_id)
    return {m: n for m, n in db.session.execute(stmt)}


def overloaded_mentors(base, as_of: dt.date, counts: dict[int, int] | None = None) -> list[tuple[int, str, str, int]]:
    """(mentor id, name, side, students) of mentors guiding more students than the base allows
    (`counts`: the result of `students_per_mentor`, when the caller has it already)."""
    counts = students_per_mentor(base.id, as_of) if counts is None else counts
    over = {m: n for m, n in counts.items() if n > base.max_students_per_mentor}
    if not over:
        return []
    people = db.session.execute(select(Mentor.id, Mentor.name, Mentor.side).where(Mentor.id.in_(list(over))))
    return sorted(((i, name, side, over[i]) for i, name, side in people), key=lambda t: (-t[3], t[1]))


def mentor_students(mentor_id: int, as_of: dt.date | None = None):
    """A mentor's assignments (either side), with the student, the other mentor and the base, in one query."""
    from sqlalchemy.orm import joinedload

    stmt = (select(A).where(or_(A.university_mentor_id == mentor_id, A.enterprise_mentor_id == mentor_id))
            .options(joinedload(A.student).joinedload(Student.base), joinedload(A.university_mentor),
                     joinedload(A.enterprise_mentor))
            .order_by(A.starts_on.desc()))
    if as_of is not None:
        stmt = stmt.where(_assignment_active(as_of))
    return list(db.session.scalars(stmt).unique())


def mentor_appointments(mentor_id: int, base_ids=None) -> list[Appointment]:
    """A person's appointments (at `base_ids`, or everywhere) with their bases and suspensions, in two queries."""
    from sqlalchemy.orm import joinedload, selectinload

    stmt = (select(Appointment).where(Appointment.mentor_id == mentor_id)
            .options(joinedload(Appointment.base), selectinload(Appointment.suspensions))
            .order_by(Appointment.starts_on))
    if base_ids is not None:
        stmt = stmt.where(ids_in(Appointment.base_id, base_ids))
    return list(db.session.scalars(stmt))


def mentors_of_base_on(base_id: int, start: dt.date, side: str) -> list[Mentor]:
    """People of one side with an appointment at the base that counts on `start` or begins later (choices for
    a new assignment; the service checks the whole period)."""
    return list(db.session.scalars(
        select(Mentor).where(Mentor.side == side, Mentor.id.in_(
            select(Appointment.mentor_id).where(Appointment.base_id == base_id,
                                                or_(counts_on(start), Appointment.starts_on > start))))
        .order_by(Mentor.name)))


# ---- counts other areas read (rule R1, evaluation indicators) -----------------------------

def postgraduates_trained(base_ids, as_of: dt.date) -> dict[int, int]:
    """Master's and doctoral students with a mentor assignment starting on or before `as_of`, per base
    (rule R1: the base has jointly trained postgraduates). Every requested base appears; one query."""
    stmt = (select(Student.base_id, func.count(distinct(Student.id)))
            .join(A, A.student_id == Student.id)
            .where(Student.level.in_(POSTGRADUATE_LEVELS), A.starts_on <= as_of)
            .group_by(Student.base_id))
    if base_ids is not None:
        stmt = stmt.where(ids_in(Student.base_id, base_ids))
    counts = {b: n for b, n in db.session.execute(stmt)}
    if base_ids is None:
        return counts
    return {b: counts.get(b, 0) for b in base_ids}


YEARLY_INDICATORS = ("mentors_total", "enterprise_mentors", "students_jointly_trained")


def yearly_counts(base_ids, first_year: int, last_year: int) -> dict[tuple[int, str, int], int]:
    """Counts per (base id, indicator, calendar year) for the evaluation's indicators, zeros
    included (`base_ids` None: every base): `period_counts` over calendar years."""
    ids = list(db.session.scalars(select(Base.id))) if base_ids is None else list(base_ids)
    if not ids or int(first_year) > int(last_year):
        return {}
    return period_counts(calendar_periods(ids, first_year, last_year))


def period_counts(periods) -> dict[tuple[int, str, object], int]:
    """Counts per (base id, indicator, key) for every period `(base_id, key, first, last)` (see
    `registry.periods`), zeros included: "mentors_total" and "enterprise_mentors" on the period's
    last day (the ratio's counting: distinct people with an appointment that counts that day), and
    "students_jointly_trained" (students with an assignment active on some day of the period).
    Two queries, whatever the number of bases and periods."""
    periods, result, keys, p = counting_frame(periods, YEARLY_INDICATORS)
    if p is None:
        return result
    stmt = (select(p.c.base_id, p.c.k,
                   func.count(distinct(case((Mentor.side == "enterprise", Appointment.mentor_id)))),
                   func.count(distinct(Appointment.mentor_id)))
            .join(Appointment, and_(Appointment.base_id == p.c.base_id, counts_on(p.c.last)))
            .join(Mentor, Mentor.id == Appointment.mentor_id)
            .group_by(p.c.base_id, p.c.k))
    for base_id, k, enterprise, total in db.session.execute(stmt):
        result[(base_id, "mentors_total", keys[(base_id, k)])] = total
        result[(base_id, "enterprise_mentors", keys[(base_id, k)])] = enterprise
    p = periods_table(periods, "span")
    stmt = (select(p.c.base_id, p.c.k, func.count(distinct(A.student_id)))
            .join(A, and_(A.base_id == p.c.base_id, A.starts_on <= p.c.last,
                          or_(A.ends_on.is_(None), A.ends_on >= p.c.first)))
            .group_by(p.c.base_id, p.c.k))
    for base_id, k, n in db.session.execute(stmt):
        result[(base_id, "students_jointly_trained", keys[(base_id, k)])] = n
    return result


def mentor_of_base(data: dict, key: str, base_id: int):
    """The roster mentor chosen by id (a form), or None; refused unless appointed at the base."""
    value = data.get(key)
    if value in (None, "", 0, "0"):
        return None
    try:
        mentor_id = int(value)
    except (TypeError, ValueError):
        raise DomainError(_l("Unknown mentor."), field=key) from None
    mentor = db.session.get(Mentor, mentor_id)
    appointed = db.session.scalar(select(Appointment.id).where(Appointment.mentor_id == mentor_id,
                                                               Appointment.base_id == base_id).limit(1))
    if mentor is None or appointed is None:
        raise DomainError(_l("This mentor has no appointment at the base."), field=key)
    return mentor


def mentor_choices(base_id: int) -> list:
    """(id, label) of the mentors with an appointment (ever) at the base, for a select. One query."""
    rows = db.session.execute(select(Mentor.id, Mentor.name, Mentor.organisation)
                              .where(Mentor.id.in_(select(Appointment.mentor_id)
                                                   .where(Appointment.base_id == base_id)))
                              .order_by(Mentor.name))
    return options([(0, "—")] + [(i, f"{name}（{org}）") for i, name, org in rows])
