"""Pages of the checks area: the eligibility panel of the base page, application rounds and
submissions, reviews, the life cycle of a base, the construction plan and its evaluation, and
the dashboard. Each view: load → authorise (404 unseen, 403 unchangeable) → service → commit."""
from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from registry import authz, cache
from registry.auth import queries as auth_queries
from registry.auth.models import User
from registry.authz import ADMIN, REVIEWER, STAFF, UNIVERSITY_COORDINATOR, actor, allow
from registry.checks import charts, lifecycle, queries, services
from registry.checks.exports import evaluation_workbook
from registry.checks.forms import (AnnualReportForm, AssignReviewerForm, ObjectionForm, ResolveObjectionForm,
                                   ReviewForm, RoundForm, SubmitBaseForm, SummaryReportForm, TargetsForm,
                                   TransitionForm)
from registry.checks.models import (CYCLE_STATES, GRADES, ApplicationRound, CycleEvaluation, Objection, RoundReviewer,
                                    Submission, SummaryReport)
from registry.checks.rules import RULES, Link
from registry.evidence.attachables import register_attachable
from registry.evidence.views import attachments_context
from registry.errors import _l
from registry.extensions import db
from registry.forms_support import delete_then, form_page, options, save_form, submit_form
from registry.nav import register_nav
from registry.orgs.models import BASE_STATUSES, FIELDS, UNIVERSITY_KINDS, Base
from registry.orgs.panels import register_panel, register_summary
from registry.orgs.views import base_crumbs, load_base
from registry.web import ListPagination, parse_as_of

bp = Blueprint("checks", __name__)



@bp.app_template_global("rule_registry")
def rule_registry():
    """The rules by id, for pages naming a rule from stored JSON (a submission's snapshot)."""
    return RULES


# ---- the base page's panel --------------------------------------------------------------------

def _panel(base, user, as_of):
    state = lifecycle.state_of(base)
    return {
        "check": queries.eligibility_cached(base, as_of),
        "state": state,
        "as_of": as_of,
        "has_plan": state.cycle is not None,
        "can_edit_plan": authz.can_edit_plan(user, base),
        "can_see_evaluation": authz.can_view_evaluation(user, base),
    }


def _summary(base, user, as_of):
    """The eligibility verdict and the life cycle's next date for the base page's summary band."""
    state = lifecycle.state_of(base)
    deadlines = []  # (kind, date): what comes next, the nearest first
    if state.status == "rectification" and state.rectification_deadline:
        deadlines.append(("rectification", state.rectification_deadline))
    if state.status == "public_notice" and state.notice_ends_on:
        deadlines.append(("notice", state.notice_ends_on))
    if state.cycle_ends_on and state.cycle_ends_on >= as_of:
        deadlines.append(("cycle", state.cycle_ends_on))
    upcoming = sorted((d for d in deadlines if d[1] >= as_of), key=lambda d: d[1])
    next_kind, next_date = upcoming[0] if upcoming else (None, None)
    return {"check": queries.eligibility_cached(base, as_of), "state": state, "next_kind": next_kind,
            "next_date": next_date, "days_left": (next_date - as_of).days if next_date else None}


def _summary_report_url(report, base):
    return url_for("checks.base_summary_report", code=base.code, number=report.cycle.number)


# ---- rounds -----------------------------------------------------------------------------------

def assigned_rounds(user) -> set[int] | None:
    """The rounds a reviewer is assigned to (they see only those), or None for every round."""
    return queries.reviewer_round_ids(user.id) if authz.sees_assigned_rounds_only(user) else None


def _visible(model, record_id: int, can_view):
    """A round or submission by id that the actor may see (`can_view(user, record, assigned rounds)`), else 404."""
    record = db.session.get(model, record_id)
    user = actor()
    if record is None or not can_view(user, record, assigned_rounds(user)):
        abort(404)
    return record


def _load_round(round_id: int) -> ApplicationRound:
    return _visible(ApplicationRound, round_id, authz.can_view_round)


@bp.route("/rounds")
@allow(ADMIN, REVIEWER, UNIVERSITY_COORDINATOR)
def round_list():
    user = actor()
    rounds = list(db.session.scalars(queries.rounds_for(user)))
    uni_id = authz.university_scope(user)
    uni_ids = [uni_id] if uni_id is not None else None
    usage = queries.quota_use([r.id for r in rounds], uni_ids) if rounds else []
    return render_template("checks/round_list.html", rounds=rounds, usage=usage, today=lifecycle.today(),
                           can_manage=authz.can_manage_rounds(user))


@bp.route("/rounds/new", methods=["GET", "POST"])
@allow(ADMIN)
def round_create():
    form = RoundForm()
    if request.method == "GET":
        today = lifecycle.today()
        form.year.data = today.year
        form.opens_on.data = today
    return form_page(form, lambda: services.open_round(
        actor=actor(), year=form.year.data, deadline=form.deadline.data, opens_on=form.opens_on.data,
        quota_ministry=form.quota_ministry.data, quota_co_built=form.quota_co_built.data, name=form.name.data,
        notes=form.notes.data), message=lambda r: _("The %(year)s round is open.", year=r.year),
        done=lambda r: url_for("checks.round_detail", round_id=r.id), template="checks/round_form.html", round=None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def round_edit(round_id):
    r = _load_round(round_id)
    form = RoundForm(obj=r)
    form.year.data = r.year  # a round's year is its identity
    form.year.render_kw = {"readonly": True}
    return form_page(
        form, lambda: services.update_round(
            r, actor=actor(), deadline=form.deadline.data, opens_on=form.opens_on.data,
            quota_ministry=form.quota_ministry.data, quota_co_built=form.quota_co_built.data,
            name=form.name.data, notes=form.notes.data),
        message=_("Saved."), done=url_for("checks.round_detail", round_id=r.id), template="checks/round_form.html",
        round=r)


def _submittable_bases(user):
    stmt = select(Base).where(Base.status.in_(lifecycle.SUBMITTABLE_FROM)).order_by(Base.code)
    if not authz.can_submit_bases(user):
        return []
    uni_id = authz.university_scope(user)
    if uni_id is not None:
        stmt = stmt.where(Base.university_id == uni_id)
    return list(db.session.scalars(stmt))


def _reviewer_choices(r):
    assigned = {link.user_id for link in r.reviewer_links}
    users = db.session.scalars(select(User).where(authz.assignable_reviewer_filter(User))
                               .order_by(User.username))
    return options((u.id, u.display_name or u.username) for u in users if u.id not in assigned)


def _round_page(r, submit_form=None, reviewer_form=None):
    user = actor()
    uni_id = authz.university_scope(user)
    subs = queries.submissions_of_round(r.id, uni_id)
    usage = queries.quota_use([r.id], [uni_id] if uni_id is not None else None)
    can_submit = authz.can_submit_bases(user)
    if submit_form is None and can_submit:
        submit_form = SubmitBaseForm()
    if submit_form is not None:
        submit_form.base_id.choices = options((b.id, f"{b.code} {b.name}") for b in _submittable_bases(user))
    if reviewer_form is None and authz.can_manage_rounds(user):
        reviewer_form = AssignReviewerForm()
    if reviewer_form is not None:
        reviewer_form.user_id.choices = _reviewer_choices(r)
    reviewers = list(db.session.scalars(select(User).join(RoundReviewer, RoundReviewer.user_id == User.id)
                                        .where(RoundReviewer.round_id == r.id).order_by(User.username)))
    return render_template("checks/round_detail.html", round=r, submissions=subs, usage=usage,
                           submit_form=submit_form, reviewer_form=reviewer_form, reviewers=reviewers,
                           today=lifecycle.today(), statuses=BASE_STATUSES, kinds=UNIVERSITY_KINDS,
                           can_manage=authz.can_manage_rounds(user))


@bp.route("/rounds/<int:round_id>")
@allow(ADMIN, REVIEWER, UNIVERSITY_COORDINATOR)
def round_detail(round_id):
    return _round_page(_load_round(round_id))


@bp.route("/rounds/<int:round_id>/submit", methods=["POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def round_submit(round_id):
    r = _load_round(round_id)
    user = actor()
    form = SubmitBaseForm()
    form.base_id.choices = options((b.id, f"{b.code} {b.name}") for b in _submittable_bases(user))

    def submit():
        base = db.session.get(Base, form.base_id.data) if form.base_id.data else None
        if base is None or not authz.can_view_base(user, base):
            abort(404)
        return services.submit_base(r, base, actor=user)

    done = save_form(form, submit, forbidden_is_403=True,
                     message=lambda sub: _("%(code)s was submitted into the %(year)s round.", code=sub.base.code,
                                           year=r.year),
                     done=lambda sub: url_for("checks.submission_detail", submission_id=sub.id))
    return done or _round_page(r, submit_form=form)


@bp.route("/rounds/<int:round_id>/reviewers", methods=["POST"])
@allow(ADMIN)
def round_assign_reviewer(round_id):
    r = _load_round(round_id)
    form = AssignReviewerForm()
    form.user_id.choices = _reviewer_choices(r)
    done = save_form(
        form, lambda: services.assign_reviewer(r, auth_queries.chosen_user(form.user_id.data), actor=actor()),
        message=_("Saved."), done=url_for("checks.round_detail", round_id=r.id))
    return done or _round_page(r, reviewer_form=form)


@bp.route("/rounds/<int:round_id>/reviewers/<int:user_id>/remove", methods=["POST"])
@allow(ADMIN)
def round_remove_reviewer(round_id, user_id):
    r = _load_round(round_id)
    return delete_then(lambda: services.unassign_reviewer(r, user_id, actor=actor()),
                       done=url_for("checks.round_detail", round_id=r.id), message=_("Saved."))


# ---- submissions and reviews ------------------------------------------------------------------

# The records a reviewer reads beside the snapshot (pages of the other areas, when installed).
EVIDENCE_PAGES = (
    (_l("Mentor roster"), "mentors.roster"),
    (_l("Students"), "mentors.students"),
    (_l("Cooperation agreements"), "governance.cooperation_agreement_list"),
    (_l("Training plans"), "governance.training_plan_list"),
    (_l("Exchange arrangements"), "governance.exchange_arrangement_list"),
    (_l("Regulations"), "governance.regulation_list"),
    (_l("Two-way exchange"), "exchanges.exchange_list"),
    (_l("Industry courses"), "teaching.industry_course_list"),
    (_l("Joint labs and innovation centres"), "teaching.joint_lab_list"),
)


def _evidence_links(sub, user):
    on = sub.submitted_on.isoformat()
    links = [Link(label, endpoint, {"code": sub.base.code, "as_of": on}) for label, endpoint in EVIDENCE_PAGES]
    return [(link.label, url) for link in links if (url := link.url(user))]

def load_submission(submission_id: int) -> Submission:
    return _visible(Submission, submission_id, authz.can_view_submission)


def _submission_page(sub, review_form=None):
    user = actor()
    rounds = assigned_rounds(user)
    can_review = authz.can_review_submission(user, sub, rounds)
    reviews = queries.reviews_of(sub.id)
    own = next((rv for rv in reviews if rv.reviewer_id == user.id), None)
    if can_review and review_form is None:
        review_form = ReviewForm(obj=own)
    # Reviewers judge independently: each sees their own review; the administrator sees all.
    shown = reviews if authz.can_read_all_reviews(user) else ([own] if own else [])
    state = lifecycle.state_of(sub.base)
    reviewable = sub.base.status in services.REVIEWABLE and state.submission_id == sub.id
    return render_template("checks/submission_detail.html", sub=sub, snapshot=sub.snapshot, reviews=shown,
                           review_form=review_form if reviewable else None, can_review=can_review,
                           all_scores=[rv.score for rv in reviews], state=state, statuses=BASE_STATUSES,
                           evidence=_evidence_links(sub, user),
                           indicators=queries.INDICATORS,
                           can_decide=authz.can_decide_lifecycle(user))


@bp.route("/submissions/<int:submission_id>")
@allow(ADMIN, REVIEWER, UNIVERSITY_COORDINATOR, authz.BASE_COORDINATOR)
def submission_detail(submission_id):
    return _submission_page(load_submission(submission_id))


@bp.route("/submissions/<int:submission_id>/review", methods=["POST"])
@allow(REVIEWER)
def submission_review(submission_id):
    sub = load_submission(submission_id)
    user = actor()
    if not authz.can_review_submission(user, sub, queries.reviewer_round_ids(user.id)):
        abort(403)
    form = ReviewForm()
    done = save_form(
        form, lambda: services.record_review(sub, actor=user, score=form.score.data, opinion=form.opinion.data),
        message=_("Your review was recorded."), done=url_for("checks.submission_detail", submission_id=sub.id))
    return done or _submission_page(sub, review_form=form)


# ---- the life cycle of a base -----------------------------------------------------------------

def _lifecycle_page(base, form=None, objection_form=None, resolving=None):
    """The life-cycle page; `resolving`: (objection id, its sent resolution form) to show again with its errors."""
    user = actor()
    state = lifecycle.state_of(base)
    if form is None and authz.can_decide_lifecycle(user):
        form = TransitionForm()
        if request.method == "GET":
            form.effective_on.data = lifecycle.today()
    if form is not None:
        form.to_status.choices = options((to, str(lifecycle.TRANSITIONS[(base.status, to)]))
                                         for to in lifecycle.allowed_from(base.status))
    subs = queries.submissions_of_base(base.id)
    can_decide = authz.can_decide_lifecycle(user)
    if objection_form is None and can_decide and base.status == "public_notice":
        objection_form = ObjectionForm(formdata=None)
    evaluations = list(db.session.scalars(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id)
                                          .order_by(CycleEvaluation.evaluated_on, CycleEvaluation.id)))
    rounds = assigned_rounds(user)
    return render_template("checks/lifecycle.html", base=base, state=state, form=form, statuses=BASE_STATUSES,
                           submissions=subs, notice_days=lifecycle.NOTICE_DAYS, today=lifecycle.today(),
                           objections=services.objections_of(base.id), objection_form=objection_form,
                           resolve_form=ResolveObjectionForm(formdata=None) if can_decide else None,
                           resolving=resolving,
                           evaluations=evaluations, grades=GRADES, cycle_states=CYCLE_STATES,
                           viewable={s.id for s in subs if authz.can_view_submission(user, s, rounds)})


@bp.route("/bases/<code>/lifecycle", methods=["GET", "POST"])
@allow(*STAFF)
def base_lifecycle(code):
    """The base's life cycle; the administrator records a step here (confirmed on a second page)."""
    base = load_base(code)
    if request.method == "GET":
        return _lifecycle_page(base)
    if not authz.can_decide_lifecycle(actor()):
        abort(403)
    form = TransitionForm()
    form.to_status.choices = options((to, str(lifecycle.TRANSITIONS[(base.status, to)]))
                                     for to in lifecycle.allowed_from(base.status))

    def step():
        return lifecycle.transition(base, form.to_status.data, actor=actor(), effective_on=form.effective_on.data,
                                    reason=form.reason.data, evidence=form.evidence.data,
                                    deadline=form.deadline.data, grade=form.grade.data or None,
                                    experts=form.expert_lines(), support_conditions=form.support_conditions.data,
                                    support_enrolment=form.support_enrolment.data,
                                    support_other=form.support_other.data)

    if request.form.get("confirmed") != "1":
        # A step is not undone: first a page that says what will happen. Tried and rolled back, so
        # every refusal shows now, not after confirming.
        write = submit_form(form, step, trial=True)
        if write.cancelled and write.error is None:
            return _confirm_transition(base, form)
        return _lifecycle_page(base, form=form)
    done = save_form(form, step, message=lambda change: _("%(code)s is now: %(status)s.", code=base.code,
                                                          status=BASE_STATUSES[change.to_status]),
                     done=url_for("checks.base_lifecycle", code=base.code))
    return done or _lifecycle_page(base, form=form)


def _confirm_transition(base, form):
    details = [(_("Base"), f"{base.code} {base.name}"), (_("Now"), BASE_STATUSES[base.status]),
               (_("Next state"), BASE_STATUSES.get(form.to_status.data, form.to_status.data)),
               (_("Takes effect on"), form.effective_on.data.isoformat()), (_("Reason"), form.reason.data)]
    if form.deadline.data:
        details.append((_("Rectification deadline"), form.deadline.data.isoformat()))
    hidden = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "confirmed", "submit")]
    return render_template("confirm.html", title=_("Confirm the life-cycle step"),
                           question=_("Record this step for %(code)s? It is kept in the base's history and cannot be "
                                      "undone.", code=base.code),
                           details=details, hidden=hidden, action=url_for("checks.base_lifecycle", code=base.code),
                           button=_("Record the step"), cancel=url_for("checks.base_lifecycle", code=base.code),
                           crumbs=base_crumbs(base) + [(_("Life cycle"), url_for("checks.base_lifecycle", code=base.code))])


@bp.route("/bases/<code>/objections", methods=["POST"])
@allow(ADMIN)
def base_objection(code):
    base = load_base(code)
    form = ObjectionForm()
    done = save_form(form, lambda: services.record_objection(base, actor=actor(), raised_by=form.raised_by.data,
                                                             received_on=form.received_on.data,
                                                             content=form.content.data),
                     message=_("The objection was recorded; recognition waits until it is resolved."),
                     done=url_for("checks.base_lifecycle", code=base.code))
    return done or _lifecycle_page(base, objection_form=form)


@bp.route("/bases/<code>/objections/<int:objection_id>/resolve", methods=["POST"])
@allow(ADMIN)
def base_objection_resolve(code, objection_id):
    base = load_base(code)
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.base_id != base.id:
        abort(404)
    form = ResolveObjectionForm()
    done = save_form(form, lambda: services.resolve_objection(objection, actor=actor(), resolved_on=form.resolved_on.data,
                                                              resolution=form.resolution.data),
                     message=_("The resolution was recorded."), done=url_for("checks.base_lifecycle", code=base.code))
    return done or _lifecycle_page(base, resolving=(objection.id, form))


# ---- construction plan and evaluation ---------------------------------------------------------

def _evaluation_or_none(base):
    """The state and the evaluation of the cycle the page asks for (`?cycle=n`, default the current)."""
    state = lifecycle.state_of(base)
    cycle = lifecycle.plan_cycle(state, request.args.get("cycle", type=int))
    if cycle is None and request.args.get("cycle"):
        abort(404)
    ev = queries.evaluation_many([base], {base.id: cycle})[base.id] if cycle is not None else None
    return state, ev


@bp.route("/bases/<code>/plan", methods=["GET", "POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR, authz.BASE_COORDINATOR)
def base_plan(code):
    base = load_base(code)
    user = actor()
    state, ev = _evaluation_or_none(base)
    editable = (authz.can_edit_plan(user, base) and base.status in lifecycle.PLAN_STATES
                and (ev is None or ev.cycle is state.cycle))
    form = TargetsForm()
    if ev is not None:
        form.cells = _target_cells(ev)
    if request.method == "POST":
        if not editable:
            abort(403)
        if ev is None:
            flash(_("The construction plan is kept once the base is recognised."), "warning")
            return redirect(url_for("checks.base_plan", code=base.code))
        # Someone saved targets since the page was opened: nothing written, the change shown.
        if not (form.validate_on_submit() and _stale_targets(form, ev, _targets_version(ev))):
            write = submit_form(form, lambda: services.set_targets(base, _sent_targets(ev), actor=user))
            if write.ok:
                flash(_("Targets saved (%(n)s changed).", n=write.result), "success")
                return redirect(url_for("checks.base_plan", code=base.code))
    report_form = AnnualReportForm()
    if ev is not None:
        if request.method == "GET":
            form.row_version.data = _targets_version(ev)
        report_form.year.choices = options((y.number, y.label) for y in ev.years)
        year = request.args.get("year", type=int)
        if request.method == "GET" and year in [y.number for y in ev.years]:
            report = ev.reports.get(year)
            report_form.year.data = year
            report_form.plan.data = report.plan if report else ""
            report_form.summary.data = report.summary if report else ""
            report_form.row_version.data = report.row_version if report else 0  # 0: none written yet
    return _plan_page(base, state, ev, form, report_form, editable)


def _target_cells(ev) -> dict:
    """The targets grid's cells (name -> label), for errors beside each and in the form's summary."""
    return {f"t-{row.indicator.key}-{_year_number(year)}": f"{row.indicator.label} · {getattr(year, 'label', year)}"
            for row in ev.rows for year in ev.years}


def _sent_targets(ev) -> dict:
    """The targets the form sent: (indicator, year number) -> the text typed, None when blank."""
    values = {}
    for key in queries.INDICATORS:
        for year in ev.years:
            name = f"t-{key}-{year.number}"
            if name in request.form:
                values[(key, year.number)] = request.form.get(name, "").strip() or None
    return values


def _targets_version(ev) -> str:
    """The version of a plan's targets as a whole: a digest of every target, so the page (one form
    for many rows) can tell whether anyone saved targets since it was opened."""
    import hashlib

    cells = sorted((row.indicator.key, _year_number(year), cell.target) for row in ev.rows
                   for year, cell in zip(ev.years, row.cells) if cell.target is not None)
    return hashlib.sha256(repr(cells).encode()).hexdigest()[:16]


def _year_number(year) -> int:
    """A plan year as the targets' field names give it (a number, or a construction year's number)."""
    return getattr(year, "number", year)


def _stale_targets(form, ev, version: str) -> bool:
    """Refuse (True) targets sent from a page opened before someone else saved targets; the error
    lists every cell where what is saved now differs from what was sent (theirs → yours)."""
    sent = (form.row_version.raw_data or [""])[0]
    if not sent or sent == version:
        return False
    changes = []
    for row in ev.rows:
        for year, cell in zip(ev.years, row.cells):
            name = f"t-{row.indicator.key}-{_year_number(year)}"
            theirs = "" if cell.target is None else str(cell.target)
            yours = request.form.get(name, "").strip()
            if name in request.form and theirs != yours:
                changes.append(f"{row.indicator.label} {getattr(year, 'label', year)}: {theirs or '—'} → "
                               f"{yours or '—'}")
    form.form_errors.append(_("Someone else saved this record after you opened it; nothing was saved. Changed since "
                        "(field: theirs → yours): %(changes)s. Send the form again to replace their values with "
                        "yours.", changes="; ".join(changes) or "—"))
    form.row_version.data = version
    form.row_version.raw_data = [version]
    return True


def _plan_page(base, state, ev, form, report_form, editable):
    sent = form.cell_errors or form.form_errors  # the targets as typed, to correct them
    submitted = request.form if request.method == "POST" and sent else {}
    return render_template("checks/plan.html", base=base, state=state, ev=ev, form=form, report_form=report_form,
                           submitted=submitted, editable=editable,
                           indicators=queries.INDICATORS)


@bp.route("/bases/<code>/plan/report", methods=["POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR, authz.BASE_COORDINATOR)
def base_plan_report(code):
    base = load_base(code, edit=True)
    state, ev = _evaluation_or_none(base)
    report_form = AnnualReportForm()
    report_form.year.choices = options((y.number, y.label) for y in (ev.years if ev else ()))
    # The year's report changed (or was first written) since the form was opened: refused, shown.
    report = ev.reports.get(report_form.year.data) if ev is not None and report_form.validate_on_submit() else None
    report_form.edited = report
    done = save_form(report_form, lambda: services.save_annual_report(
        base, report_form.year.data, actor=actor(), plan=report_form.plan.data, summary=report_form.summary.data),
        message=_("The annual plan and summary of construction year %(year)s were saved.", year=report_form.year.data),
        done=url_for("checks.base_plan", code=base.code))
    if done:
        return done
    targets = TargetsForm(formdata=None)
    if ev is not None:
        targets.row_version.data = _targets_version(ev)
        targets.cells = _target_cells(ev)
    return _plan_page(base, state, ev, targets, report_form, True)


@bp.route("/bases/<code>/evaluation", defaults={"printable": False})
@bp.route("/bases/<code>/evaluation/print", defaults={"printable": True}, endpoint="base_evaluation_print")
@allow(*STAFF)
def base_evaluation(code, printable):
    """The cycle's evaluation as a page, or laid out for print (checks.base_evaluation_print)."""
    base = load_base(code)
    state, ev = _evaluation_or_none(base)
    if printable:
        return render_template("checks/evaluation_print.html", base=base, state=state, ev=ev, print_view=True,
                               today=lifecycle.today(), fields=FIELDS)
    return render_template("checks/evaluation.html", base=base, state=state, ev=ev, print_view=False,
                           can_edit_plan=authz.can_edit_plan(actor(), base))


@bp.route("/bases/<code>/evaluation.xlsx")
@allow(*STAFF)
def base_evaluation_xlsx(code):
    base = load_base(code)
    state, ev = _evaluation_or_none(base)
    if ev is None:
        flash(_("The evaluation starts once the base is recognised."), "warning")
        return redirect(url_for("checks.base_evaluation", code=base.code))
    data = evaluation_workbook(ev, state)
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"evaluation-{base.code}-cycle{ev.cycle.number}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/bases/<code>/cycles/<int:number>/summary-report", methods=["GET", "POST"])
@allow(*STAFF)
def base_summary_report(code, number):
    """The summary report (总结报告) of cycle `number`: what was built against each target, beside
    the registry's counts; the signed document is attached below it."""
    base = load_base(code)
    user = actor()
    state = lifecycle.state_of(base)
    cycle = state.cycle_no(number)
    if cycle is None:
        abort(404)
    report = services.summary_report_of(cycle.id)
    editable = (authz.can_edit_plan(user, base) and cycle is state.cycle and cycle.state == "in_construction"
                and base.status == "in_construction")
    form = SummaryReportForm(obj=report)
    form.cells = {f"built-{key}": ind.label for key, ind in queries.INDICATORS.items()}
    if request.method == "POST":
        if not editable:
            abort(403)
        done = save_form(form, lambda: services.save_summary_report(
            base, actor=user, reported_on=form.reported_on.data, overview=form.overview.data,
            built={key: request.form.get(f"built-{key}", "") for key in queries.INDICATORS}),
            message=_("The summary report of cycle %(n)s was saved.", n=cycle.number),
            done=url_for("checks.base_summary_report", code=base.code, number=cycle.number))
        if done:
            return done
    elif report is None:
        form.reported_on.data = min(lifecycle.today(), cycle.ends_on)
    ev = queries.evaluation_many([base], {base.id: cycle})[base.id]
    attachments = attachments_context("summary_report", report, base) if report is not None else None
    return render_template("checks/summary_report.html", base=base, state=state, cycle=cycle, report=report,
                           form=form, ev=ev, editable=editable,
                           submitted=request.form if request.method == "POST" else {}, **(attachments or {}))


# ---- dashboard --------------------------------------------------------------------------------

def _dashboard_filters():
    args = request.args
    field = args.get("field") if args.get("field") in FIELDS else None
    kind = args.get("kind") if args.get("kind") in UNIVERSITY_KINDS else None
    round_id = args.get("round", type=int)
    status = args.get("status") if args.get("status") in BASE_STATUSES else None
    return dict(round_id=round_id, field=field, kind=kind, status=status)


DASHBOARD_PER_PAGE = 50


@bp.route("/dashboard")
@allow(ADMIN, REVIEWER)
def dashboard():
    as_of = parse_as_of(request.args.get("as_of"))
    filters = _dashboard_filters()
    page = dict(as_of=as_of, filters=filters, fields=FIELDS, kinds=UNIVERSITY_KINDS, statuses=BASE_STATUSES,
                rules=queries.rules_in_order(), chart_names=charts.CHARTS)
    # Every base's ratio and eligibility: computed once per day, filters and state of the data.
    # The table of bases is paged (the counts and charts above it cover every base): at ten times the
    # national scale the whole table was 1.5 MB on every view.
    number = max(1, request.args.get("page", 1, type=int) or 1)

    def context():
        data = queries.dashboard(as_of, **filters)
        return dict(page, data=data, table=ListPagination(data.rows, DASHBOARD_PER_PAGE, number),
                    rounds=list(db.session.scalars(queries.rounds())))

    figures = cache.cached_block("dashboard", "checks/dashboard.html", "figures", context,
                                 as_of, sorted(filters.items()), getattr(actor(), "role", None), number)
    return render_template("checks/dashboard.html", figures=figures, **page)


@bp.route("/dashboard/chart/<name>.svg")
@allow(ADMIN, REVIEWER)
def dashboard_chart(name):
    if name not in charts.CHARTS:
        abort(404)
    value = request.args.get("as_of")
    try:
        as_of = dt.date.fromisoformat(value) if value else lifecycle.today()
    except ValueError:
        as_of = lifecycle.today()
    filters = _dashboard_filters()
    svg = cache.cached("dashboard-chart", lambda: charts.render(name, queries.dashboard(as_of, **filters)),
                       str(get_locale()), name, as_of, sorted(filters.items()))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})


def register() -> None:
    """This area's navigation entries, base-page panel and attachable record type (called from the area's setup())."""
    register_nav(30, "checks.round_list", _l("Application rounds"), (ADMIN, REVIEWER, UNIVERSITY_COORDINATOR))
    register_nav(5, "checks.dashboard", _l("Dashboard"), (ADMIN, REVIEWER))
    register_panel("checks", 15, "checks/_base_panel.html", _panel)
    register_summary("checks", _summary)
    register_attachable("summary_report", SummaryReport, _l("Summary report"), _summary_report_url)
