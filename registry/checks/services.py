"""What the checks area does, as plain functions: open rounds, assign reviewers, submit bases
(with the frozen snapshot), record reviews, keep the construction plan. Services decide, change,
flush (the audit hook writes the log) and raise DomainError; they never commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from registry import authz, values as v
from registry.checks import lifecycle
from registry.checks.models import (AnnualReport, ApplicationRound, Objection, PlanTarget, Review, RoundReviewer,
                                    StatusChange, Submission, SummaryReport)
from registry.checks.queries import INDICATORS, eligibility_of, evaluation_many, reviewer_round_ids, yearly_actuals
from registry.checks.text import Joined, Msg
from registry.errors import EN, ZH, Checks, DomainError, Forbidden, _l, bilingual, in_locale
from registry.extensions import db
from registry.hooks import Hook
from registry.mentors.queries import ratio_as_of
from registry.orgs.models import UNIVERSITY_KINDS, Base, University
from registry.quality import services as quality

# The application area (above this one) fills it in its setup().
freeze_form = Hook("checks.freeze_form", "(submission, base, on, *, actor): freeze the application form with the snapshot")

MAX_QUOTA = 50
MAX_TARGET = 1_000_000


def ensure_no_conflict_in_round(user, round_id: int) -> None:
    """A round's reviewer reads every base submitted into it: refuse one affiliated with any of them."""
    quality.ensure_no_conflict(user, db.session.scalars(select(Base).join(Submission, Submission.base_id == Base.id)
                                                .where(Submission.round_id == round_id)))


# ---- rounds -----------------------------------------------------------------------------------

def _round_fields(year, opens_on, deadline, quota_ministry, quota_co_built, name, notes, check: Checks):
    """A round's fields, each broken one reported to `check` (the caller raises them all together)."""
    if not isinstance(deadline, dt.date):
        check.add(DomainError(_l("The deadline is required."), field="deadline"))
    if not isinstance(opens_on, dt.date):
        check.add(DomainError(_l("The opening date is required."), field="opens_on"))
    elif isinstance(deadline, dt.date) and deadline < opens_on:
        check.add(DomainError(_l("The deadline %(deadline)s is before the opening date %(opens)s."), field="deadline",
                              deadline=deadline.isoformat(), opens=opens_on.isoformat()))
    return dict(year=check(v.whole_number, year, "year", _l("Year"), 2000, 2100), opens_on=opens_on, deadline=deadline,
                quota_ministry=check(v.whole_number, quota_ministry, "quota_ministry", UNIVERSITY_KINDS["ministry"], 0,
                                     MAX_QUOTA),
                quota_co_built=check(v.whole_number, quota_co_built, "quota_co_built", UNIVERSITY_KINDS["co_built"], 0,
                                     MAX_QUOTA),
                name=check(v.text_value, name, "name", _l("Name"), 200),
                notes=check(v.text_value, notes, "notes", _l("Notes"), 4000))


def open_round(*, actor, year, deadline, opens_on=None, quota_ministry=3, quota_co_built=2, name="", notes=""
               ) -> ApplicationRound:
    """Open an application round (the administrator)."""
    if not authz.can_manage_rounds(actor):
        raise Forbidden(_l("Only an administrator may open application rounds."))
    check = Checks()
    fields = _round_fields(year, opens_on or lifecycle.today(), deadline, quota_ministry, quota_co_built, name, notes,
                           check)
    if fields["year"] is not None and db.session.scalar(select(func.count()).select_from(ApplicationRound)
                                                        .where(ApplicationRound.year == fields["year"])):
        check.add(DomainError(_l("A round for %(year)s exists already."), field="year", year=fields["year"]))
    check.done()
    if not fields["name"]:
        fields["name"] = bilingual(_l("Application round %(year)s"), year=fields["year"])[0]
    r = ApplicationRound(**fields)
    db.session.add(r)
    db.session.flush()
    return r


def update_round(r: ApplicationRound, *, actor, deadline, opens_on, quota_ministry, quota_co_built, name="",
                 notes="") -> ApplicationRound:
    """Change a round's dates and quotas; a quota cannot drop below the submissions already in."""
    if not authz.can_manage_rounds(actor):
        raise Forbidden(_l("Only an administrator may change application rounds."))
    check = Checks()
    fields = _round_fields(r.year, opens_on, deadline, quota_ministry, quota_co_built, name or r.name, notes, check)
    rows = db.session.execute(select(University.kind, Submission.university_id, func.count())
                              .join(University, University.id == Submission.university_id)
                              .where(Submission.round_id == r.id)
                              .group_by(University.kind, Submission.university_id))
    for kind, _uni, n in rows:
        key = "quota_ministry" if kind == "ministry" else "quota_co_built"
        if fields[key] is not None and fields[key] < n:
            check.add(DomainError(_l("A university of this kind already has %(n)s submissions in this round; the "
                                     "quota cannot be lower."), field=key, n=n))
            fields[key] = n  # reported once per kind
    first = db.session.scalar(select(func.min(Submission.submitted_on)).where(Submission.round_id == r.id))
    if first is not None and isinstance(fields["opens_on"], dt.date) and fields["opens_on"] > first:
        check.add(DomainError(_l("A submission arrived on %(date)s; the round cannot open later than that."),
                              field="opens_on", date=first.isoformat()))
    check.done()
    for key, value in fields.items():
        if key != "year":
            setattr(r, key, value)
    db.session.flush()
    return r


def assign_reviewer(r: ApplicationRound, user, *, actor) -> RoundReviewer:
    if not authz.can_manage_rounds(actor):
        raise Forbidden(_l("Only an administrator may assign reviewers."))
    if not authz.can_be_assigned_to_review(user):
        raise DomainError(_l("Only an active reviewer account can be assigned to a round."), field="user_id")
    existing = db.session.scalar(select(RoundReviewer).where(RoundReviewer.round_id == r.id,
                                                              RoundReviewer.user_id == user.id))
    if existing is not None:
        raise DomainError(_l("%(user)s is already assigned to this round."), field="user_id", user=user.username)
    # A reviewer of a round reviews every base submitted into it: never one of their own organisations.
    ensure_no_conflict_in_round(user, r.id)
    link = RoundReviewer(round_id=r.id, user_id=user.id)
    db.session.add(link)
    db.session.flush()
    return link


def unassign_reviewer(r: ApplicationRound, user_id: int, *, actor) -> None:
    if not authz.can_manage_rounds(actor):
        raise Forbidden(_l("Only an administrator may assign reviewers."))
    link = db.session.scalar(select(RoundReviewer).where(RoundReviewer.round_id == r.id,
                                                          RoundReviewer.user_id == user_id))
    if link is None:
        raise DomainError(_l("This reviewer is not assigned to the round."))
    db.session.delete(link)
    db.session.flush()


# ---- submissions ------------------------------------------------------------------------------

def _rule_label(result):
    """The rule in words, rendered in the reader's language: "R2 Enterprise-mentor share (clause 四(二))"."""
    return result.rule.in_words


def _eligibility_in_words(eligibility) -> dict:
    """The contract's JSON, and for pages each rule's title, measured and required values in words,
    in both languages (a frozen snapshot reads the same whatever the code says later)."""
    body = eligibility.as_json()
    for rule, result in zip(body["rules"], eligibility.results):
        for key, value in (("title", result.title), ("label", result.label), ("measured", result.measured_text),
                           ("required", result.required_text)):
            if isinstance(value, Msg):
                rule[f"{key}_zh"], rule[f"{key}_en"] = value.zh, value.en
            elif getattr(value, "_args", None):
                rule[f"{key}_zh"], rule[f"{key}_en"] = in_locale(ZH, value), in_locale(EN, value)
    return body


def build_snapshot(base: Base, eligibility, r: ApplicationRound, on: dt.date) -> dict:
    """The figures a submission was judged on, as plain JSON: the eligibility check, the ratio and
    the yearly counts of the three years up to the submission's, the base as it was."""
    ratio = ratio_as_of(on, [base.id])[0]
    first = on.year - 2
    actuals = yearly_actuals([base.id], first, on.year)
    counts = {}
    for key, ind in INDICATORS.items():
        counts[key] = {}
        for y in range(first, on.year + 1):
            value = actuals.get((base.id, key, y), 0)
            counts[key][str(y)] = round(float(value), 4) if ind.unit == "percent" else int(value)
    return {
        "version": 1,
        "taken_on": on.isoformat(),
        "round": {"year": r.year, "deadline": r.deadline.isoformat(),
                  "quota": r.quota_for(base.university.kind)},
        "base": {"code": base.code, "name": base.name, "field": base.field,
                 "university": base.university.name, "university_kind": base.university.kind,
                 "enterprises": [{"name": e.name, "scale": e.scale, "rd_focus": e.rd_focus,
                                  "practice_conditions": e.practice_conditions} for e in base.enterprises],
                 "cooperation_since": base.cooperation_since.isoformat(),
                 "excellent_engineer_programme": bool(base.excellent_engineer_programme)},
        "eligibility": _eligibility_in_words(eligibility),
        "ratio": ratio.as_json(),
        "counts": counts,
    }


def submit_base(r: ApplicationRound, base: Base, *, actor, on: dt.date | None = None) -> Submission:
    """Submit a base into a round on day `on` (today by default), or refuse with the rule broken.

    Refused: past the round's deadline (R7), beyond the university's quota (R6), when another
    rule fails on that day, when the base is not preparing an application (or not recognised in an
    earlier round), or twice into one round. The figures it was judged on are frozen with it.
    """
    if not authz.can_submit_base(actor, base):
        raise Forbidden(_l("Only the administrator or the coordinator of the base's university may submit it."))
    on = on or lifecycle.today()
    if on > lifecycle.today():
        raise DomainError(_l("The date %(date)s is in the future; record a step once it has happened."),
                          date=on.isoformat())
    if base.status not in lifecycle.SUBMITTABLE_FROM:
        raise DomainError(_l("The base %(code)s is %(status)s; only a base preparing its application (or not "
                             "recognised in an earlier round) can be submitted."),
                          code=base.code, status=lifecycle._label(base.status))
    if on < r.opens_on:
        raise DomainError(_l("The %(year)s round opens on %(date)s."), year=r.year, date=r.opens_on.isoformat())
    # Lock the round: two coordinators submitting at once cannot both take the last quota place.
    db.session.execute(select(ApplicationRound.id).where(ApplicationRound.id == r.id).with_for_update())
    existing = db.session.scalar(select(Submission).where(Submission.round_id == r.id, Submission.base_id == base.id))
    if existing is not None:
        raise DomainError(_l("The base %(code)s was already submitted into the %(year)s round on %(date)s."),
                          code=base.code, year=r.year, date=existing.submitted_on.isoformat())
    check = eligibility_of(base, on, round=r)
    for rule_id in ("R7", "R6"):
        result = check.result(rule_id)
        if not result.passed:
            raise DomainError(_l("Refused by rule %(rule)s: %(detail)s"), field=None,
                              rule=_rule_label(result), detail=result.message)
    if not check.eligible:
        raise DomainError(_l("The base is not eligible on %(date)s: %(rules)s. The eligibility check says what to "
                             "add."), date=on.isoformat(), rules=Joined(_rule_label(x) for x in check.failing))
    sub = Submission(round_id=r.id, base_id=base.id, university_id=base.university_id, submitted_on=on,
                     submitted_by_id=getattr(actor, "id", None), eligible=check.eligible,
                     snapshot=build_snapshot(base, check, r, on))
    db.session.add(sub)
    db.session.flush()
    # The application form (plan, narrative, figures, evidence list) is frozen with the snapshot.
    freeze_form(sub, base, on, actor=actor)
    zh, en = bilingual(_l("Submitted into the %(year)s round."), year=r.year)
    lifecycle.record_change(base, "submitted", actor=actor, effective_on=on, reason=f"{zh} / {en}",
                            submission_id=sub.id)
    return sub


# ---- reviews ----------------------------------------------------------------------------------

REVIEWABLE = ("submitted", "under_review")


def record_review(submission: Submission, *, actor, score, opinion) -> Review:
    """A reviewer's opinion and score (0–100), one per reviewer and submission (updated if given again)."""
    if not authz.can_review_submission(actor, submission, reviewer_round_ids(actor.id) if actor else None):
        raise Forbidden(_l("Only a reviewer assigned to this round may review its submissions."))
    base = submission.base
    quality.ensure_no_conflict(actor, [base])
    state = lifecycle.state_of(base)
    if base.status not in REVIEWABLE or state.submission_id != submission.id:
        raise DomainError(_l("Reviews are recorded while the base is submitted or under review; it is now "
                                 "%(status)s."), status=lifecycle._label(base.status))
    check = Checks()
    score = check(v.whole_number, score, "score", _l("Score"), 0, 100)
    opinion = check(v.text_value, opinion, "opinion", _l("Opinion"), 10000, required=True)
    check.done()
    review = db.session.scalar(select(Review).where(Review.submission_id == submission.id,
                                                    Review.reviewer_id == actor.id))
    if review is None:
        review = Review(submission_id=submission.id, reviewer_id=actor.id, base_id=submission.base_id)
        db.session.add(review)
    review.score, review.opinion = score, opinion
    db.session.flush()
    return review


# ---- construction plan ------------------------------------------------------------------------

def _plan_cycle(base: Base, actor, number: int | None = None):
    """The cycle whose plan may be changed: the current one, while the base is in a plan state."""
    if not authz.can_edit_plan(actor, base):
        raise Forbidden(_l("You may not change the construction plan of this base."))
    state = lifecycle.state_of(base)
    cycle = state.cycle
    if cycle is None or base.status not in lifecycle.PLAN_STATES:
        raise DomainError(_l("The construction plan is kept once the base is recognised; %(code)s is %(status)s."),
                          code=base.code, status=lifecycle._label(base.status))
    if number is not None and number != cycle.number:
        raise DomainError(_l("Cycle %(n)s is over; only the current cycle's plan (cycle %(current)s) can change."),
                          n=number, current=cycle.number)
    return cycle


def _year_numbers(cycle) -> tuple[int, ...]:
    return tuple(y.number for y in cycle.years)


def _year_number(cycle, year, field=None) -> int:
    numbers = _year_numbers(cycle)
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = None
    if number not in numbers:
        raise DomainError(_l("%(year)s is not a construction year of cycle %(n)s (%(years)s)."), field=field,
                          year=year, n=cycle.number, years=Joined(y.label for y in cycle.years))
    return number


def set_targets(base: Base, values: dict, *, actor, cycle_number: int | None = None) -> int:
    """Set the plan's targets: `values` maps (indicator, construction year number) to a whole number,
    or None to clear. All or nothing: one bad value and none is saved. Returns how many changed."""
    cycle = _plan_cycle(base, actor, cycle_number)
    clean = {}
    check = Checks()  # every wrong cell at once
    for (indicator, year), value in values.items():
        ind = INDICATORS.get(indicator)
        if ind is None:
            check.add(DomainError(_l("Unknown indicator: %(indicator)s"), indicator=indicator))
            continue
        year = check(_year_number, cycle, year)
        if year is None:
            continue
        field = f"t-{indicator}-{year}"
        if value is None or (isinstance(value, str) and not value.strip()):
            clean[(indicator, year)] = None
            continue
        high = 100 if ind.unit == "percent" else MAX_TARGET
        clean[(indicator, year)] = check(v.whole_number, value, field,
                                         Msg(_l("%(indicator)s, %(label)s"), indicator=ind.label,
                                             label=cycle.years[year - 1].label), 0, high)
    check.done()
    existing = {(t.indicator, t.year): t for t in db.session.scalars(
        select(PlanTarget).where(PlanTarget.cycle_id == cycle.id))}
    changed = 0
    for key, value in clean.items():
        row = existing.get(key)
        if value is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(PlanTarget(base_id=base.id, cycle_id=cycle.id, indicator=key[0], year=key[1],
                                      value=value))
            changed += 1
        elif row.value != value:
            row.value = value
            changed += 1
    db.session.flush()
    return changed


def save_annual_report(base: Base, year, *, actor, plan: str, summary: str) -> AnnualReport:
    """The annual plan and summary of construction year `year` (1-3) of the current cycle."""
    cycle = _plan_cycle(base, actor)
    check = Checks()
    year = check(_year_number, cycle, year, field="year")
    plan = check(v.text_value, plan, "plan", _l("Annual plan"), 20000)
    summary = check(v.text_value, summary, "summary", _l("Annual summary"), 20000)
    check.done()
    report = db.session.scalar(select(AnnualReport).where(AnnualReport.cycle_id == cycle.id,
                                                          AnnualReport.year == year))
    if report is None:
        report = AnnualReport(base_id=base.id, cycle_id=cycle.id, year=year)
        db.session.add(report)
    report.plan, report.summary = plan, summary
    db.session.flush()
    return report


# ---- the summary report of a cycle (总结报告) --------------------------------------------------

def _past_date(day, field: str, required, *, after: dt.date | None = None, too_early=None, **params) -> dt.date:
    """A day that has happened: given (`required` says so otherwise), not in the future, and not before
    `after` (`too_early` says so, with %(date)s and %(start)s)."""
    if not isinstance(day, dt.date):
        raise DomainError(required, field=field)
    if day > lifecycle.today():
        raise DomainError(_l("The date %(date)s is in the future; record a step once it has happened."),
                          field=field, date=day.isoformat())
    if after is not None and day < after:
        raise DomainError(too_early, field=field, date=day.isoformat(), start=after.isoformat(), **params)
    return day


def save_summary_report(base: Base, *, actor, reported_on, overview: str, built: dict) -> SummaryReport:
    """Record (or update, until the evaluation) the current cycle's summary report: an overview and,
    per indicator, what was built against its target; the registry's counts are filled in and frozen
    with it. The signed document is attached to it as evidence."""
    cycle = _plan_cycle(base, actor)
    if cycle.state != "in_construction" or base.status != "in_construction":
        raise DomainError(_l("The summary report of cycle %(n)s can no longer change: the cycle has been "
                             "evaluated."), n=cycle.number)
    check = Checks()
    check(_past_date, reported_on, "reported_on", _l("The date of the report is required."), after=cycle.starts_on,
          too_early=_l("The report's date %(date)s is before cycle %(n)s began (%(start)s)."), n=cycle.number)
    overview = check(v.text_value, overview, "overview", _l("Overview"), 20000, required=True)
    clean = {}
    for key, text in (built or {}).items():
        if key not in INDICATORS:
            check.add(DomainError(_l("Unknown indicator: %(indicator)s"), indicator=key))
            continue
        value = check(v.text_value, text, f"built-{key}", INDICATORS[key].label, 4000)
        if value:
            clean[key] = value
    check.done()
    ev = evaluation_many([base], {base.id: cycle})[base.id]
    report = db.session.scalar(select(SummaryReport).where(SummaryReport.cycle_id == cycle.id))
    if report is None:
        report = SummaryReport(base_id=base.id, cycle_id=cycle.id)
        db.session.add(report)
    report.reported_on, report.overview, report.built = reported_on, overview, clean
    report.figures = ev.figures()
    db.session.flush()
    return report


def summary_report_of(cycle_id: int) -> SummaryReport | None:
    return db.session.scalar(select(SummaryReport).where(SummaryReport.cycle_id == cycle_id))


# ---- objections to the public notice (异议) -----------------------------------------------------

def record_objection(base: Base, *, actor, raised_by: str, received_on, content: str) -> Objection:
    """An objection received during the base's public notice (start to start + 6 days)."""
    if not authz.can_decide_lifecycle(actor):
        raise Forbidden(_l("Only an administrator may record objections."))
    state = lifecycle.state_of(base)
    if base.status != "public_notice" or state.notice_starts_on is None:
        raise DomainError(_l("Objections are recorded during the public notice; %(code)s is %(status)s."),
                          code=base.code, status=lifecycle._label(base.status))
    check = Checks()
    if check(_past_date, received_on, "received_on", _l("The day the objection was received is required.")) and \
            not state.notice_starts_on <= received_on <= state.notice_ends_on:
        check.add(DomainError(_l("The public notice runs from %(start)s to %(end)s; an objection received on "
                                 "%(date)s is outside it."), field="received_on",
                              start=state.notice_starts_on.isoformat(), end=state.notice_ends_on.isoformat(),
                              date=received_on.isoformat()))
    raised_by = check(v.text_value, raised_by, "raised_by", _l("Raised by"), 200, required=True)
    content = check(v.text_value, content, "content", _l("Content"), 10000, required=True)
    check.done()
    objection = Objection(base_id=base.id, submission_id=state.submission_id, raised_by=raised_by,
                          received_on=received_on, content=content)
    db.session.add(objection)
    db.session.flush()
    return objection


def resolve_objection(objection: Objection, *, actor, resolved_on, resolution: str) -> Objection:
    """Record how an objection was resolved, and when (not before it was received)."""
    if not authz.can_decide_lifecycle(actor):
        raise Forbidden(_l("Only an administrator may record objections."))
    if objection.resolved_on is not None:
        raise DomainError(_l("This objection was resolved on %(date)s."), date=objection.resolved_on.isoformat())
    check = Checks()
    check(_past_date, resolved_on, "resolved_on", _l("The day of the resolution is required."),
          after=objection.received_on,
          too_early=_l("The resolution's date %(date)s is before the objection was received (%(received)s)."),
          received=objection.received_on.isoformat())
    resolution = check(v.text_value, resolution, "resolution", _l("Resolution"), 10000, required=True)
    check.done()
    objection.resolution = resolution
    objection.resolved_on = resolved_on
    db.session.flush()
    return objection


def objections_of(base_id: int) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(Objection.base_id == base_id)
                                   .order_by(Objection.received_on, Objection.id)))


def history_of(base: Base) -> list[StatusChange]:
    return lifecycle.state_of(base).history
