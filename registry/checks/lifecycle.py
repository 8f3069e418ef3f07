"""The life of a base (domain.md, "The life of a base") as a table of allowed transitions.

    preparing ──submission──▶ submitted ──▶ under_review ──▶ public_notice ──▶ recognised
                                                 │                │                 │
                                                 └──▶ not_recognised ◀──┘                 ▼
                                                      │ (a later round)         in_construction ◀──┐
                                                      └──submission──▶ submitted        │   (next cycle)
                                                                  passed ◀──┬──────────┤          │
                                                                     │      │          ▼          │
                                                                     │      └── rectification ──▶ revoked
                                                                     └────────────────────────────┘

Only an administrator moves a base (except into `submitted`, which only a submission into an
application round does, see services.submit_base). Every step has the day it took effect, a
reason, optional evidence (a document number), who recorded it, and is audited. Dates:

- a public notice lasts 7 days: it ends on start + 6 (both days included), and recognition can
  be recorded from the day after it ends, once every objection (异议) received is resolved;
- construction cycle n runs from its start S to S + 3 years - 1 day, both included (cycle 1
  starts on the day of recognition; relativedelta: 29 February + 1 year is 28 February); its
  three construction years are year k from S + (k-1) years to S + k years - 1 day;
- the evaluation (a grade: passed, or "fail" and rectification with a deadline after its own
  date) is recorded from the day after the cycle ends, once the cycle's summary report and its
  signed document are on record;
- the rectification's re-evaluation: accepted (passed) any day, not accepted (revoked) from the
  deadline on;
- a next cycle starts no earlier than the day after the previous one ended;
- no step is dated before the previous one, nor in the future.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_, select

from registry import authz, values as v
from registry.checks.models import (CYCLE_YEARS, GRADES, ConstructionYear, Cycle, CycleEvaluation, EvaluationExpert,
                                    Objection, Review, StatusChange, Submission, SummaryReport, construction_years)
from registry.checks.text import Joined, Msg
from registry.errors import Checks, DomainError, Forbidden, _l
from registry.evidence.queries import attachment_counts
from registry.extensions import db
from registry.hooks import Hook
from registry.models_common import ids_in
from registry.orgs.models import BASE_STATUSES, Base

# The application area (above this one) fills it in its setup().
plan_to_cycle = Hook("checks.plan_to_cycle",
                     "(base, cycle, submission_id): the application's frozen plan becomes the new cycle's targets")

NOTICE_DAYS = 7

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
    ("passed", "in_construction"): _l("Start the next construction cycle"),
}
# The evaluation's steps (a grade) and the re-evaluation's (accepted or not).
EVALUATION_STEPS = {("in_construction", "passed"), ("in_construction", "rectification")}
RE_EVALUATION_STEPS = {("rectification", "passed"), ("rectification", "revoked")}
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


def cycle_end(starts_on: dt.date) -> dt.date:
    """The last day of a cycle starting on `starts_on`: S + 3 years - 1 day."""
    return starts_on + relativedelta(years=CYCLE_YEARS) - dt.timedelta(days=1)


@dataclass
class LifecycleState:
    """Where a base is in its life, with the dates its history sets and its construction cycles."""

    status: str
    history: list = field(default_factory=list)  # StatusChange, oldest first
    cycles: list = field(default_factory=list)  # Cycle, by number
    submission_id: int | None = None
    submitted_on: dt.date | None = None
    review_started_on: dt.date | None = None
    notice_starts_on: dt.date | None = None
    notice_ends_on: dt.date | None = None
    recognised_on: dt.date | None = None
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

    @property
    def cycle(self) -> Cycle | None:
        """The current (latest) construction cycle, None before recognition."""
        return self.cycles[-1] if self.cycles else None

    @property
    def cycle_number(self) -> int | None:
        return self.cycle.number if self.cycle else None

    @property
    def cycle_starts_on(self) -> dt.date | None:
        return self.cycle.starts_on if self.cycle else None

    @property
    def cycle_ends_on(self) -> dt.date | None:
        return self.cycle.ends_on if self.cycle else None

    @property
    def evaluation_from(self) -> dt.date | None:
        return self.cycle.evaluation_from if self.cycle else None

    @property
    def construction_years(self) -> tuple[ConstructionYear, ...]:
        return construction_years(self.cycle.starts_on) if self.cycle else ()

    def cycle_no(self, number) -> Cycle | None:
        return next((c for c in self.cycles if c.number == number), None)

    def rectification_due(self, as_of: dt.date, within_days: int = 30) -> bool:
        return (self.status == "rectification" and self.rectification_deadline is not None
                and self.rectification_deadline <= as_of + dt.timedelta(days=within_days))

    def apply(self, change: StatusChange) -> None:
        to = change.to_status
        self.history.append(change)
        self.status = to
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
            self.rectification_deadline = self.evaluated_on = None
        elif to == "rectification":
            self.evaluated_on = change.effective_on
            self.rectification_deadline = change.deadline
        elif to in ("passed", "revoked"):
            self.evaluated_on = change.effective_on


def states_many(bases, as_of: dt.date | None = None) -> dict[int, LifecycleState]:
    """The life-cycle state of each base, from its history and its cycles, in two queries; with
    `as_of`, the state on that day (steps and cycles after it left out)."""
    bases = list(bases)
    states = {b.id: LifecycleState(b.status if as_of is None else "preparing") for b in bases}
    if not states:
        return states
    stmt = (select(StatusChange).where(ids_in(StatusChange.base_id, states))
            .order_by(StatusChange.base_id, StatusChange.effective_on, StatusChange.id))
    if as_of is not None:
        stmt = stmt.where(StatusChange.effective_on <= as_of)
    for change in db.session.scalars(stmt):
        states[change.base_id].apply(change)
    if as_of is None:
        for b in bases:
            states[b.id].status = b.status
    stmt = select(Cycle).where(ids_in(Cycle.base_id, states)).order_by(Cycle.base_id, Cycle.number)
    if as_of is not None:
        stmt = stmt.where(Cycle.starts_on <= as_of)
    for c in db.session.scalars(stmt):
        states[c.base_id].cycles.append(c)
    return states


def state_of(base, as_of: dt.date | None = None) -> LifecycleState:
    return states_many([base], as_of)[base.id]


def objection_open(as_of: dt.date | None = None):
    """The SQL condition of an objection still open (as of `as_of`: received by then and not resolved
    by then; None: not resolved at all). `Objection.open_on` is the same rule for one object."""
    if as_of is None:
        return Objection.resolved_on.is_(None)
    return (Objection.received_on <= as_of) & or_(Objection.resolved_on.is_(None), Objection.resolved_on > as_of)


def open_objections(base_ids, as_of: dt.date | None = None) -> dict[int, int]:
    """{base_id: objections received (by `as_of`) and not resolved (by then)}. One query."""
    ids = list(base_ids)
    stmt = (select(Objection.base_id, func.count()).where(ids_in(Objection.base_id, ids), objection_open(as_of))
            .group_by(Objection.base_id))
    counts = dict(db.session.execute(stmt).all())
    return {b: counts.get(b, 0) for b in ids}


def show(base, as_of: dt.date | None = None) -> dict:
    """The contract's JSON of `base show` (spec/interfaces.md, "Life cycle")."""
    state = state_of(base, as_of)
    cycle = state.cycle
    return {
        "base": base.code,
        "status": state.status,
        "cycle": cycle.number if cycle else None,
        "recognised_on": state.recognised_on.isoformat() if state.recognised_on else None,
        "cycle_starts_on": cycle.starts_on.isoformat() if cycle else None,
        "cycle_ends_on": cycle.ends_on.isoformat() if cycle else None,
        "construction_years": [y.as_json() for y in state.construction_years],
        "evaluation_from": cycle.evaluation_from.isoformat() if cycle else None,
        "rectification_deadline": (state.rectification_deadline.isoformat()
                                   if state.status == "rectification" and state.rectification_deadline else None),
        "open_objections": open_objections([base.id], as_of)[base.id],
    }


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
    return effective_on


def _new_cycle(base: Base, frm: str, to_status: str, effective_on: dt.date, state: LifecycleState) -> Cycle | None:
    """The cycle a step opens: recognition opens cycle 1 on its day; a passed base's step into
    construction opens the next one on its day (a base recognised before cycles were recorded gets
    cycle 1 from its recognition when it starts construction)."""
    cycle = state.cycle
    if to_status == "recognised" or (to_status == "in_construction" and frm == "passed"):
        start = effective_on
    elif to_status == "in_construction" and cycle is None:
        start = state.recognised_on or effective_on
    else:
        return None
    return Cycle(base_id=base.id, number=cycle.number + 1 if cycle else 1, starts_on=start, ends_on=cycle_end(start))


def record_change(base: Base, to_status: str, *, actor, effective_on: dt.date, reason: str, evidence: str = "",
                  submission_id: int | None = None, notice_ends_on=None, deadline=None,
                  state: LifecycleState | None = None) -> StatusChange:
    """Write one step and move the base, with the cycle the step opens (no rule checked here:
    callers decide). The step records the end of the cycle it opens or starts building."""
    state = state or state_of(base)
    cycle = _new_cycle(base, base.status, to_status, effective_on, state)
    if cycle is not None:
        db.session.add(cycle)
    current = cycle or state.cycle
    cycle_ends_on = current.ends_on if current is not None and to_status in ("recognised", "in_construction") else None
    change = StatusChange(base_id=base.id, submission_id=submission_id, from_status=base.status, to_status=to_status,
                          effective_on=effective_on, reason=reason, evidence=evidence,
                          actor_id=getattr(actor, "id", None),
                          actor_label=(getattr(actor, "username", None) or "system")[:120],
                          notice_ends_on=notice_ends_on, cycle_ends_on=cycle_ends_on, deadline=deadline)
    db.session.add(change)
    base.status = to_status
    db.session.flush()
    if cycle is not None and to_status == "recognised":
        # The application's frozen plan becomes the new cycle's targets (no second typing).
        plan_to_cycle(base, cycle, submission_id)
    return change


def _experts(experts) -> list[dict]:
    """Validated expert lines: a name (required on a line that has anything), a score 0-100 or none,
    an opinion."""
    clean = []
    for i, line in enumerate(experts or (), start=1):
        name = (line.get("name") or "").strip()
        score, opinion = line.get("score"), (line.get("opinion") or "").strip()
        if not name and score in (None, "") and not opinion:
            continue
        if not name:
            raise DomainError(_l("Expert %(n)s: the name is required."), field="experts", n=i)
        if len(name) > 120:
            raise DomainError(_l("Expert %(n)s: the name may have at most %(max)s characters."), field="experts",
                              n=i, max=120)
        if score in (None, ""):
            score = None
        else:
            try:
                score = int(score)
            except (TypeError, ValueError):
                score = -1
            if not 0 <= score <= 100:
                raise DomainError(_l("Expert %(n)s: the score must be a whole number from 0 to 100."),
                                  field="experts", n=i)
        if len(opinion) > 10000:
            raise DomainError(_l("Expert %(n)s: the opinion may have at most %(max)s characters."),
                              field="experts", n=i, max=10000)
        clean.append({"name": name, "score": score, "opinion": opinion})
    return clean


def _check_summary_report(base, cycle: Cycle) -> None:
    report = db.session.scalar(select(SummaryReport).where(SummaryReport.cycle_id == cycle.id))
    if report is None:
        raise DomainError(_l("The summary report of cycle %(n)s is not on record; the evaluation needs it."),
                          field="to_status", n=cycle.number)
    if not attachment_counts("summary_report", [report.id]).get(report.id):
        raise DomainError(_l("The signed summary report of cycle %(n)s is not attached; the evaluation needs it."),
                          field="to_status", n=cycle.number)


def transition(base: Base, to_status: str, *, actor, effective_on: dt.date, reason: str, evidence: str = "",
               deadline: dt.date | None = None, grade: str | None = None, experts=None,
               support_conditions: str = "", support_enrolment: str = "", support_other: str = ""
               ) -> StatusChange:
    """Move a base one step through its life, as the administrator, or refuse with a message.

    The evaluation (from in_construction to passed or rectification) needs a `grade` ("fail" for
    rectification, with a `deadline`), and records the experts (name, score, opinion) and the
    support granted; the rectification's end records its re-evaluation (accepted or not)."""
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
    # Every broken field and rule of the step at once; the rules that compare dates only once the
    # date itself is sound.
    check = Checks()
    reason = (reason or "").strip()
    if not reason:
        check.add(DomainError(_l("A reason is required for every step."), field="reason"))
    elif len(reason) > 4000:
        check.add(DomainError(_l("The reason may have at most %(n)s characters."), field="reason", n=4000))
    evidence = (evidence or "").strip()
    if len(evidence) > 500:
        check.add(DomainError(_l("The evidence reference may have at most %(n)s characters."), field="evidence",
                              n=500))
    state = state_of(base)
    dated = check(_check_date, effective_on, state) is not None
    cycle = state.cycle
    extra = {}
    evaluation = None
    if to_status == "public_notice":
        reviews = db.session.scalar(select(db.func.count()).select_from(Review)
                                    .where(Review.submission_id == state.submission_id)) if state.submission_id else 0
        if not reviews:
            check.add(DomainError(_l("No reviewer has recorded an opinion on this submission yet; the public notice "
                                     "follows the review."), field="to_status"))
        if dated:
            extra["notice_ends_on"] = notice_end(effective_on)
    elif to_status == "recognised":
        end = state.notice_ends_on or notice_end(state.last_date or effective_on) if dated else None
        if dated and effective_on <= end:
            check.add(DomainError(_l("The public notice runs until %(end)s; recognition can be recorded from "
                                     "%(next)s."), field="effective_on", end=end.isoformat(),
                                  next=(end + dt.timedelta(days=1)).isoformat()))
        pending = open_objections([base.id])[base.id]
        if pending:
            check.add(DomainError(_l("%(n)s objection(s) to the public notice are not resolved yet; recognition "
                                     "waits until every objection is resolved."), field="to_status", n=pending))
    elif to_status == "in_construction" and frm == "passed" and cycle is not None:  # the next cycle
        earliest = cycle.ends_on + dt.timedelta(days=1)
        if dated and effective_on < earliest:
            check.add(DomainError(_l("Cycle %(n)s ends on %(end)s; the next cycle can start from %(next)s."),
                                  field="effective_on", n=cycle.number, end=cycle.ends_on.isoformat(),
                                  next=earliest.isoformat()))
    elif (frm, to_status) in EVALUATION_STEPS:
        if dated and effective_on < cycle.evaluation_from:
            check.add(DomainError(_l("Cycle %(n)s ends on %(end)s; the evaluation can be recorded from %(next)s."),
                                  field="effective_on", n=cycle.number, end=cycle.ends_on.isoformat(),
                                  next=cycle.evaluation_from.isoformat()))
        if grade not in GRADES:
            check.add(DomainError(_l("The evaluation needs a grade: excellent, good, pass or fail."), field="grade"))
        elif (grade == "fail") != (to_status == "rectification"):
            check.add(DomainError(_l("The grade %(grade)s does not lead to %(state)s: a failed evaluation means "
                                     "rectification, any other grade a pass."), field="grade",
                                  grade=Msg(GRADES[grade]), state=_label(to_status)))
        check(_check_summary_report, base, cycle)
        evaluation = CycleEvaluation(base_id=base.id, cycle_id=cycle.id, kind="evaluation", evaluated_on=effective_on,
                                     grade=grade)
    elif (frm, to_status) in RE_EVALUATION_STEPS:
        deadline_on = state.rectification_deadline
        if dated and to_status == "revoked" and deadline_on is not None and effective_on < deadline_on:
            check.add(DomainError(_l("The rectification deadline is %(deadline)s; the recognition can be revoked "
                                     "from then, not before."), field="effective_on",
                                  deadline=deadline_on.isoformat()))
        evaluation = CycleEvaluation(base_id=base.id, cycle_id=cycle.id, kind="re_evaluation",
                                     evaluated_on=effective_on, accepted=(to_status == "passed"))
    if to_status == "rectification":
        if not isinstance(deadline, dt.date):
            check.add(DomainError(_l("A rectification needs a deadline."), field="deadline"))
        elif dated and deadline <= effective_on:
            check.add(DomainError(_l("The rectification deadline must be after %(date)s."), field="deadline",
                                  date=effective_on.isoformat()))
        extra["deadline"] = deadline
        if evaluation is not None:
            evaluation.deadline = deadline
    if evaluation is not None:
        evaluation.support_conditions = check(v.text_value, support_conditions, "support_conditions",
                                              _l("Support granted: training conditions"), 4000)
        evaluation.support_enrolment = check(v.text_value, support_enrolment, "support_enrolment",
                                             _l("Support granted: enrolment plan"), 4000)
        evaluation.support_other = check(v.text_value, support_other, "support_other", _l("Support granted: other"),
                                         4000)
        lines = check(_experts, experts)
    check.done()
    change = record_change(base, to_status, actor=actor, effective_on=effective_on, reason=reason, evidence=evidence,
                           submission_id=state.submission_id, state=state, **extra)
    if evaluation is not None:
        evaluation.status_change_id = change.id
        evaluation.experts = [EvaluationExpert(base_id=base.id, **line) for line in lines]
        db.session.add(evaluation)
        cycle.state = to_status
    db.session.flush()
    return change


def plan_cycle(state: LifecycleState, number: int | None = None) -> Cycle | None:
    """The cycle whose plan, reports and evaluation a page shows: cycle `number`, or the current one."""
    if number is None:
        return state.cycle
    return state.cycle_no(number)


def submission_of_state(state: LifecycleState) -> Submission | None:
    return db.session.get(Submission, state.submission_id) if state.submission_id else None
