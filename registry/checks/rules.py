"""The eligibility rules R1–R8 of design/domain.md, each one small unit in a registry.

A rule is a function `(base, facts) -> Outcome`, registered at the end of this module with
`rule(id, name, clause, title)(function)`; adding a rule is adding one such function, its line there
(and its test). `facts` (facts.py) loads, once per check and for every base checked together, the
figures the rules read from the other areas' `queries.py`, so checking 200 bases costs the same
number of queries as checking one.

Rules R6 (quota) and R7 (deadline) need an application round:
- with a round given (the submission service passes it), they judge a submission into that round
  made on the check's date;
- otherwise they judge the base's latest submission made on or before the date (its round, its
  submission day, its place in the university's quota);
- with no such submission, they judge a submission made on the date into the round open on that
  day (opened on or before it, deadline on or after it);
- with neither, they pass as "not applicable": there is nothing to judge until the base applies,
  and the message says so.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Callable

from dateutil.relativedelta import relativedelta
from flask import current_app, url_for
from sqlalchemy import select

from registry import authz
from registry.checks.models import RoundReviewer
from registry.checks.text import Joined, Msg
from registry.errors import _l
from registry.extensions import db
from registry.governance.queries import REGULATION_AREAS
from registry.orgs.models import UNIVERSITY_KINDS


@dataclass(frozen=True)
class Link:
    """A link to the records a rule used, or to the form that adds the missing ones."""

    label: object  # a lazy string
    endpoint: str
    values: dict = field(default_factory=dict)
    guard: Callable | None = None  # (user) -> bool: the object predicate the page checks, beyond its roles

    def url(self, user) -> str | None:
        """The URL, or None when that page does not exist (yet) in this installation or `user` may not
        open it: a page shows only the links its reader may follow."""
        if self.endpoint not in current_app.view_functions or not authz.can_open(user, self.endpoint):
            return None
        if self.guard is not None and not self.guard(user):
            return None
        try:
            return url_for(self.endpoint, **self.values)
        except Exception:  # a page whose parameters changed: show no link rather than fail
            return None


@dataclass(frozen=True)
class EditsBase:
    """A link's guard: may `user` edit this base? Plain data (the base's id and university), so a
    check's outcome can be kept in the figures cache and read back in another process."""

    id: int
    university_id: int | None

    def __call__(self, user) -> bool:
        return authz.can_edit_base(user, self)


@dataclass(frozen=True)
class EditsEnterprise:
    """A link's guard: may `user` edit this enterprise? Plain data (its id), like `EditsBase`."""

    id: int

    def __call__(self, user) -> bool:
        return authz.can_edit_enterprise(user, self)


def form_link(label, endpoint: str, base, **values) -> Link:
    """A link to a form changing `base` or its records: shown to whoever may edit the base."""
    return Link(label, endpoint, {"code": base.code, **values}, guard=EditsBase(getattr(base, "id", None), getattr(base, "university_id", None)))


@dataclass(frozen=True)
class Outcome:
    passed: bool
    measured: str
    required: str
    message: Msg
    links: tuple[Link, ...] = ()
    applicable: bool = True
    # The same two values in words, for pages (measured/required stay terse for the API and scripts).
    measured_words: Msg | None = None
    required_words: Msg | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    clause: str
    title: object  # lazy: the rule in words, for pages
    evaluate: Callable

    @property
    def label(self):
        """The rule's short name in words (the page's language); `name` is the slug scripts use."""
        return RULE_LABELS.get(self.id, self.title)

    @property
    def in_words(self) -> Msg:
        """"R2 Enterprise-mentor share (clause 四(二))": how a refusal names the rule."""
        return Msg(_l("%(id)s %(label)s (clause %(clause)s)"), id=self.id, label=self.label, clause=self.clause)

    @property
    def clause_words(self) -> Msg:
        """"Clause 四(二)": the clause number with a word, in the page's language."""
        return Msg(_l("Clause %(clause)s"), clause=self.clause)

    @property
    def order(self) -> int:
        return int(self.id[1:]) if self.id[1:].isdigit() else 999


RULES: dict[str, Rule] = {}
YES, NO = _l("yes"), _l("no")
RULE_LABELS = {
    "R1": _l("Joint training experience"), "R2": _l("Enterprise-mentor share"), "R3": _l("Years of cooperation"),
    "R4": _l("Cooperation platform"), "R5": _l("Complete regulations"), "R6": _l("University quota"),
    "R7": _l("Application deadline"), "R8": _l("Enterprise capacity"),
}
NO_ROUND = Msg(_l("Not applicable: no open round and no submission"))


def rule(id: str, name: str, clause: str, title):
    def register(fn):
        RULES[id] = Rule(id, name, clause, title, fn)
        return fn

    return register


def rules_in_order() -> list[Rule]:
    return sorted(RULES.values(), key=lambda r: (r.order, r.id))


# ---- R1 joint-training-experience, 四(一) -----------------------------------------------------

def joint_training_experience(base, facts):
    n = facts.postgraduates(base.id)
    eep = bool(base.excellent_engineer_programme)
    measured = f"postgraduates={n}, excellent_engineer={'yes' if eep else 'no'}"
    required = "postgraduates ≥ 1 or excellent_engineer=yes"
    if n >= 1:
        message = Msg(_l("Postgraduates jointly trained by %(date)s: %(n)s."), n=n, date=facts.as_of.isoformat())
    elif eep:
        message = Msg(_l("The base took part in the Excellent Engineer programme."))
    else:
        message = Msg(_l("No jointly trained postgraduate (master's or doctoral student) is on record by %(date)s, "
                         "and the base is not recorded as part of the Excellent Engineer programme. Add the "
                         "postgraduates the base has trained to its student roster."), date=facts.as_of.isoformat())
    links = (Link(_l("Students"), "mentors.students", {"code": base.code}),)
    if not (n >= 1 or eep):
        links += (form_link(_l("Add a student"), "mentors.student_add", base),)
    return Outcome(n >= 1 or eep, measured, required, message, links,
                   measured_words=Msg(_l("%(n)s jointly trained postgraduates; in the Excellent Engineer programme: "
                                         "%(eep)s"), n=n, eep=YES if eep else NO),
                   required_words=Msg(_l("At least one jointly trained postgraduate, or taking part in the "
                                         "Excellent Engineer programme")))


# ---- R2 enterprise-mentor-ratio, 四(二) -------------------------------------------------------

def enterprise_mentor_ratio(base, facts):
    r = facts.ratio(base.id)
    date = facts.as_of.isoformat()
    links = (Link(_l("Mentor roster"), "mentors.roster", {"code": base.code}),)
    if not r.meets_requirement:
        links += (form_link(_l("Add a mentor"), "mentors.mentor_add", base),)
    if r.total == 0:
        message = Msg(_l("No mentor appointment is active on %(date)s. Add the mentor team's appointments to the "
                         "roster."), date=date)
    elif r.meets_requirement:
        message = Msg(_l("Enterprise mentors on %(date)s: %(e)s of %(t)s, at least one third."),
                      e=r.enterprise, t=r.total, date=date)
    else:
        message = Msg(_l("Enterprise mentors on %(date)s: %(e)s of %(t)s, less than one third. Enterprise mentors "
                         "to add to the roster: %(n)s."), e=r.enterprise, t=r.total, date=date, n=r.shortfall)
    return Outcome(r.meets_requirement, f"{r.enterprise}/{r.total}", "≥ 1/3", message, links,
                   measured_words=Msg(_l("%(e)s enterprise mentors of %(t)s"), e=r.enterprise, t=r.total),
                   required_words=Msg(_l("At least one third of the mentors from the enterprise side")))


# ---- R3 cooperation-years, 四(四) -------------------------------------------------------------

COOPERATION_YEARS = 3


def cooperation_reached_on(since: dt.date) -> dt.date:
    """Start + 3 calendar years; from 29 February to 28 February when the year has none."""
    return since + relativedelta(years=COOPERATION_YEARS)


def cooperation_years(base, facts):
    since = base.cooperation_since
    links = (form_link(_l("Edit the base"), "orgs.base_edit", base),)
    if since is None:
        return Outcome(False, "—", f"≤ {facts.as_of.isoformat()}",
                       Msg(_l("The cooperation start date is not recorded. Enter it on the base's record.")), links,
                       measured_words=Msg(_l("Start of the cooperation not recorded")),
                       required_words=Msg(_l("Three years of cooperation reached by %(date)s"),
                                          date=facts.as_of.isoformat()))
    reached = cooperation_reached_on(since)
    passed = reached <= facts.as_of
    if passed:
        message = Msg(_l("Cooperation since %(since)s: three years were reached on %(reached)s."),
                      since=since.isoformat(), reached=reached.isoformat())
    else:
        message = Msg(_l("Cooperation since %(since)s: three years are reached only on %(reached)s. Correct the start "
                         "date on the base's record if the cooperation began earlier."),
                      since=since.isoformat(), reached=reached.isoformat())
    return Outcome(passed, f"{since.isoformat()} + 3y = {reached.isoformat()}", f"≤ {facts.as_of.isoformat()}",
                   message, links,
                   measured_words=Msg(_l("Cooperating since %(since)s: three years on %(reached)s"),
                                      since=since.isoformat(), reached=reached.isoformat()),
                   required_words=Msg(_l("Three years of cooperation reached by %(date)s"),
                                      date=facts.as_of.isoformat()))


# ---- R4 platform-in-place, 四(二) -------------------------------------------------------------

PLATFORM_ITEMS = {
    "agreement": _l("a signed cooperation agreement"),
    "training_plan": _l("a jointly written training plan"),
    "exchange_arrangement": _l("a two-way exchange arrangement"),
}
PLATFORM_LINKS = {  # (the list of records, the form adding one)
    "agreement": (_l("Cooperation agreements"), "governance.cooperation_agreement_list",
                  _l("Add a cooperation agreement"), "governance.cooperation_agreement_new"),
    "training_plan": (_l("Training plans"), "governance.training_plan_list",
                      _l("Add a training plan"), "governance.training_plan_new"),
    "exchange_arrangement": (_l("Exchange arrangements"), "governance.exchange_arrangement_list",
                             _l("Add an exchange arrangement"), "governance.exchange_arrangement_new"),
}


def platform_in_place(base, facts):
    status = facts.platform(base.id)
    missing = [key for key in PLATFORM_ITEMS if getattr(status, key, None) is None]
    have = len(PLATFORM_ITEMS) - len(missing)
    if missing:
        message = Msg(_l("Not on record in force on %(date)s: %(missing)s. Add them to the base's governance "
                         "records."), date=facts.as_of.isoformat(), missing=Joined(PLATFORM_ITEMS[k] for k in missing))
    else:
        message = Msg(_l("The cooperation agreement, the joint training plan and the exchange arrangement are on "
                         "record."))
    links = tuple(form_link(PLATFORM_LINKS[k][2], PLATFORM_LINKS[k][3], base) if k in missing
                  else Link(PLATFORM_LINKS[k][0], PLATFORM_LINKS[k][1], {"code": base.code}) for k in PLATFORM_ITEMS)
    n = len(PLATFORM_ITEMS)
    return Outcome(not missing, f"{have}/{n}", f"{n}/{n}", message, links,
                   measured_words=Msg(_l("%(have)s of the %(n)s on record"), have=have, n=n),
                   required_words=Msg(_l("All %(n)s on record, in force"), n=n))


# ---- R5 regulations-complete, 四(四) ----------------------------------------------------------

def regulations_complete(base, facts):
    have = facts.regulation_areas(base.id)
    missing = [key for key in REGULATION_AREAS if key not in have]
    n = len(REGULATION_AREAS)
    if missing:
        message = Msg(_l("No regulation in force on %(date)s in: %(missing)s. Add them to the base's regulations."),
                      date=facts.as_of.isoformat(), missing=Joined(REGULATION_AREAS[k] for k in missing))
    else:
        message = Msg(_l("Regulations are in force in all %(n)s areas."), n=n)
    links = (Link(_l("Regulations"), "governance.regulation_list", {"code": base.code}),)
    links += tuple(form_link(Msg(_l("Add a regulation: %(area)s"), area=REGULATION_AREAS[k]),
                             "governance.regulation_new", base, area=k) for k in missing)
    return Outcome(not missing, f"{n - len(missing)}/{n}", f"{n}/{n}", message, links,
                   measured_words=Msg(_l("Regulations in %(have)s of the %(n)s areas"), have=n - len(missing), n=n),
                   required_words=Msg(_l("Regulations in force in all %(n)s areas"), n=n))


# ---- R6 university-quota, 五(一) and R7 application-deadline, 七 ------------------------------

@dataclass(frozen=True)
class ViewsRound:
    """A link's guard: may `user` open this application round? Plain data (the round's id), like
    `EditsBase`, so that an outcome linking to its round can be kept in the figures cache (a lambda
    cannot be pickled: with Redis, every check with a round was recomputed on every request)."""

    id: int

    def __call__(self, user) -> bool:
        return authz.can_view_round(user, self, _assigned_round_ids(user))


def _round_link(ctx):
    if ctx.round is None:
        return ()
    return (Link(_l("Application round"), "checks.round_detail", {"round_id": ctx.round.id},
                 guard=ViewsRound(ctx.round.id)),)


def _assigned_round_ids(user) -> set[int] | None:
    """The rounds a reviewer is assigned to (None for the roles that see every round)."""
    if not authz.sees_assigned_rounds_only(user):
        return None
    return set(db.session.scalars(select(RoundReviewer.round_id).where(RoundReviewer.user_id == user.id)))


def _once_a_round_applies(message):
    """R6 and R7 before any round: not applicable, and `message` (with the day) says why."""
    def decorate(check):
        @functools.wraps(check)
        def checked(base, facts):
            if facts.application(base.id).round is None:
                return Outcome(True, "—", "—", Msg(message, date=facts.as_of.isoformat()), applicable=False,
                               measured_words=NO_ROUND, required_words=NO_ROUND)
            return check(base, facts)

        return checked

    return decorate


@_once_a_round_applies(_l("No application round is open on %(date)s and the base has not applied: the quota is "
                          "checked when it is submitted."))
def university_quota(base, facts):
    ctx = facts.application(base.id)
    kind = base.university.kind
    quota = ctx.round.quota_for(kind)
    params = dict(university=base.university.name, kind=UNIVERSITY_KINDS.get(kind, kind), quota=quota,
                  year=ctx.round.year)
    if ctx.submission is not None:
        place = ctx.place
        passed = place <= quota
        if passed:
            message = Msg(_l("Submission %(place)s of the %(quota)s that %(university)s (%(kind)s) may make in the "
                             "%(year)s round."), place=place, **params)
        else:
            message = Msg(_l("Submission %(place)s of %(university)s (%(kind)s) in the %(year)s round, beyond its "
                             "quota of %(quota)s."), place=place, **params)
        return Outcome(passed, f"{place}/{quota}", f"≤ {quota}", message, _round_link(ctx),
                       measured_words=Msg(_l("Submission number %(place)s of %(university)s in this round"),
                                          place=place, university=base.university.name),
                       required_words=Msg(_l("At most %(quota)s per round for a %(kind)s university"), **params))
    used = ctx.used
    passed = used + 1 <= quota
    if passed:
        message = Msg(_l("%(university)s (%(kind)s) has %(used)s of its %(quota)s submissions in the %(year)s round; "
                         "this base would be number %(next)s."), used=used, next=used + 1, **params)
    else:
        message = Msg(_l("%(university)s (%(kind)s) may submit at most %(quota)s bases in the %(year)s round; "
                         "%(used)s are already in."), used=used, **params)
    return Outcome(passed, f"{used + 1}/{quota}", f"≤ {quota}", message, _round_link(ctx),
                   measured_words=Msg(_l("This base would be submission number %(next)s of %(university)s"),
                                      next=used + 1, university=base.university.name),
                   required_words=Msg(_l("At most %(quota)s per round for a %(kind)s university"), **params))


@_once_a_round_applies(_l("No application round is open on %(date)s and the base has not applied: the deadline is "
                          "checked when it is submitted."))
def application_deadline(base, facts):
    ctx = facts.application(base.id)
    deadline = ctx.round.deadline
    on = ctx.submission.submitted_on if ctx.submission is not None else facts.as_of
    passed = on <= deadline
    params = dict(on=on.isoformat(), deadline=deadline.isoformat(), year=ctx.round.year)
    if not passed:
        message = Msg(_l("The %(year)s round closed on %(deadline)s; %(on)s is too late."), **params)
    elif ctx.submission is not None:
        message = Msg(_l("Submitted on %(on)s, by the %(year)s round's deadline of %(deadline)s."), **params)
    else:
        message = Msg(_l("A submission on %(on)s meets the %(year)s round's deadline of %(deadline)s."), **params)
    return Outcome(passed, on.isoformat(), f"≤ {deadline.isoformat()}", message, _round_link(ctx),
                   measured_words=Msg(_l("Submitted on %(on)s") if ctx.submission is not None
                                      else _l("Not submitted yet (today: %(on)s)"), on=on.isoformat()),
                   required_words=Msg(_l("Submitted by %(deadline)s"), deadline=deadline.isoformat()))


# ---- R8 enterprise-capacity, 四(一) -----------------------------------------------------------

CAPACITY_FIELDS = {
    "scale": _l("scale"),
    "rd_focus": _l("R&D focus"),
    "practice_conditions": _l("practice conditions"),
}


def enterprise_capacity(base, facts):
    enterprises = list(base.enterprises)
    if not enterprises:
        return Outcome(False, "0/0", "≥ 1", Msg(_l("The base has no partner enterprise on record. Add one on the "
                                                   "base's record.")),
                       (form_link(_l("Edit the base"), "orgs.base_edit", base),),
                       measured_words=Msg(_l("No partner enterprise on record")),
                       required_words=Msg(_l("At least one partner enterprise, each stating its scale, R&D focus "
                                             "and practice conditions")))
    gaps = []
    for ent in enterprises:
        missing = [label for key, label in CAPACITY_FIELDS.items() if not (getattr(ent, key) or "").strip()]
        if missing:
            gaps.append((ent, missing))
    complete = len(enterprises) - len(gaps)
    n = len(enterprises)
    if gaps:
        message = Msg(_l("Not stated: %(gaps)s. Complete the enterprise records."),
                      gaps=Joined((Msg(_l("%(enterprise)s: %(fields)s"), enterprise=e.name, fields=Joined(m))
                                   for e, m in gaps), separator="; "))
        links = tuple(Link(e.name, "orgs.enterprise_edit", {"enterprise_id": e.id},
                           guard=EditsEnterprise(e.id)) for e, _m in gaps)
    else:
        message = Msg(_l("Every partner enterprise has stated its scale, R&D focus and practice conditions."))
        links = ()
    return Outcome(not gaps, f"{complete}/{n}", f"{n}/{n}", message, links,
                   measured_words=Msg(_l("%(have)s of %(n)s partner enterprises state all three"), have=complete, n=n),
                   required_words=Msg(_l("Every partner enterprise states its scale, R&D focus and practice "
                                         "conditions")))


# ---- the rules, registered explicitly in one place --------------------------------------------
# (Not as decorators: a decorated function is one that mutation testing, scripts/mutate.py, skips.)

rule("R1", "joint-training-experience", "四(一)",
     _l("The base has jointly trained postgraduates, or took part in the Excellent Engineer programme")
     )(joint_training_experience)
rule("R2", "enterprise-mentor-ratio", "四(二)",
     _l("Enterprise mentors make up at least one third of the mentor team"))(enterprise_mentor_ratio)
rule("R3", "cooperation-years", "四(四)",
     _l("School–enterprise cooperation has lasted three years or more"))(cooperation_years)
rule("R4", "platform-in-place", "四(二)",
     _l("A signed cooperation agreement, a jointly written training plan and a two-way exchange arrangement")
     )(platform_in_place)
rule("R5", "regulations-complete", "四(四)", _l("Regulations exist in all seven areas"))(regulations_complete)
rule("R6", "university-quota", "五(一)",
     _l("Per round, a ministry-affiliated university applies for at most 3 bases, a co-built one for at most 2")
     )(university_quota)
rule("R7", "application-deadline", "七", _l("The application arrives by the round's deadline"))(application_deadline)
rule("R8", "enterprise-capacity", "四(一)",
     _l("The partner enterprise has stated its scale, R&D focus and the practice conditions it offers")
     )(enterprise_capacity)
