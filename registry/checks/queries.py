"""What the checks area computes and others read: the eligibility of many bases at once, rounds
and their quota use, and the evaluation (targets beside the registry's own counts).

One source of truth: the base page, the command line, the API, the dashboard, the submission
snapshot and the exports all call these functions, which read the counts from the other areas'
`queries.py`. Every function runs a fixed number of queries, whatever the number of bases.
"""
from __future__ import annotations

import datetime as dt
from operator import attrgetter
from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import force_locale, get_translations
from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from registry import authz, cache
from registry.checks import lifecycle
from registry.checks.facts import Facts, load_bases
from registry.checks.models import (AnnualReport, ApplicationRound, Objection, PlanTarget, Review, RoundReviewer,
                                    Submission, SummaryReport)
from registry.checks.rules import Outcome, Rule, rules_in_order
from registry.checks.text import render
from registry.collector import gc_paused
from registry.errors import EN, ZH, _l
from registry.evidence.queries import attachment_counts
from registry.exchanges import queries as exchange_queries
from registry.extensions import db
from registry.mentors import queries as mentor_queries
from registry.orgs.models import Base, University
from registry.orgs.queries import with_parties
from registry.periods import calendar_periods
from registry.teaching import queries as teaching_queries


# ---- eligibility ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    outcome: Outcome

    # Read through to the rule: id, name, clause, title, clause_words, label, in_words; and to the
    # outcome: passed, measured, required, message, links, applicable (set below the class).
    # In words for pages; the terse values when a rule gives none.
    measured_text = property(lambda self: self.outcome.measured_words or self.outcome.measured)
    required_text = property(lambda self: self.outcome.required_words or self.outcome.required)

    def as_json(self, messages: bool = True) -> dict:
        body = {"id": self.id, "name": self.name, "clause": self.clause, "passed": self.passed,
                "measured": self.measured, "required": self.required}
        if messages:
            body.update(message_zh=self.message.zh, message_en=self.message.en)
        return body


for _part, _names in (("rule", ("id", "name", "clause", "title", "clause_words", "label", "in_words")),
                      ("outcome", ("passed", "measured", "required", "message", "links", "applicable"))):
    for _name in _names:
        setattr(RuleResult, _name, property(attrgetter(f"{_part}.{_name}")))


@dataclass(frozen=True)
class Eligibility:
    base: Base
    as_of: dt.date
    results: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failing(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    def result(self, rule_id: str) -> RuleResult:
        return next(r for r in self.results if r.id == rule_id)

    def as_json(self) -> dict:
        """The contract's JSON (spec/interfaces.md, "Eligibility check")."""
        zh, en = _render_all([r.message for r in self.results])
        return {"base": self.base.code, "as_of": self.as_of.isoformat(), "eligible": self.eligible,
                "rules": [{**r.as_json(messages=False), "message_zh": z, "message_en": e}
                          for r, z, e in zip(self.results, zh, en)]}


def _render_all(messages) -> tuple[list[str], list[str]]:
    """Every message in Chinese, then in English: one switch of locale each, not one per message."""
    rendered = []
    for locale, zh in ((ZH, True), (EN, False)):
        with force_locale(locale):
            translations = get_translations()
            rendered.append([render(m, translations, zh) for m in messages])
    return rendered[0], rendered[1]


@gc_paused()
def eligibility_many(base_ids, as_of: dt.date, round: ApplicationRound | None = None, bases=None, facts=None
                     ) -> dict[int, Eligibility]:
    """The check of every base in `base_ids` (None: all bases), sorted by code, in a fixed number of
    queries. `bases`: already loaded Base objects (with university and enterprises) to reuse;
    `facts`: a Facts of those bases, to read the same figures afterwards (the dashboard's ratio)."""
    if bases is None:
        bases = load_bases(base_ids)
    if facts is None:
        facts = Facts(bases, as_of, round)
    rules = rules_in_order()
    return {b.id: Eligibility(b, as_of, tuple(RuleResult(r, r.evaluate(b, facts)) for r in rules)) for b in bases}


def eligibility_of(base: Base, as_of: dt.date, round: ApplicationRound | None = None) -> Eligibility:
    return eligibility_many([base.id], as_of, round, bases=[base])[base.id]


# ---- rounds -----------------------------------------------------------------------------------

def eligibility_cached(base: Base, as_of: dt.date) -> Eligibility:
    """`eligibility_of` from the figures cache: the same answer until something is written."""
    return cache.cached("eligibility", lambda: eligibility_of(base, as_of), base.id, as_of)


def eligibility_json_cached(base: Base, as_of: dt.date) -> dict:
    """The contract's JSON of one base's check, from the figures cache (the messages rendered once in
    both languages when computed, not on every request)."""
    return cache.cached("eligibility-json", lambda: eligibility_of(base, as_of).as_json(), base.id, as_of)


def eligibility_json_of_bases(as_of: dt.date, base_ids: list[int] | None) -> list[str]:
    """The contract's JSON of the check of every base in `base_ids` (None: every base), by code, each
    already encoded (a JSON text per base, as the app's JSON provider writes it).

    The check of every base is computed once per day and state of the data (a fixed number of
    queries, see `eligibility_many`), encoded, and kept in the figures cache; a viewer's bases are
    picked from it, so a view neither checks nor encodes 200 bases again."""
    def compute():
        return [(base_id, current_app.json.dumps(check.as_json()))
                for base_id, check in eligibility_many(None, as_of).items()]

    everything = cache.cached("eligibility-all-json", compute, as_of)
    if base_ids is None:
        return [text for _, text in everything]
    wanted = set(base_ids)
    return [text for base_id, text in everything if base_id in wanted]


def rounds():
    return select(ApplicationRound).order_by(ApplicationRound.year.desc())


def rounds_for(user):
    """The rounds a user may see: all for administrators and university coordinators, the assigned
    ones for reviewers."""
    stmt = rounds()
    if authz.sees_assigned_rounds_only(user):
        stmt = stmt.where(ApplicationRound.id.in_(select(RoundReviewer.round_id).where(RoundReviewer.user_id == user.id)))
    return stmt


def reviewer_round_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(select(RoundReviewer.round_id).where(RoundReviewer.user_id == user_id)))


def submissions_of_round(round_id: int, university_id: int | None = None) -> list[Submission]:
    """A round's submissions with base, university and reviews eager-loaded."""
    stmt = (select(Submission).join(Base, Base.id == Submission.base_id)
            .options(selectinload(Submission.base), selectinload(Submission.university),
                     selectinload(Submission.reviews), selectinload(Submission.submitted_by),
                     defer(Submission.snapshot))
            .where(Submission.round_id == round_id).order_by(Submission.id))
    if university_id is not None:
        stmt = stmt.where(Submission.university_id == university_id)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class QuotaUse:
    round: ApplicationRound
    university: University
    used: int

    @property
    def quota(self) -> int:
        return self.round.quota_for(self.university.kind)

    @property
    def left(self) -> int:
        return max(0, self.quota - self.used)


def quota_use(round_ids=None, university_ids=None) -> list[QuotaUse]:
    """Submissions per round and university against the quota, in two queries."""
    stmt = (select(Submission.round_id, Submission.university_id, func.count())
            .group_by(Submission.round_id, Submission.university_id))
    if round_ids is not None:
        stmt = stmt.where(Submission.round_id.in_(list(round_ids)))
    if university_ids is not None:
        stmt = stmt.where(Submission.university_id.in_(list(university_ids)))
    counts = {(r, u): n for r, u, n in db.session.execute(stmt)}
    if not counts:
        return []
    round_map = {r.id: r for r in db.session.scalars(
        select(ApplicationRound).where(ApplicationRound.id.in_({r for r, _u in counts})))}
    uni_map = {u.id: u for u in db.session.scalars(select(University).where(University.id.in_({u for _r, u in counts})))}
    rows = [QuotaUse(round_map[r], uni_map[u], n) for (r, u), n in counts.items()]
    return sorted(rows, key=lambda q: (-q.round.year, q.university.name))


def submissions_of_base(base_id: int) -> list[Submission]:
    return list(db.session.scalars(select(Submission).options(selectinload(Submission.round), defer(Submission.snapshot))
                                   .where(Submission.base_id == base_id)
                                   .order_by(Submission.submitted_on.desc(), Submission.id.desc())))


def reviews_of(submission_id: int) -> list[Review]:
    return list(db.session.scalars(select(Review).options(selectinload(Review.reviewer))
                                   .where(Review.submission_id == submission_id).order_by(Review.id)))


# ---- evaluation: the construction plan beside the registry's counts ---------------------------

@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    source: str  # the area whose yearly_counts give it: mentors, exchanges, teaching; "derived"
    unit: str = "count"  # "count" or "percent"
    # The cycle's value from the years': "sum" (records counted once, in one year), "last" (a level
    # at year end: mentors, share, standing teams), "max" (people counted in every year they take
    # part, e.g. students: the busiest year, since a sum would count a student once per year).
    cycle: str = "sum"

    @property
    def cumulative(self) -> bool:
        return self.cycle == "sum"


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("mentors_total", _l("Mentors"), "mentors", cycle="last"),
    Indicator("enterprise_mentors", _l("Enterprise mentors"), "mentors", cycle="last"),
    Indicator("enterprise_share", _l("Enterprise share of mentors (%)"), "derived", unit="percent", cycle="last"),
    Indicator("students_jointly_trained", _l("Students jointly trained"), "mentors", cycle="max"),
    Indicator("secondments_to_enterprise", _l("Teachers seconded to the enterprise"), "exchanges"),
    Indicator("secondments_to_university", _l("Engineers seconded to the university"), "exchanges"),
    Indicator("visits_to_enterprise", _l("Teachers visiting the enterprise"), "exchanges"),
    Indicator("visits_to_university", _l("Engineers visiting the university"), "exchanges"),
    Indicator("study_tours", _l("Enterprise study tours"), "exchanges"),
    Indicator("industry_courses", _l("Industry courses"), "teaching"),
    Indicator("teaching_cases", _l("Teaching cases"), "teaching"),
    Indicator("textbooks", _l("Textbooks"), "teaching"),
    Indicator("teaching_teams", _l("Teaching teams"), "teaching", cycle="last"),
    Indicator("joint_labs", _l("Joint labs and innovation centres"), "teaching"),
    Indicator("major_projects", _l("Major projects undertaken"), "teaching"),
    Indicator("results_transferred", _l("Results transferred"), "teaching"),
)}


def period_actuals(periods) -> dict[tuple[int, str, object], int | Fraction]:
    """{(base_id, indicator, key): the registry's count} for every period `(base_id, key, first,
    last)` (see `registry.periods`) and every indicator of `INDICATORS`.

    Counts come from the areas' `period_counts` (one or two queries each); the enterprise share is
    enterprise_mentors / mentors_total of the same period, an exact fraction (0 when no mentor).
    """
    periods = list(periods)
    counts: dict = {}
    for period_counts in (mentor_queries.period_counts, exchange_queries.period_counts,
                          teaching_queries.period_counts):
        counts.update(period_counts(periods))
    for b, k, _first, _last in periods:
        total = counts.get((b, "mentors_total", k), 0)
        counts[(b, "enterprise_share", k)] = Fraction(counts.get((b, "enterprise_mentors", k), 0), total) \
            if total else Fraction(0)
    return {key: v for key, v in counts.items() if key[1] in INDICATORS}


def yearly_actuals(base_ids, first_year: int, last_year: int) -> dict[tuple[int, str, int], int | Fraction]:
    """`period_actuals` over calendar years: {(base_id, indicator, year): count}."""
    return period_actuals(calendar_periods(list(base_ids), first_year, last_year))


@dataclass(frozen=True)
class Cell:
    target: int | None
    actual: int | Fraction
    unit: str

    @property
    def shortfall(self) -> bool:
        """The registry counts less than the plan promised (no target: no shortfall)."""
        if self.target is None:
            return False
        actual = self.actual * 100 if self.unit == "percent" else self.actual
        return actual < self.target

    @property
    def gap(self):
        if self.target is None:
            return None
        actual = self.actual * 100 if self.unit == "percent" else self.actual
        return max(0, self.target - actual)

    @property
    def actual_display(self) -> str:
        if self.unit == "percent":
            return f"{float(self.actual) * 100:.1f}"
        return str(self.actual)

    @property
    def gap_display(self) -> str:
        gap = self.gap
        if gap is None:
            return ""
        return f"{float(gap):.1f}" if self.unit == "percent" else str(gap)


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    cells: tuple[Cell, ...]  # one per year
    cycle: Cell

    @property
    def shortfall(self) -> bool:
        return self.cycle.shortfall or any(c.shortfall for c in self.cells)


@dataclass(frozen=True)
class Evaluation:
    base: Base
    cycle: object  # models.Cycle
    years: tuple  # lifecycle.ConstructionYear, one per construction year
    rows: tuple[IndicatorRow, ...]
    reports: dict  # construction year number -> AnnualReport

    @property
    def shortfalls(self) -> list[IndicatorRow]:
        return [r for r in self.rows if r.shortfall]

    @property
    def cycle_starts_on(self) -> dt.date:
        return self.cycle.starts_on

    @property
    def cycle_ends_on(self) -> dt.date:
        return self.cycle.ends_on

    def figures(self) -> dict:
        """The rows as plain JSON (frozen into the summary report)."""
        def number(cell):
            return round(float(cell.actual) * 100, 2) if cell.unit == "percent" else int(cell.actual)

        return {row.indicator.key: {
            "years": [{"year": y.number, "from": y.starts_on.isoformat(), "until": y.ends_on.isoformat(),
                       "target": c.target, "actual": number(c)} for y, c in zip(self.years, row.cells)],
            "cycle": {"target": row.cycle.target, "actual": number(row.cycle)}} for row in self.rows}


def targets_of(cycle_ids) -> dict[tuple[int, str, int], int]:
    """{(cycle_id, indicator, construction year number): target}."""
    ids = list(cycle_ids)
    rows = db.session.scalars(select(PlanTarget).where(PlanTarget.cycle_id.in_(ids))) if ids else []
    return {(t.cycle_id, t.indicator, t.year): t.value for t in rows}


def reports_of(cycle_id: int) -> dict[int, AnnualReport]:
    return {r.year: r for r in db.session.scalars(select(AnnualReport).where(AnnualReport.cycle_id == cycle_id))}


def _cycle_value(indicator: Indicator, values: list):
    if indicator.cycle == "sum":
        return sum(values)
    if indicator.cycle == "max":
        return max(values)
    return values[-1]


def _cycle_target(indicator: Indicator, values: list[int | None]) -> int | None:
    given = [v for v in values if v is not None]
    if not given:
        return None
    if indicator.cycle == "sum":
        return sum(given)
    if indicator.cycle == "max":
        return max(given)
    return next(v for v in reversed(values) if v is not None)  # the last year's promise


def evaluation_many(bases: list[Base], cycles_of: dict) -> dict[int, Evaluation]:
    """The evaluation of several bases; `cycles_of[base_id]` is the cycle to evaluate (a Cycle).
    Counts per construction year, labelled with its dates. A fixed number of queries."""
    bases = [b for b in bases if cycles_of.get(b.id) is not None]
    if not bases:
        return {}
    years_of = {b.id: lifecycle.construction_years(cycles_of[b.id].starts_on) for b in bases}
    periods = [(b.id, y.number, y.starts_on, y.ends_on) for b in bases for y in years_of[b.id]]
    actuals = period_actuals(periods)
    cycle_ids = [cycles_of[b.id].id for b in bases]
    targets = targets_of(cycle_ids)
    reports: dict[int, dict] = {}
    for r in db.session.scalars(select(AnnualReport).where(AnnualReport.cycle_id.in_(cycle_ids))):
        reports.setdefault(r.cycle_id, {})[r.year] = r
    result = {}
    for b in bases:
        cycle, years = cycles_of[b.id], years_of[b.id]
        rows = []
        for ind in INDICATORS.values():
            cells = tuple(Cell(targets.get((cycle.id, ind.key, y.number)), actuals.get((b.id, ind.key, y.number), 0),
                               ind.unit) for y in years)
            values = [actuals.get((b.id, ind.key, y.number), 0) for y in years]
            actual = _cycle_value(ind, values)
            rows.append(IndicatorRow(ind, cells, Cell(_cycle_target(ind, [c.target for c in cells]), actual,
                                                      ind.unit)))
        result[b.id] = Evaluation(b, cycle, years, tuple(rows), reports.get(cycle.id, {}))
    return result


def evaluation_of(base: Base, number: int | None = None) -> Evaluation | None:
    """The evaluation of cycle `number` (default: the current one) of a recognised base, None
    before recognition or for a cycle it does not have."""
    cycle = lifecycle.plan_cycle(lifecycle.state_of(base), number)
    if cycle is None:
        return None
    return evaluation_many([base], {base.id: cycle})[base.id]


# ---- the dashboard ----------------------------------------------------------------------------

RECTIFICATION_WARNING_DAYS = 30


@dataclass(frozen=True)
class DashboardRow:
    base: Base
    state: object  # lifecycle.LifecycleState
    ratio: object  # mentors.queries.Ratio
    check: Eligibility


@dataclass
class Dashboard:
    as_of: dt.date
    rows: list[DashboardRow]
    rounds: list[ApplicationRound]
    quota: list[QuotaUse]

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.base.status] = counts.get(row.base.status, 0) + 1
        return counts

    @property
    def failing_counts(self) -> dict[str, int]:
        counts = {r.id: 0 for r in rules_in_order()}
        for row in self.rows:
            for result in row.check.failing:
                counts[result.id] = counts.get(result.id, 0) + 1
        return counts

    @property
    def ratio_counts(self) -> dict[str, int]:
        counts = {"meets": 0, "short": 0, "empty": 0}
        for row in self.rows:
            key = "empty" if row.ratio.total == 0 else ("meets" if row.ratio.meets_requirement else "short")
            counts[key] += 1
        return counts

    @property
    def eligible_count(self) -> int:
        return sum(1 for row in self.rows if row.check.eligible)

    @property
    def rectifications(self) -> list[DashboardRow]:
        """Bases in rectification, the nearest deadline first."""
        rows = [r for r in self.rows if r.base.status == "rectification"]
        return sorted(rows, key=lambda r: (r.state.rectification_deadline or dt.date.max, r.base.code))

    def due(self, row: DashboardRow) -> str | None:
        deadline = row.state.rectification_deadline
        if row.base.status != "rectification" or deadline is None:
            return None
        if deadline < self.as_of:
            return "overdue"
        if deadline <= self.as_of + dt.timedelta(days=RECTIFICATION_WARNING_DAYS):
            return "due"
        return "later"


@gc_paused()
def dashboard(as_of: dt.date, *, round_id: int | None = None, field: str | None = None, kind: str | None = None,
              status: str | None = None) -> Dashboard:
    """Every base (filtered by round, key field, university kind, state) with its life-cycle state,
    ratio and eligibility, and the quota use per university and round. A fixed number of queries."""
    stmt = (select(Base).join(Base.university).options(*with_parties(joined=True)).order_by(Base.code))
    if field:
        stmt = stmt.where(Base.field == field)
    if kind:
        stmt = stmt.where(University.kind == kind)
    if status:
        stmt = stmt.where(Base.status == status)
    if round_id:
        stmt = stmt.where(Base.id.in_(select(Submission.base_id).where(Submission.round_id == round_id)))
    bases = list(db.session.scalars(stmt))
    facts = Facts(bases, as_of)
    checks = eligibility_many(None, as_of, bases=bases, facts=facts)
    states = lifecycle.states_many(bases)
    rows = [DashboardRow(b, states[b.id], facts.ratio(b.id), checks[b.id]) for b in bases]
    all_rounds = list(db.session.scalars(rounds()))
    quota = quota_use([round_id] if round_id else None)
    if kind:
        quota = [q for q in quota if q.university.kind == kind]
    return Dashboard(as_of, rows, all_rounds, quota)


# ---- what is due soon (read by the notifications) ---------------------------------------------

ROUND_DEADLINE_WARNING_DAYS = 14
ANNUAL_SUMMARY_WARNING_DAYS = 30
SUMMARY_REPORT_WARNING_DAYS = 30
# A base is being built (and writes its annual plan and summary) in these states.
BUILDING_STATES = ("recognised", "in_construction", "rectification")
# The current cycle waits for its evaluation (which needs the summary report) in these states.
EVALUATION_PENDING_STATES = ("recognised", "in_construction")
# A submission waits for its reviewers while its base is in these states.
REVIEW_STATES = ("submitted", "under_review")


def rounds_closing(as_of: dt.date, days: int = ROUND_DEADLINE_WARNING_DAYS) -> list[ApplicationRound]:
    """Rounds whose deadline falls within `days` days (as_of ≤ deadline ≤ as_of + days). One query."""
    return list(db.session.scalars(
        select(ApplicationRound).where(ApplicationRound.deadline >= as_of,
                                       ApplicationRound.deadline <= as_of + dt.timedelta(days=days))
        .order_by(ApplicationRound.deadline, ApplicationRound.year)))


def rectifications_due(as_of: dt.date, days: int = RECTIFICATION_WARNING_DAYS) -> list[tuple[Base, object]]:
    """(base, life-cycle state) of the bases in rectification whose deadline is within `days` days (or
    passed): the dashboard's "due" rule, `LifecycleState.rectification_due`. Two queries."""
    bases = list(db.session.scalars(select(Base).where(Base.status == "rectification").order_by(Base.code)))
    states = lifecycle.states_many(bases)
    return [(b, states[b.id]) for b in bases if states[b.id].rectification_due(as_of, days)]


@dataclass(frozen=True)
class ReportDue:
    """An annual plan (`part` = "plan", due from the construction year's first day) or summary ("summary",
    due by its last day) of one construction year of the current cycle that is not on record."""

    base: Base
    cycle: int  # the cycle's number
    year: lifecycle.ConstructionYear
    part: str
    due_on: dt.date


def annual_reports_due(as_of: dt.date, days: int = ANNUAL_SUMMARY_WARNING_DAYS) -> list[ReportDue]:
    """For every base being built: the current construction year's plan when empty, and a construction
    year's summary when empty from `days` days before the year ends (overdue ones included). Three queries."""
    bases = list(db.session.scalars(select(Base).where(Base.status.in_(BUILDING_STATES)).order_by(Base.code)))
    if not bases:
        return []
    states = lifecycle.states_many(bases)
    cycle_ids = [states[b.id].cycle.id for b in bases if states[b.id].cycle is not None]
    reports = {(r.cycle_id, r.year): r for r in db.session.scalars(
        select(AnnualReport).where(AnnualReport.cycle_id.in_(cycle_ids)))} if cycle_ids else {}
    due = []
    for b in bases:
        state = states[b.id]
        if state.cycle is None:
            continue
        for year in state.construction_years:
            if year.starts_on > as_of:
                continue
            report = reports.get((state.cycle.id, year.number))
            if year.ends_on >= as_of and not (report and report.plan.strip()):
                due.append(ReportDue(b, state.cycle.number, year, "plan", year.starts_on))
            if year.ends_on - dt.timedelta(days=days) <= as_of and not (report and report.summary.strip()):
                due.append(ReportDue(b, state.cycle.number, year, "summary", year.ends_on))
    return due


@dataclass(frozen=True)
class WaitingReview:
    """A submission waiting for a reviewer: `reviewer_id` is assigned to its round and has not reviewed
    it, or (None) the round has no reviewer at all."""

    submission_id: int
    round_id: int
    round_year: int
    base: Base
    reviewer_id: int | None


def reviews_waiting() -> list[WaitingReview]:
    """Submissions still being decided (the base's latest, the base submitted or under review) without a
    review from each reviewer assigned to their round, and those whose round has no reviewer. Three queries."""
    latest = select(func.max(Submission.id)).group_by(Submission.base_id)
    rows = db.session.execute(
        select(Submission.id, Submission.round_id, ApplicationRound.year, Base)
        .join(Base, Base.id == Submission.base_id)
        .join(ApplicationRound, ApplicationRound.id == Submission.round_id)
        .where(Submission.id.in_(latest), Base.status.in_(REVIEW_STATES))
        .order_by(Submission.id)).all()
    if not rows:
        return []
    reviewers: dict[int, list[int]] = {}
    reviewed: set[tuple[int, int]] = set()
    for round_id, user_id in db.session.execute(
            select(RoundReviewer.round_id, RoundReviewer.user_id)
            .where(RoundReviewer.round_id.in_({r.round_id for r in rows}))):
        reviewers.setdefault(round_id, []).append(user_id)
    for sub_id, user_id in db.session.execute(
            select(Review.submission_id, Review.reviewer_id).where(Review.submission_id.in_([r.id for r in rows]))):
        reviewed.add((sub_id, user_id))
    waiting = []
    for r in rows:
        assigned = reviewers.get(r.round_id, [])
        if not assigned:
            waiting.append(WaitingReview(r.id, r.round_id, r.year, r.Base, None))
        waiting.extend(WaitingReview(r.id, r.round_id, r.year, r.Base, u) for u in sorted(assigned)
                       if (r.id, u) not in reviewed)
    return waiting


@dataclass(frozen=True)
class SummaryReportDue:
    """The summary report of a base's current cycle, due for its evaluation (from `cycle.evaluation_from`):
    `part` = "report" when no summary report is on record, "document" when its signed document is not
    attached."""

    base: Base
    cycle: object  # models.Cycle
    part: str


def summary_reports_due(as_of: dt.date, days: int = SUMMARY_REPORT_WARNING_DAYS) -> list[SummaryReportDue]:
    """For every base whose current cycle still waits for its evaluation and ends within `days` days (or
    has ended): its summary report when not on record, or its signed document when not attached (the two
    things `lifecycle.transition` requires before the evaluation). Five queries."""
    bases = list(db.session.scalars(select(Base).where(Base.status.in_(EVALUATION_PENDING_STATES))
                                    .order_by(Base.code)))
    if not bases:
        return []
    states = lifecycle.states_many(bases)
    last_day = as_of + dt.timedelta(days=days)
    waiting = [(b, states[b.id].cycle) for b in bases
               if states[b.id].cycle is not None and states[b.id].cycle.state == "in_construction"
               and states[b.id].cycle.ends_on <= last_day]
    if not waiting:
        return []
    reports = {r.cycle_id: r for r in db.session.scalars(
        select(SummaryReport).where(SummaryReport.cycle_id.in_([c.id for _b, c in waiting])))}
    signed = attachment_counts("summary_report", [r.id for r in reports.values()])
    due = []
    for b, cycle in waiting:
        report = reports.get(cycle.id)
        if report is None:
            due.append(SummaryReportDue(b, cycle, "report"))
        elif not signed.get(report.id):
            due.append(SummaryReportDue(b, cycle, "document"))
    return due


@dataclass(frozen=True)
class OpenObjection:
    """An objection received during a base's public notice and not resolved yet."""

    objection: Objection
    base: Base


def objections_open(as_of: dt.date) -> list[OpenObjection]:
    """The objections to the public notices running now that are received by `as_of` and not resolved
    by then (recognition waits for them: `lifecycle.objection_open`), oldest first, with their base.
    One query."""
    rows = db.session.execute(
        select(Objection, Base).join(Base, Base.id == Objection.base_id)
        .where(Base.status == "public_notice", lifecycle.objection_open(as_of))
        .order_by(Objection.received_on, Objection.id)).all()
    return [OpenObjection(o, b) for o, b in rows]
