"""Writing the application (plan and narrative) while the base is prepared, freezing it with a
submission, and turning the frozen plan into the cycle's targets at recognition.

Plain functions: they never commit and never read the request; the acting user is `actor`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import authz, values as v
from registry.application.models import (CONTACTS, NARRATIVE, OPINIONS, PLAN_YEARS, ApplicationPlan, FrozenForm,
                                         IndicatorScore, ReviewIndicator)
from registry.application.queries import collect, frozen_form_of, indicators_of, plan_of
from registry.checks import lifecycle
from registry.checks.models import Objection, PlanTarget, Review, StatusChange
from registry.checks.queries import INDICATORS
from registry.checks.services import record_review
from registry.errors import Checks, DomainError, Forbidden, _l, bilingual
from registry.extensions import db
from registry.orgs.models import Base

EDITABLE_FROM = ("preparing", "not_recognised")  # = lifecycle.SUBMITTABLE_FROM
MAX_TARGET = 1_000_000
LIMITS = {"goals": 20000, "content": 20000, "safeguards": 20000, "funding": 20000, "contact_name": 100,
          "contact_phone": 40, "contact_email": 254, "university_opinion": 10000, "enterprise_opinion": 10000}
LABELS = {**NARRATIVE, **CONTACTS, **OPINIONS}


def _whole(value, low: int, high: int) -> int | None:
    """`value` as a whole number from `low` to `high`, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _clean_targets(targets, check: Checks) -> dict:
    """The targets by indicator and year; every wrong cell is reported to `check`."""
    clean: dict = {}
    for (indicator, year), value in (targets or {}).items():
        ind = INDICATORS.get(indicator)
        if ind is None:
            check.add(DomainError(_l("Unknown indicator: %(indicator)s"), indicator=indicator))
            continue
        year = _whole(year, min(PLAN_YEARS), max(PLAN_YEARS))
        if year not in PLAN_YEARS:
            check.add(DomainError(_l("The plan covers construction years 1 to 3; %(year)s is not one of them."),
                                  year=year))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        high = 100 if ind.unit == "percent" else MAX_TARGET
        number = _whole(value, 0, high)
        if number is None:
            check.add(DomainError(_l("%(indicator)s, year %(year)s: a whole number from 0 to %(high)s is required."),
                                  field=f"t-{indicator}-{year}", indicator=ind.label, year=year, high=high))
            continue
        clean.setdefault(indicator, {})[str(year)] = number
    return clean


def save_plan(base: Base, *, actor, fields: dict, targets: dict | None = None) -> ApplicationPlan:
    """Write the application's narrative parts (`fields`: name -> text, see `LABELS`) and, when
    given, its targets ({(indicator, year 1-3): whole number or None}), replacing the previous
    ones. Only while the base is prepared (or not recognised in an earlier round); all or nothing."""
    if not authz.can_edit_plan(actor, base):
        raise Forbidden(_l("You may not change the construction plan of this base."))
    if base.status not in EDITABLE_FROM:
        raise DomainError(_l("The application of %(code)s was submitted; its plan and form are frozen. The "
                             "construction plan is kept on the base's cycle once it is recognised."), code=base.code)
    clean = {}
    check = Checks()  # every part and every target cell at once
    for name, value in (fields or {}).items():
        if name not in LIMITS:
            check.add(DomainError(_l("Unknown part of the application form: %(name)s"), name=name))
            continue
        clean[name] = check(v.within_length, (value or "").replace("\r\n", "\n").strip(), name, LABELS[name],
                            LIMITS[name])
    new_targets = _clean_targets(targets, check) if targets is not None else None
    check.done()
    plan = plan_of(base.id)
    if plan is None:
        plan = ApplicationPlan(base_id=base.id, targets={})
        db.session.add(plan)
    for name, text in clean.items():
        if getattr(plan, name) != text:
            setattr(plan, name, text)
    if new_targets is not None and new_targets != (plan.targets or {}):
        plan.targets = new_targets
    db.session.flush()
    return plan


def freeze_form(submission, base: Base, on: dt.date, *, actor) -> FrozenForm:
    """Freeze the form (plan, narrative, figures, evidence list) with a submission (called by
    `checks.services.submit_base`, in its transaction)."""
    form = FrozenForm(submission_id=submission.id, base_id=base.id, data=collect(base, on))
    db.session.add(form)
    db.session.flush()
    return form


def plan_to_cycle(base: Base, cycle, submission_id: int | None) -> int:
    """At recognition, the frozen plan's targets become the new cycle's (no second typing).
    Returns how many targets were written."""
    form = frozen_form_of(submission_id) if submission_id else None
    plan = (form.data.get("plan") if form is not None else None) or {}
    existing = {(t.indicator, t.year) for t in db.session.scalars(
        select(PlanTarget).where(PlanTarget.cycle_id == cycle.id))}
    written = 0
    for indicator, years in (plan.get("targets") or {}).items():
        for year, value in years.items():
            if (indicator, int(year)) in existing or value is None:
                continue
            db.session.add(PlanTarget(base_id=base.id, cycle_id=cycle.id, indicator=indicator, year=int(year),
                                      value=int(value)))
            written += 1
    db.session.flush()
    return written


# ---- the reviewers' file: indicators and scores (评审指标) ------------------------------------------

def set_indicators(r, items, *, actor) -> list:
    """Set a round's review indicators: `items` is [(name, weight)] in order (weights 1-100).
    Refused once a reviewer has scored the round against them (the totals would change under them)."""
    if not authz.can_manage_rounds(actor):
        raise Forbidden(_l("Only the administrator sets a round's review indicators."))
    clean, seen = [], set()
    check = Checks()  # every wrong line at once
    for i, (name, weight) in enumerate(items, start=1):
        name = (name or "").strip()
        if not name or len(name) > 200:
            check.add(DomainError(_l("Indicator %(n)s: a name of 1 to 200 characters is required."),
                                  field="indicators", n=i))
            continue
        if name in seen:
            check.add(DomainError(_l("The indicator %(name)s is listed twice."), field="indicators", name=name))
        seen.add(name)
        weight = _whole(weight, 1, 100)
        if weight is None:
            check.add(DomainError(_l("Indicator %(name)s: the weight must be a whole number from 1 to 100."),
                                  field="indicators", name=name))
        clean.append((name, weight))
    if not clean and check.ok:
        check.add(DomainError(_l("A round needs at least one review indicator."), field="indicators"))
    check.done()
    existing = list(db.session.scalars(select(ReviewIndicator).where(ReviewIndicator.round_id == r.id)))
    if existing and db.session.scalar(select(IndicatorScore.id).where(
            IndicatorScore.indicator_id.in_([x.id for x in existing])).limit(1)) is not None:
        raise DomainError(_l("Reviewers have already scored this round; its indicators can no longer change."),
                          field="indicators")
    for row in existing:
        db.session.delete(row)
    db.session.flush()
    made = [ReviewIndicator(round_id=r.id, name=name, weight=weight, position=i)
            for i, (name, weight) in enumerate(clean, start=1)]
    db.session.add_all(made)
    db.session.flush()
    return made


def weighted_total(scores: dict, indicators) -> int:
    """The weighted mean of the scores, rounded half up to a whole number."""
    from fractions import Fraction

    total_weight = sum(i.weight for i in indicators)
    value = Fraction(sum(scores[i.id] * i.weight for i in indicators), total_weight)
    return int(value + Fraction(1, 2))


def score_submission(submission, *, actor, scores: dict, opinion: str):
    """A reviewer scores each of the round's indicators (0-100) and writes an opinion; the review's
    score is the weighted mean (recorded through `checks.services.record_review`, with its rules:
    only a reviewer assigned to the round, while the base is submitted or under review)."""
    indicators = indicators_of(submission.round_id)
    if not indicators:
        raise DomainError(_l("The administrator has not set this round's review indicators yet."))
    clean = {}
    check = Checks()  # every missing score and the opinion at once
    for ind in indicators:
        number = _whole(scores.get(ind.id, scores.get(str(ind.id))), 0, 100)
        if number is None:
            check.add(DomainError(_l("%(name)s: a score from 0 to 100 is required."), field=f"s-{ind.id}",
                                  name=ind.name))
        clean[ind.id] = number
    if not check.ok:
        check(v.text_value, opinion, "opinion", _l("Opinion"), 10000, required=True)
    check.done()
    review = record_review(submission, actor=actor, score=weighted_total(clean, indicators), opinion=opinion)
    existing = {s.indicator_id: s for s in db.session.scalars(
        select(IndicatorScore).where(IndicatorScore.review_id == review.id))}
    for ind_id, number in clean.items():
        row = existing.get(ind_id)
        if row is None:
            db.session.add(IndicatorScore(review_id=review.id, indicator_id=ind_id, score=number))
        elif row.score != number:
            row.score = number
    db.session.flush()
    return review


# ---- the university's round: withdraw an application before the deadline ---------------------------

def withdraw_submission(submission, *, actor, on: dt.date | None = None) -> None:
    """Withdraw an application (the administrator or the coordinator of the base's university), on
    or before the round's deadline and before any review: the submission and its frozen form go,
    its quota place is free again, and the base steps back to where it was before submitting (the
    step is recorded in its history). It can be submitted again before the deadline."""
    base = submission.base
    if not authz.can_submit_base(actor, base):
        raise Forbidden(_l("Only the administrator or the coordinator of the base's university may withdraw its "
                           "application."))
    on = on or lifecycle.today()
    r = submission.round
    if on > r.deadline:
        raise DomainError(_l("The %(year)s round closed on %(date)s; an application can be withdrawn until its "
                             "deadline."), year=r.year, date=r.deadline.isoformat())
    state = lifecycle.state_of(base)
    if base.status != "submitted" or state.submission_id != submission.id:
        raise DomainError(_l("Only an application waiting for review can be withdrawn; %(code)s is %(status)s."),
                          code=base.code, status=lifecycle._label(base.status))
    if db.session.scalar(select(Review.id).where(Review.submission_id == submission.id).limit(1)) is not None:
        raise DomainError(_l("A reviewer has already reviewed this application; it can no longer be withdrawn."))
    back_to = state.last.from_status if state.last is not None else "preparing"
    for model in (StatusChange, Objection):
        for row in db.session.scalars(select(model).where(model.submission_id == submission.id)):
            row.submission_id = None
    for form in db.session.scalars(select(FrozenForm).where(FrozenForm.submission_id == submission.id)):
        db.session.delete(form)
    db.session.flush()
    db.session.delete(submission)
    db.session.flush()
    zh, en = bilingual(_l("Application withdrawn from the %(year)s round."), year=r.year)
    lifecycle.record_change(base, back_to, actor=actor, effective_on=max(on, state.last_date or on),
                            reason=f"{zh} / {en}")
