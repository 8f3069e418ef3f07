"""The life of a base (domain.md, "The life of a base") as a table of allowed transitions.

    preparing ──submission──▶ submitted ──▶ under_review ──▶ public_notice ──▶ recognised
                                                 │                │                 │
                                                 └──▶ not_recognised ◀──┘                 ▼
                                                      │ (a later round)         in_construction
                                                      └──submission──▶ submitted        │
                                                                  passed ◀──┬──────────┤
                                                                             │          ▼
                                                                             └── rectification ──▶ revoked

Only an administrator moves a base (except into `submitted`, which only a submission into an
application round does, see services.submit_base). Every step has the day it took effect, a
reason, optional evidence (a document number), who recorded it, and is audited. Dates:

- a public notice lasts 7 days: it ends on start + 6 (both days included), and recognition can
  be recorded from the day after it ends;
- the construction cycle lasts 3 years from recognition (relativedelta: 29 February + 3 years is
  28 February); its plan years are the three calendar years starting with the recognition's;
- the evaluation (passed, or rectification) can be recorded from the cycle's end; a
  rectification needs a deadline after its own date;
- no step is dated before the previous one, nor in the future.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from registry import authz
from registry.checks.models import Review, StatusChange, Submission
from registry.checks.text import Joined, Msg
from registry.errors import DomainError, Forbidden, _l
from registry.extensions import db
from registry.orgs.models import BASE_STATUSES, Base

NOTICE_DAYS = 7
CYCLE_YEARS = 3

# (from, to) -> what the step means; only the administrator records these.
TRANSITIONS = {
    ("submitted", "under_review"): _l("Start the expert review"),
    ("under_review", "public_notice"): _l("Publish the public notice"),
    ("under_review", "not_recognised"): _l("Not recognised after review"),
    ("public_notice", "recognised"): _l("Recognise the base"),
    ("public_notice", "not_recognised"): _l("Not recognised after the public notice"),
    ("recognised", "in_construction"): _l("Start the construction cycle"),
    ("in_construction", "passed"): _l("Evaluation passed"),
    ("in_construction", "rectification"): _l("Rectification within a deadline"),
    ("rectification", "passed"): _l("Rectification accepted: passed"),
    ("rectification", "revoked"): _l("Revoke the recognition"),
}
# Into "submitted" only by a submission into a round (university coordinator or administrator).
SUBMITTABLE_FROM = ("preparing", "not_recognised")
# States in which the construction plan (targets, annual plans and summaries) is kept.
PLAN_STATES = ("recognised", "in_construction", "rectification", "passed")


def today() -> dt.date:
    """The registry's today (a function, so tests can move the clock)."""
    return dt.date.today()


def allowed_from(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def notice_end(start: dt.date) -> dt.date:
    return start + dt.timedelta(days=NOTICE_DAYS - 1)


def cycle_end(recognised_on: dt.date) -> dt.date:
    return recognised_on + relativedelta(years=CYCLE_YEARS)


@dataclass
class LifecycleState:
    """Where a base is in its life, with the dates its history sets."""

    status: str
    history: list = field(default_factory=list)  # StatusChange, oldest first
    submission_id: int | None = None
    submitted_on: dt.date | None = None
    review_started_on: dt.date | None = None
    notice_starts_on: dt.date | None = None
    notice_ends_on: dt.date | None = None
    recognised_on: dt.date | None = None
    cycle_starts_on: dt.date | None = None
    cycle_ends_on: dt.date | None = None
    rectification_deadline: dt.date | None = None
    evaluated_on: dt.date | None = None

    @property
    def last(self) -> StatusChange | None:
        return self.history[-1] if self.history else None

    @property
    def last_date(self) -> dt.date | None:
        return self.history[-1].effective_on if self.history else None

    @property
    def status_label(self):
        return BASE_STATUSES.get(self.status, self.status)

    def rectification_due(self, as_of: dt.date, within_days: int = 30) -> bool:
        return (self.status == "rectification" and self.rectification_deadline is not None
                and self.rectification_deadline <= as_of + dt.timedelta(days=within_days))

    def apply(self, change: StatusChange) -> None:
        to = change.to_status
        self.history.append(change)
        if to == "submitted":  # a new application: earlier decisions belong to the old one
            self.submission_id, self.submitted_on = change.submission_id, change.effective_on
            self.review_started_on = self.notice_starts_on = self.notice_ends_on = None
        elif to == "under_review":
            self.review_started_on = change.effective_on
        elif to == "public_notice":
            self.notice_starts_on = change.effective_on
            self.notice_ends_on = change.notice_ends_on or notice_end(change.effective_on)
        elif to == "recognised":
            self.recognised_on = change.effective_on
        elif to == "in_construction":
            self.cycle_starts_on = self.recognised_on or change.effective_on
            self.cycle_ends_on = change.cycle_ends_on or cycle_end(self.cycle_starts_on)
        elif to == "rectification":
            self.evaluated_on = change.effective_on
            self.rectification_deadline = change.deadline
        elif to in ("passed", "revoked"):
            self.evaluated_on = change.effective_on


def states_many(bases) -> dict[int, LifecycleState]:
    """The life-cycle state of each base, from its history, in one query."""
    bases = list(bases)
    states = {b.id: LifecycleState(b.status) for b in bases}
    if not states:
        return states
    rows = db.session.scalars(select(StatusChange).where(StatusChange.base_id.in_(list(states)))
                              .order_by(StatusChange.base_id, StatusChange.effective_on, StatusChange.id))
    for change in rows:
        states[change.base_id].apply(change)
    return states


def state_of(base) -> LifecycleState:
    return states_many([base])[base.id]


def plan_years(state: LifecycleState) -> tuple[int, ...]:
    """The calendar years of the construction plan: three, from the recognition's year."""
    start = state.cycle_starts_on or state.recognised_on
    if start is None or state.status not in PLAN_STATES + ("revoked",):
        return ()
    return tuple(range(start.year, start.year + CYCLE_YEARS))


# ---- recording a step -------------------------------------------------------------------------

def _label(status):
    return BASE_STATUSES.get(status, status)


def _check_date(effective_on, state: LifecycleState):
    if not isinstance(effective_on, dt.date):
        raise DomainError(_l("The date the step takes effect is required."), field="effective_on")
    if effective_on > today():
        raise DomainError(_l("The date %(date)s is in the future; record a step once it has happened."),
                          field="effective_on", date=effective_on.isoformat())
    if state.last_date is not None and effective_on < state.last_date:
        raise DomainError(_l("The date %(date)s is before the previous step (%(previous)s)."), field="effective_on",
                          date=effective_on.isoformat(), previous=state.last_date.isoformat())


def record_change(base: Base, to_status: str, *, actor, effective_on: dt.date, reason: str, evidence: str = "",
                  submission_id: int | None = None, notice_ends_on=None, cycle_ends_on=None, deadline=None
                  ) -> StatusChange:
    """Write one step and move the base (no rule checked here: callers decide)."""
    change = StatusChange(base_id=base.id, submission_id=submission_id, from_status=base.status, to_status=to_status,
                          effective_on=effective_on, reason=reason, evidence=evidence,
                          actor_id=getattr(actor, "id", None),
                          actor_label=(getattr(actor, "username", None) or "system")[:120],
                          notice_ends_on=notice_ends_on, cycle_ends_on=cycle_ends_on, deadline=deadline)
    db.session.add(change)
    base.status = to_status
    db.session.flush()
    return change


def transition(base: Base, to_status: str, *, actor, effective_on: dt.date, reason: str, evidence: str = "",
               deadline: dt.date | None = None) -> StatusChange:
    """Move a base one step through its life, as the administrator, or refuse with a message."""
    if not authz.can_decide_lifecycle(actor):
        raise Forbidden(_l("Only an administrator may change the life-cycle state of a base."))
    if to_status not in BASE_STATUSES:
        raise DomainError(_l("Unknown state: %(state)s"), field="to_status", state=to_status)
    # Lock the base's row: two administrators acting at once cannot both move it from one state.
    current = db.session.scalar(select(Base.status).where(Base.id == base.id).with_for_update())
    if current is not None and current != base.status:
        db.session.refresh(base)
    frm = base.status
    if to_status == "submitted":
        raise DomainError(_l("A base becomes submitted only by a submission into an application round."),
                          field="to_status")
    if (frm, to_status) not in TRANSITIONS:
        allowed = allowed_from(frm)
        raise DomainError(_l("A base cannot go from %(from)s to %(to)s. From %(from)s it can go to: %(allowed)s."),
                          field="to_status", **{"from": _label(frm), "to": _label(to_status),
                                                "allowed": Joined(Msg(_label(a)) for a in allowed) if allowed
                                                else Msg(_l("nowhere (a final state)"))})
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("A reason is required for every step."), field="reason")
    if len(reason) > 4000:
        raise DomainError(_l("The reason may have at most %(n)s characters."), field="reason", n=4000)
    evidence = (evidence or "").strip()
    if len(evidence) > 500:
        raise DomainError(_l("The evidence reference may have at most %(n)s characters."), field="evidence", n=500)
    state = state_of(base)
    _check_date(effective_on, state)
    extra = {}
    if to_status == "public_notice":
        reviews = db.session.scalar(select(db.func.count()).select_from(Review)
                                    .where(Review.submission_id == state.submission_id)) if state.submission_id else 0
        if not reviews:
            raise DomainError(_l("No reviewer has recorded an opinion on this submission yet; the public notice "
                                 "follows the review."), field="to_status")
        extra["notice_ends_on"] = notice_end(effective_on)
    elif to_status == "recognised":
        end = state.notice_ends_on or notice_end(state.last_date or effective_on)
        if effective_on <= end:
            raise DomainError(_l("The public notice runs until %(end)s; recognition can be recorded from %(next)s."),
                              field="effective_on", end=end.isoformat(),
                              next=(end + dt.timedelta(days=1)).isoformat())
    elif to_status == "in_construction":
        extra["cycle_ends_on"] = cycle_end(state.recognised_on or effective_on)
    elif frm == "in_construction":  # the evaluation: passed or rectification
        end = state.cycle_ends_on
        if end is not None and effective_on < end:
            raise DomainError(_l("The construction cycle ends on %(end)s; the evaluation can be recorded from then."),
                              field="effective_on", end=end.isoformat())
    if to_status == "rectification":
        if not isinstance(deadline, dt.date):
            raise DomainError(_l("A rectification needs a deadline."), field="deadline")
        if deadline <= effective_on:
            raise DomainError(_l("The rectification deadline must be after %(date)s."), field="deadline",
                              date=effective_on.isoformat())
        extra["deadline"] = deadline
    return record_change(base, to_status, actor=actor, effective_on=effective_on, reason=reason, evidence=evidence,
                         submission_id=state.submission_id, **extra)


def submission_of_state(state: LifecycleState) -> Submission | None:
    return db.session.get(Submission, state.submission_id) if state.submission_id else None
