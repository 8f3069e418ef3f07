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
               .where(active_on(as_of)))
    if base_ids is not None:
        # Narrow the appointments scanned, not only the bases shown: one base reads its own rows.
        counted = counted.where(Appointment.base_id.in_(list(base_ids)))
    counted = counted.subquery()
    stmt = (select(Base.id, Base.code, Base.name,
                   func.count(distinct(case((counted.c.side == "enterprise", counted.c.mentor_id)))),
                   func.count(distinct(case((counted.c.side == "university", counted.c.mentor_id)))))
            .outerjoin(counted, counted.c.base_id == Base.id)
            .group_by(Base.id, Base.code, Base.name)
            .order_by(Base.code))
    if base_ids is not None:
        stmt = stmt.where(Base.id.in_(list(base_ids)))
    return [Ratio(r[0], r[1], r[2], as_of, r[3], r[4]) for r in db.session.execute(stmt)]


def ratio_of_bases(as_of: dt.date, base_ids=None) -> list[Ratio]:
    """`ratio_as_of` of every base from the per-day figures cache, narrowed to `base_ids`.

    The ministry page, the API and the exports open this far more often than rosters change.
    """
    from registry import cache

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
            .outerjoin(Appointment, and_(Appointment.base_id == Base.id, active_on(days.c.d)))
            .outerjoin(Mentor, Mentor.id == Appointment.mentor_id)
            .group_by(Base.id, Base.code, Base.name, days.c.d)
            .order_by(Base.code, days.c.d))
    if base_ids is not None:
        stmt = stmt.where(Base.id.in_(list(base_ids)))
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
class EndingAppointment:
    appointment_id: int
    mentor_id: int
    name: str
    organisation: str
    side: str
    starts_on: dt.date
    ends_on: dt.date


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
    """Whether appointments ending within the next `days` days (ends_on in [today, today + days]) would drop
    the base below one third; None when they would not. Two queries, whatever the team's size.

    People whose appointment ends but who hold a following appointment (a renewal) are not dropping out;
    appointments already recorded to start later count from their start. The warning names the enterprise
    appointments that end before the weakest day, and `to_add` says how many enterprise mentors keep the base
    at one third then.
    """
    days = warning_days() if days is None else int(days)
    horizon = today + dt.timedelta(days=max(days, 0))
    # 1. Every non-suspended appointment, at this base, of the people with an appointment ending in the window.
    ending_people = (select(Appointment.mentor_id)
                     .where(Appointment.base_id == base_id, Appointment.state != "suspended",
                            Appointment.ends_on >= today, Appointment.ends_on <= horizon))
    rows = db.session.execute(
        select(Appointment.id, Appointment.mentor_id, Appointment.starts_on, Appointment.ends_on,
               Mentor.name, Mentor.organisation, Mentor.side)
        .join(Mentor, Mentor.id == Appointment.mentor_id)
        .where(Appointment.base_id == base_id, Appointment.state != "suspended",
               Appointment.mentor_id.in_(ending_people))
        .order_by(Appointment.mentor_id, Appointment.starts_on)).all()
    if not rows:
        return None
    by_person: dict[int, list] = {}
    for r in rows:
        by_person.setdefault(r.mentor_id, []).append(r)
    leaving = []  # (day the person stops counting, the appointment that ends)
    for person_rows in by_person.values():
        covering = [r for r in person_rows if r.starts_on <= today and (r.ends_on is None or r.ends_on >= today)]
        if not covering:
            continue
        day, last = today, None
        for r in person_rows:  # walk successive appointments (renewals join up)
            if r.starts_on > day:
                break
            if r.ends_on is None or r.ends_on >= day:
                last = r
                if r.ends_on is None:
                    day = None
                    break
                day = r.ends_on + dt.timedelta(days=1)
        if day is not None and day <= horizon + dt.timedelta(days=1) and last is not None:
            leaving.append((day, last))
    if not leaving:
        return None
    # 2. The ratio today and on each day someone stops counting, in one query.
    series = ratio_series([today] + [d for d, _ in leaving], [base_id])
    current, later = series[0], series[1:]
    failing = [r for r in later if not r.meets_requirement]
    if not failing:
        return None
    worst = max(failing, key=lambda r: (r.shortfall, -r.as_of.toordinal()))
    if current.meets_requirement is False and worst.shortfall <= current.shortfall:
        return None  # already below one third, and the endings do not make it worse
    named = tuple(sorted((EndingAppointment(a.id, a.mentor_id, a.name, a.organisation, a.side, a.starts_on,
                                            a.ends_on)
                          for d, a in leaving if a.side == "enterprise" and d <= worst.as_of),
                         key=lambda e: (e.ends_on, e.name)))
    return RatioWarning(base_id, today, horizon, current, worst, named)


# ---- the roster --------------------------------------------------------------------------

ROSTER_STATES = ("active", "suspended", "upcoming", "former")


def roster_statement(base_id: int, as_of: dt.date, *, side: str | None = None, state: str | None = None,
                     q: str | None = None):
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
        stmt = stmt.where(appt(active_on(as_of)))
    elif state == "suspended":
        stmt = stmt.where(appt(*covering, Appointment.state == "suspended"), ~appt(active_on(as_of)))
    elif state == "upcoming":
        stmt = stmt.where(~appt(*covering), appt(Appointment.starts_on > as_of))
    elif state == "former":
        stmt = stmt.where(~appt(*covering), ~appt(Appointment.starts_on > as_of))
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Mentor.name.ilike(like), Mentor.organisation.ilike(like), Mentor.staff_no.ilike(like),
                              Mentor.expertise.ilike(like), Mentor.title.ilike(like)))
    return stmt.order_by(Mentor.side, Mentor.name, Mentor.id)


def appointments_by_mentor(base_id: int, mentor_ids) -> dict[int, list[Appointment]]:
    """The appointments at one base of the given people, in one query."""
    ids = list(mentor_ids)
    result: dict[int, list[Appointment]] = {i: [] for i in ids}
    if ids:
        for appt in db.session.scalars(select(Appointment).where(Appointment.base_id == base_id,
                                                                 Appointment.mentor_id.in_(ids))
                                       .order_by(Appointment.starts_on)):
            result[appt.mentor_id].append(appt)
    return result


def state_on(appointments, as_of: dt.date) -> str:
    """A person's state on a base's team on `as_of`, from their appointments there."""
    covering = [a for a in appointments if a.starts_on <= as_of and (a.ends_on is None or a.ends_on >= as_of)]
    if any(a.state != "suspended" for a in covering):
        return "active"
    if covering:
        return "suspended"
    if any(a.starts_on > as_of for a in appointments):
        return "upcoming"
    return "former"


def appointment_counts_on(appt: Appointment, as_of: dt.date) -> bool:
    """Python twin of `active_on`, for one loaded appointment."""
    return (appt.starts_on <= as_of and (appt.ends_on is None or appt.ends_on >= as_of)
            and appt.state != "suspended")


# ---- students and dual mentors -----------------------------------------------------------

def _assignment_active(as_of):
    from registry.mentors.models import MentorAssignment as A

    return and_(A.starts_on <= as_of, or_(A.ends_on.is_(None), A.ends_on >= as_of))


def _current_student(as_of):
    from registry.mentors.models import Student

    return and_(Student.enrolment_year <= as_of.year,
                or_(Student.graduated_on.is_(None), Student.graduated_on >= as_of))


def students_statement(base_id: int, *, level: str | None = None, status: str | None = None,
                       q: str | None = None, as_of: dt.date | None = None):
    """Students of a base; status "current" (enrolled, not graduated on as_of) or "graduated"."""
    from registry.mentors.models import Student

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

    from registry.mentors.models import MentorAssignment as A, Student

    um, em = aliased(Mentor), aliased(Mentor)

    def serving(mentor_col):
        return exists().where(Appointment.base_id == base_id, Appointment.mentor_id == mentor_col,
                              active_on(as_of))

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

    from registry.mentors.models import MentorAssignment as A

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

    from registry.mentors.models import MentorAssignment as A, Student

    stmt = (select(A).where(or_(A.university_mentor_id == mentor_id, A.enterprise_mentor_id == mentor_id))
            .options(joinedload(A.student).joinedload(Student.base), joinedload(A.university_mentor),
                     joinedload(A.enterprise_mentor))
            .order_by(A.starts_on.desc()))
    if as_of is not None:
        stmt = stmt.where(_assignment_active(as_of))
    return list(db.session.scalars(stmt).unique())


def mentor_appointments(mentor_id: int, base_ids=None) -> list[Appointment]:
    """A person's appointments (at `base_ids`, or everywhere) with their bases, in one query."""
    from sqlalchemy.orm import joinedload

    stmt = (select(Appointment).where(Appointment.mentor_id == mentor_id)
            .options(joinedload(Appointment.base)).order_by(Appointment.starts_on))
    if base_ids is not None:
        stmt = stmt.where(Appointment.base_id.in_(list(base_ids)))
    return list(db.session.scalars(stmt))


def mentors_of_base_on(base_id: int, start: dt.date, side: str) -> list[Mentor]:
    """People of one side with an appointment at the base that has not ended before `start` (choices for
    a new assignment; the service checks the whole period)."""
    return list(db.session.scalars(
        select(Mentor).where(Mentor.side == side, Mentor.id.in_(
            select(Appointment.mentor_id).where(Appointment.base_id == base_id, Appointment.state != "suspended",
                                                or_(Appointment.ends_on.is_(None), Appointment.ends_on >= start))))
        .order_by(Mentor.name)))


# ---- counts other areas read (rule R1, evaluation indicators) -----------------------------

def postgraduates_trained(base_ids, as_of: dt.date) -> dict[int, int]:
    """Master's and doctoral students with a mentor assignment starting on or before `as_of`, per base
    (rule R1: the base has jointly trained postgraduates). Every requested base appears; one query."""
    from registry.mentors.models import POSTGRADUATE_LEVELS, MentorAssignment as A, Student

    stmt = (select(Student.base_id, func.count(distinct(Student.id)))
            .join(A, A.student_id == Student.id)
            .where(Student.level.in_(POSTGRADUATE_LEVELS), A.starts_on <= as_of)
            .group_by(Student.base_id))
    if base_ids is not None:
        stmt = stmt.where(Student.base_id.in_(list(base_ids)))
    counts = {b: n for b, n in db.session.execute(stmt)}
    if base_ids is None:
        return counts
    return {b: counts.get(b, 0) for b in base_ids}


YEARLY_INDICATORS = ("mentors_total", "enterprise_mentors", "students_jointly_trained")


def yearly_counts(base_ids, first_year: int, last_year: int) -> dict[tuple[int, str, int], int]:
    """Counts per (base id, indicator, year) for the evaluation's indicators, zeros included:
    "mentors_total" and "enterprise_mentors" as of 31 December (the ratio's counting), and
    "students_jointly_trained" (students with an assignment active on some day of the year).
    Two queries, whatever the number of bases and years."""
    from sqlalchemy import Date, Integer, literal, union_all

    from registry.mentors.models import MentorAssignment as A

    years = list(range(int(first_year), int(last_year) + 1))
    ids = None if base_ids is None else list(base_ids)
    if not years or (ids is not None and not ids):
        return {}
    result: dict[tuple[int, str, int], int] = {}
    for r in ratio_series([dt.date(y, 12, 31) for y in years], ids):
        result[(r.base_id, "mentors_total", r.as_of.year)] = r.total
        result[(r.base_id, "enterprise_mentors", r.as_of.year)] = r.enterprise
        result[(r.base_id, "students_jointly_trained", r.as_of.year)] = 0
    parts = [select(literal(y, Integer).label("y"), literal(dt.date(y, 1, 1), Date).label("first"),
                    literal(dt.date(y, 12, 31), Date).label("last")) for y in years]
    span = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("span")
    stmt = (select(A.base_id, span.c.y, func.count(distinct(A.student_id)))
            .join(span, and_(A.starts_on <= span.c.last, or_(A.ends_on.is_(None), A.ends_on >= span.c.first)))
            .group_by(A.base_id, span.c.y))
    if ids is not None:
        stmt = stmt.where(A.base_id.in_(ids))
    for base_id, year, n in db.session.execute(stmt):
        result[(base_id, "students_jointly_trained", int(year))] = n
    return result
