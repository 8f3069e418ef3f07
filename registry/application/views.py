"""Pages of the application (申报): the plan and narrative while the base is prepared, and the
form as .docx from the base page (today's, or the frozen one once submitted) and from the
submission page (always its frozen form). Load → authorise (404 unseen, 403 unchangeable) →
service → commit."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from registry import authz
from registry.application import queries, services
from registry.application.bundle import results_workbook
from registry.application.export import form_document
from registry.application.forms import ApplicationPlanForm, IndicatorsForm, ScoreForm
from registry.application.models import PLAN_YEARS, IndicatorScore
from registry.authz import ADMIN, BASE_COORDINATOR, EDITORS, REVIEWER, UNIVERSITY_COORDINATOR, actor, allow
from registry.checks.models import ApplicationRound, Review
from registry.checks.queries import INDICATORS, reviewer_round_ids
from registry.checks.views import load_submission
from registry.errors import _l
from registry.extensions import db
from registry.forms_support import flash_error, or_403, save_form, writing
from registry.nav import register_nav
from registry.orgs.panels import register_panel
from registry.orgs.views import load_base

bp = Blueprint("application", __name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _panel(base, user, as_of):
    return {"can_edit": authz.can_edit_plan(user, base) and base.status in services.EDITABLE_FROM,
            "can_download": authz.can_edit_base(user, base),
            "frozen": queries.latest_frozen(base.id) is not None if authz.can_edit_base(user, base) else False}


def _targets_from_request() -> dict:
    values = {}
    for key in INDICATORS:
        for year in PLAN_YEARS:
            name = f"t-{key}-{year}"
            if name in request.form:
                values[(key, year)] = request.form.get(name, "").strip() or None
    return values


@bp.route("/bases/<code>/application", methods=["GET", "POST"])
@allow(*EDITORS)
def base_application(code):
    base = load_base(code, edit=True)
    user = actor()
    editable = authz.can_edit_plan(user, base) and base.status in services.EDITABLE_FROM
    plan = queries.plan_of(base.id)
    form = ApplicationPlanForm(obj=plan)
    labels = queries.indicator_labels_here()
    form.cells = {f"t-{key}-{year}": f"{label} · {_('Construction year %(n)s', n=year)}" for key, label in labels.items()
                  for year in PLAN_YEARS}
    if request.method == "POST":
        if not editable:
            abort(403)
        done = save_form(form, lambda: services.save_plan(base, actor=user,
                                                          fields={n: getattr(form, n).data for n in form.NAMES},
                                                          targets=_targets_from_request()),
                         message=_("The application was saved."),
                         done=url_for("application.base_application", code=base.code))
        if done:
            return done
    targets = (plan.targets if plan is not None else None) or {}
    submitted = request.form if request.method == "POST" else {}
    return render_template("application/plan.html", base=base, form=form, editable=editable,
                           targets=targets, submitted=submitted, years=PLAN_YEARS,
                           labels=labels, frozen=queries.latest_frozen(base.id)), \
        (422 if form.cell_errors or form.errors else 200)


def _send(name: str, content: bytes):
    return send_file(io.BytesIO(content), mimetype=DOCX_MIME, as_attachment=True, download_name=name)


@bp.route("/bases/<code>/application.docx")
@allow(*EDITORS)
def base_application_docx(code):
    """The base's form: the frozen one of its latest submission, else the registry's state today."""
    base = load_base(code, edit=True)
    name, content, _data = form_document(base)
    return _send(name, content)


@bp.route("/submissions/<int:submission_id>/application.docx")
@allow(ADMIN, REVIEWER, UNIVERSITY_COORDINATOR, BASE_COORDINATOR)
def submission_application_docx(submission_id):
    """The submission's frozen form (reviewers: only in rounds they are assigned to; 404 otherwise)."""
    sub = load_submission(submission_id)
    frozen = queries.frozen_form_of(sub.id)
    if frozen is None:  # submitted before forms were frozen: nothing to show that is the submission's own
        abort(404)
    name, content, _data = form_document(sub.base, frozen=frozen)
    return _send(name, content)


# ---- the reviewers' file ---------------------------------------------------------------------------


def _results_round(round_id: int):
    """The round's results: the administrator, and the reviewers assigned to it (others: 404)."""
    r = db.session.get(ApplicationRound, round_id)
    user = actor()
    if r is None or (authz.sees_assigned_rounds_only(user) and r.id not in reviewer_round_ids(user.id)):
        abort(404)
    return r


@bp.route("/review")
@allow(REVIEWER)
def reviewer_home():
    return render_template("application/reviewer_home.html", **queries.reviewer_home(actor()))


@bp.route("/submissions/<int:submission_id>/form")
@allow(ADMIN, REVIEWER, UNIVERSITY_COORDINATOR, BASE_COORDINATOR)
def submission_form(submission_id):
    """The frozen form as a page: what the .docx shows, for reading in the browser."""
    sub = load_submission(submission_id)
    frozen = queries.frozen_form_of(sub.id)
    if frozen is None:
        abort(404)
    return render_template("application/form_page.html", sub=sub, data=frozen.data,
                           labels=queries.indicator_labels_here())


@bp.route("/submissions/<int:submission_id>/score", methods=["GET", "POST"])
@allow(REVIEWER)
def submission_score(submission_id):
    sub = load_submission(submission_id)
    user = actor()
    indicators = queries.indicators_of(sub.round_id)
    form = ScoreForm()
    form.cells = {f"s-{i.id}": i.name for i in indicators}
    done = save_form(form, lambda: services.score_submission(
        sub, actor=user, scores={i.id: request.form.get(f"s-{i.id}", "") for i in indicators},
        opinion=form.opinion.data), forbidden_is_403=True,
        message=_("Your review was recorded."), done=url_for("application.reviewer_home"))
    if done:
        return done
    own = _own_scores(sub.id, user.id)
    if request.method == "GET" and own["opinion"] is not None:
        form.opinion.data = own["opinion"]
    status = 422 if form.cell_errors or form.errors else 200
    return render_template("application/score.html", sub=sub, indicators=indicators, form=form,
                           own=own["scores"], submitted=request.form if request.method == "POST" else {}), status


def _own_scores(submission_id: int, user_id: int) -> dict:
    from sqlalchemy import select

    review = db.session.scalar(select(Review).where(Review.submission_id == submission_id,
                                                    Review.reviewer_id == user_id))
    if review is None:
        return {"opinion": None, "scores": {}}
    return {"opinion": review.opinion,
            "scores": dict(db.session.execute(select(IndicatorScore.indicator_id, IndicatorScore.score)
                                              .where(IndicatorScore.review_id == review.id)).all())}


@bp.route("/rounds/<int:round_id>/indicators", methods=["GET", "POST"])
@allow(ADMIN)
def round_indicators(round_id):
    r = _results_round(round_id)
    form = IndicatorsForm()
    if request.method == "GET":
        form.indicators.data = "\n".join(f"{i.name} {i.weight}" for i in queries.indicators_of(r.id))
    done = save_form(form, lambda: services.set_indicators(r, _indicator_lines(form.indicators.data), actor=actor()),
                     message=_("Saved."), done=url_for("application.round_results", round_id=r.id))
    if done:
        return done
    return render_template("application/indicators.html", r=r, form=form), (422 if form.errors else 200)


def _indicator_lines(text) -> list[tuple[str, str]]:
    """Lines "name weight" as (name, weight); a line without a space is a name without a weight."""
    items = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            name, _sep, weight = line.rpartition(" ")
            items.append((name, weight) if name else (line, ""))
    return items


@bp.route("/rounds/<int:round_id>/results")
@allow(ADMIN, REVIEWER)
def round_results(round_id):
    r = _results_round(round_id)
    return render_template("application/results.html", r=r, indicators=queries.indicators_of(r.id),
                           rows=queries.round_results(r.id), can_manage=authz.can_manage_rounds(actor()))


@bp.route("/rounds/<int:round_id>/results.xlsx")
@allow(ADMIN, REVIEWER)
def round_results_xlsx(round_id):
    r = _results_round(round_id)
    content = results_workbook(r, queries.indicators_of(r.id), queries.round_results(r.id))
    return send_file(io.BytesIO(content), as_attachment=True, download_name=f"评审结果-{r.year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/submissions/<int:submission_id>/withdraw", methods=["POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def submission_withdraw(submission_id):
    sub = load_submission(submission_id)
    round_id, code = sub.round_id, sub.base.code
    with writing(on_error=or_403(flash_error)) as write:
        services.withdraw_submission(sub, actor=actor())
    if write.ok:
        flash(_("The application of %(code)s was withdrawn.", code=code), "success")
    return redirect(url_for("checks.round_detail", round_id=round_id))


def register() -> None:
    """This area's navigation entries and base-page panel (called from the area's setup())."""
    register_panel("application", 14, "application/_base_panel.html", _panel)
    register_nav(6, "application.reviewer_home", _l("My reviews"), (REVIEWER,))
