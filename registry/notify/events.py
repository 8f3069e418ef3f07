"""What users hear about: a small explicit registry of event kinds, one source function per kind.

Each source reads the facts from the area that owns them (mentors, checks: their `queries.py`, no
second copy of a rule) and returns `Event`s, each with its recipients and the page where it is dealt
with. `register_kind` adds a kind; `setup()` (called from the area's set-up in `cli.register`) adds
the built-in ones. A source runs a fixed number of queries, whatever the number of bases.

Adding a kind: write `def _my_kind(ctx)` returning
events, a `describe` message, and one `register_kind(...)` line in `setup()`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import FunctionType
from typing import Callable, Iterable

from sqlalchemy import select

from registry import authz
from registry.auth.models import User, user_base
from registry.authz import ADMIN, BASE_COORDINATOR, MENTOR, REVIEWER, UNIVERSITY_COORDINATOR
from registry.checks.queries import (annual_reports_due, objections_open, rectifications_due, reviews_waiting,
                                     rounds_closing, summary_reports_due)
from registry.errors import _l
from registry.extensions import db
from registry.mentors.queries import appointments_ending, ratio_warnings
from registry.orgs.models import Base

APPOINTMENT_ENDING_DAYS = 30


@dataclass(frozen=True)
class Link:
    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass
class Event:
    """One thing to tell: `key` is unique within the kind (it names the occurrence, dates included, so a
    new deadline is a new event); `params` fill the kind's message; `recipients` maps a user id to the
    link that user follows (None: the event's `link`)."""

    kind: str
    key: str
    params: dict
    link: Link
    recipients: dict[int, Link | None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # lazy string: the kind's name in lists and choices
    message: object  # lazy string with %(name)s parameters from the events' params, or a function of them
    roles: frozenset  # the roles that may hear about it (the account page offers it to them)
    source: Callable[["Context"], Iterable[Event]]


KINDS: dict[str, Kind] = {}


def register_kind(name: str, label, message, roles, source) -> None:
    KINDS[name] = Kind(name, label, message, frozenset(roles), source)


def kinds_for(role: str) -> list[Kind]:
    return [k for k in KINDS.values() if role in k.roles]


# ---- who is who: every active account, loaded once per run ---------------------------------------

@dataclass
class People:
    """Active accounts with their scope, in two queries."""

    by_id: dict[int, object] = field(default_factory=dict)
    coordinators: dict[int, set[int]] = field(default_factory=dict)  # base id -> base coordinators
    by_role: dict[str, set[int]] = field(default_factory=dict)
    by_university: dict[int, set[int]] = field(default_factory=dict)  # university coordinators
    by_mentor: dict[int, set[int]] = field(default_factory=dict)  # mentor record -> mentor accounts

    @classmethod
    def load(cls) -> "People":
        people = cls()
        for u in db.session.execute(select(User.id, User.username, User.display_name, User.role,
                                           User.university_id, User.mentor_id, User.email, User.locale).where(User.active.is_(True))):
            people.by_id[u.id] = u
            people.by_role.setdefault(u.role, set()).add(u.id)
            part, record = authz.notified_as(u)
            if part == "university":
                people.by_university.setdefault(record, set()).add(u.id)
            elif part == "mentor":
                people.by_mentor.setdefault(record, set()).add(u.id)
        for user_id, base_id in db.session.execute(select(user_base.c.user_id, user_base.c.base_id)):
            u = people.by_id.get(user_id)
            if u is not None and authz.notified_as(u)[0] == "bases":
                people.coordinators.setdefault(base_id, set()).add(user_id)
        return people

    def role(self, role: str) -> set[int]:
        return set(self.by_role.get(role, ()))

    def of_base(self, base_id: int, university_id: int | None) -> set[int]:
        """The base's coordinators and its university's coordinators."""
        return set(self.coordinators.get(base_id, ())) | set(self.by_university.get(university_id, ()))


@dataclass
class Context:
    as_of: dt.date
    people: People


def _to(users: Iterable[int], link: Link | None = None) -> dict[int, Link | None]:
    return {u: link for u in users}


def _base_params(base) -> dict:
    return {"base": base.code, "base_name": base.name}


# ---- the built-in kinds ---------------------------------------------------------------------------

def _ratio_warning(ctx: Context) -> list[Event]:
    """An appointment ending within the warning window breaks the one-third share (mentors.queries)."""
    warnings = ratio_warnings(None, ctx.as_of)
    if not warnings:
        return []
    bases = {b.id: b for b in db.session.scalars(select(Base).where(Base.id.in_(list(warnings))))}
    events = []
    for base_id, w in sorted(warnings.items()):
        base = bases[base_id]
        events.append(Event(
            "ratio_warning", f"{base_id}:{w.worst.as_of.isoformat()}",
            {**_base_params(base), "date": w.worst.as_of.isoformat(), "enterprise": w.worst.enterprise,
             "total": w.worst.total, "n": w.to_add},
            Link("mentors.roster", {"code": base.code}),
            _to(ctx.people.of_base(base.id, base.university_id))))
    return events


def _appointment_ending(ctx: Context) -> list[Event]:
    """An appointment (not renewed) ends within 30 days: to its mentor and the base's coordinators."""
    ending = appointments_ending(ctx.as_of, APPOINTMENT_ENDING_DAYS)
    if not ending:
        return []
    bases = {b.id: b for b in db.session.scalars(select(Base).where(Base.id.in_({a.base_id for a in ending})))}
    events = []
    for a in ending:
        base = bases[a.base_id]
        recipients = _to(ctx.people.of_base(base.id, base.university_id))
        recipients.update(_to(ctx.people.by_mentor.get(a.mentor_id, ()), Link("mentors.me")))
        events.append(Event(
            "appointment_ending", f"{a.appointment_id}:{a.ends_on.isoformat()}",
            {**_base_params(base), "mentor": a.name, "organisation": a.organisation, "date": a.ends_on.isoformat()},
            Link("mentors.roster", {"code": base.code}), recipients))
    return events


def _round_deadline(ctx: Context) -> list[Event]:
    """A round's deadline within 14 days: to university coordinators, and coordinators of bases being prepared."""
    rounds = rounds_closing(ctx.as_of)
    if not rounds:
        return []
    preparing = list(db.session.scalars(select(Base).where(Base.status == "preparing").order_by(Base.code)))
    events = []
    for r in rounds:
        recipients = _to(ctx.people.role(UNIVERSITY_COORDINATOR))
        for base in preparing:
            for user_id in ctx.people.coordinators.get(base.id, ()):
                recipients.setdefault(user_id, Link("orgs.base_detail", {"code": base.code}))
        events.append(Event(
            "round_deadline", f"{r.id}:{r.deadline.isoformat()}",
            {"year": r.year, "round": r.name or str(r.year), "date": r.deadline.isoformat()},
            Link("checks.round_detail", {"round_id": r.id}), recipients))
    return events


def _rectification_deadline(ctx: Context) -> list[Event]:
    """A rectification deadline within 30 days (checks.queries.rectifications_due)."""
    return [Event("rectification_deadline", f"{base.id}:{state.rectification_deadline.isoformat()}",
                  {**_base_params(base), "date": state.rectification_deadline.isoformat()},
                  Link("checks.base_lifecycle", {"code": base.code}),
                  _to(ctx.people.of_base(base.id, base.university_id)))
            for base, state in rectifications_due(ctx.as_of)]


def _annual_report_due(ctx: Context) -> list[Event]:
    """An annual plan or summary of a plan year not on record (checks.queries.annual_reports_due)."""
    return [Event("annual_report_due", f"{d.base.id}:{d.cycle}:{d.year.number}:{d.part}",
                  {**_base_params(d.base), "cycle": d.cycle, "year": d.year.number, "part": d.part,
                   "start": d.year.starts_on.isoformat(), "end": d.year.ends_on.isoformat(),
                   "date": d.due_on.isoformat()},
                  Link("checks.base_plan", {"code": d.base.code}),
                  _to(ctx.people.of_base(d.base.id, d.base.university_id)))
            for d in annual_reports_due(ctx.as_of)]


def _review_waiting(ctx: Context) -> list[Event]:
    """A submission waiting for an assigned reviewer's review: to that reviewer."""
    return [Event("review_waiting", str(w.submission_id),
                  {**_base_params(w.base), "year": w.round_year},
                  Link("checks.submission_detail", {"submission_id": w.submission_id}),
                  _to([w.reviewer_id] if w.reviewer_id in ctx.people.by_id else []))
            for w in reviews_waiting() if w.reviewer_id is not None]


def _reviewer_needed(ctx: Context) -> list[Event]:
    """A submission whose round has no reviewer: to the administrators."""
    return [Event("reviewer_needed", str(w.submission_id),
                  {**_base_params(w.base), "year": w.round_year},
                  Link("checks.round_detail", {"round_id": w.round_id}),
                  _to(ctx.people.role(ADMIN)))
            for w in reviews_waiting() if w.reviewer_id is None]


def _summary_report_due(ctx: Context) -> list[Event]:
    """The current cycle ends within 30 days (or has ended) without its summary report or the report's
    signed document (checks.queries.summary_reports_due): to the base's coordinators and the university
    coordinator."""
    return [Event("summary_report_due", f"{d.base.id}:{d.cycle.number}:{d.cycle.ends_on.isoformat()}:{d.part}",
                  {**_base_params(d.base), "cycle": d.cycle.number, "part": d.part,
                   "start": d.cycle.starts_on.isoformat(), "end": d.cycle.ends_on.isoformat(),
                   "date": d.cycle.evaluation_from.isoformat()},
                  Link("checks.base_summary_report", {"code": d.base.code, "number": d.cycle.number}),
                  _to(ctx.people.of_base(d.base.id, d.base.university_id)))
            for d in summary_reports_due(ctx.as_of)]


def _objection_recorded(ctx: Context) -> list[Event]:
    """An objection recorded during a public notice and not resolved (checks.queries.objections_open):
    one event per objection, to the administrators."""
    admins = ctx.people.role(ADMIN)
    return [Event("objection_recorded", str(o.objection.id),
                  {**_base_params(o.base), "raised_by": o.objection.raised_by,
                   "date": o.objection.received_on.isoformat()},
                  Link("checks.base_lifecycle", {"code": o.base.code}), _to(admins))
            for o in objections_open(ctx.as_of)]


COORDINATORS = (BASE_COORDINATOR, UNIVERSITY_COORDINATOR)


def setup() -> None:
    """The built-in kinds, in the order the account page lists them. Idempotent."""
    register_kind("ratio_warning", _l("Enterprise-mentor share at risk"),
                  _l("%(base)s %(base_name)s: appointments ending soon take the enterprise mentors below one third "
                     "on %(date)s (%(enterprise)s of %(total)s); appoint %(n)s more enterprise mentor(s)."),
                  COORDINATORS, _ratio_warning)
    register_kind("appointment_ending", _l("Appointment ending"),
                  _l("%(base)s %(base_name)s: the appointment of %(mentor)s (%(organisation)s) ends on %(date)s."),
                  COORDINATORS + (MENTOR,), _appointment_ending)
    register_kind("round_deadline", _l("Application deadline"),
                  _l("The %(year)s application round closes on %(date)s."),
                  COORDINATORS, _round_deadline)
    register_kind("rectification_deadline", _l("Rectification deadline"),
                  _l("%(base)s %(base_name)s: the rectification is due by %(date)s."),
                  COORDINATORS, _rectification_deadline)
    register_kind("annual_report_due", _l("Annual plan or summary due"), _annual_report_message,
                  COORDINATORS, _annual_report_due)
    register_kind("summary_report_due", _l("Summary report due"), _summary_report_message,
                  COORDINATORS, _summary_report_due)
    register_kind("review_waiting", _l("Review assigned"),
                  _l("%(base)s %(base_name)s (round %(year)s) waits for your review."),
                  (REVIEWER,), _review_waiting)
    register_kind("reviewer_needed", _l("Submission without a reviewer"),
                  _l("%(base)s %(base_name)s (round %(year)s) waits for a reviewer: the round has none assigned."),
                  (ADMIN,), _reviewer_needed)
    register_kind("objection_recorded", _l("Objection to a public notice"),
                  _l("%(base)s %(base_name)s: an objection from %(raised_by)s was received on %(date)s during the "
                     "public notice; recognition waits until it is resolved."),
                  (ADMIN,), _objection_recorded)


def _by_part(part: str, message, otherwise):
    """A kind's message chosen by the event's part: `message` for `part`, else `otherwise`."""
    return lambda params: message if params.get("part") == part else otherwise


_annual_report_message = _by_part(
    "plan",
    _l("%(base)s %(base_name)s: the annual plan of construction year %(year)s of cycle %(cycle)s "
       "(%(start)s – %(end)s) is not on record."),
    _l("%(base)s %(base_name)s: the annual summary of construction year %(year)s of cycle %(cycle)s "
       "(%(start)s – %(end)s) is not on record (due by %(date)s)."))
_summary_report_message = _by_part(
    "document",
    _l("%(base)s %(base_name)s: the signed document of the summary report of cycle %(cycle)s "
       "(%(start)s – %(end)s) is not attached; the evaluation, from %(date)s, needs it."),
    _l("%(base)s %(base_name)s: the summary report of cycle %(cycle)s (%(start)s – %(end)s) is not on "
       "record; the evaluation, from %(date)s, needs it."))


def message_of(kind: str, params: dict):
    """The kind's (lazy) message for these params; None for a kind no longer registered."""
    k = KINDS.get(kind)
    if k is None:
        return None
    return k.message(params) if isinstance(k.message, FunctionType) else k.message
