"""Quality pages: the base's quality records (with evidence), the experts assigned to a base (and who
may not be, with the reason), and each reviewer's declared affiliations."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from registry import authz
from registry.auth import queries as auth_queries
from registry.auth.models import User
from registry.authz import ADMIN, REVIEWER, actor, allow
from registry.errors import _l
from registry.extensions import db
from registry.forms_support import delete_then, form_data, options, refuse_403, save_form
from registry.orgs.models import Enterprise, University
from registry.orgs.panels import register_panel
from registry.orgs.views import load_base
from registry.quality import queries, services
from registry.quality.forms import AffiliationForm, ExpertForm, QualityRecordForm
from registry.quality.models import (EXPERT_PURPOSES, QUALITY_KINDS, ExpertAssignment, QualityRecord,
                                     ReviewerAffiliation)
from registry.quality.services import LABELS
from registry.records.pages import Column, Filter, RecordKind, add_routes, attribute_columns, register_kind

bp = Blueprint("quality", __name__)


def _prepare(form, base):
    """Only the kinds the user may record are offered."""
    user = actor()
    form.kind.choices = options((k, label) for k, label in QUALITY_KINDS.items()
                                if authz.can_record_quality(user, base, k))


COLUMNS = [
    Column(LABELS["kind"], lambda o, e: QUALITY_KINDS[o.kind], "kind"),
    Column(LABELS["held_on"], lambda o, e: o.held_on, "held-on"),
    Column(LABELS["experts"], lambda o, e: ", ".join(o.experts.splitlines()) or o.assessor, "experts"),
    Column(LABELS["findings"], lambda o, e: o.findings if len(o.findings) <= 80 else o.findings[:80] + "…",
           "findings"),
]
DETAILS = [
    Column(LABELS["kind"], lambda o, e: QUALITY_KINDS[o.kind]),
    *attribute_columns(LABELS, "held_on", "ends_on", "experts", "assessor", "findings", "recommendations"),
]

QUALITY = RecordKind(
    key="quality_record", area="quality", slug="quality", model=QualityRecord,
    label=_l("Quality record"), plural=_l("Quality assurance"), form=QualityRecordForm,
    create=services.create_record, update=services.update_record, delete=services.delete_record,
    columns=COLUMNS, details=DETAILS, order_by=(QualityRecord.held_on.desc(), QualityRecord.id.desc()),
    year=extract("year", QualityRecord.held_on),
    filters=(Filter("kind", LABELS["kind"], QUALITY_KINDS, QualityRecord.kind),),
    prepare_form=_prepare,
    title=lambda o: f"{QUALITY_KINDS[o.kind]} {o.held_on.isoformat()}",
)
add_routes(bp, QUALITY)


# ---- experts assigned to a base -------------------------------------------------------------

def _reviewers() -> list[User]:
    return list(db.session.scalars(select(User).where(authz.assignable_reviewer_filter(User))
                                   .order_by(User.username)))


def _experts_page(base, form=None, status=200):
    reviewers = _reviewers()
    found = queries.conflicts([u.id for u in reviewers], [base.id])
    if form is None:
        form = ExpertForm()
    # Every active reviewer is offered: one with a conflict is refused with the reason, and listed below.
    form.user_id.choices = options((u.id, u.display_name or u.username) for u in reviewers)
    excluded = [(u, found[(u.id, base.id)]) for u in reviewers if (u.id, base.id) in found]
    experts = queries.experts_of(base.id)
    stale = {e.id for e in experts if (e.user_id, base.id) in found}
    return render_template("quality/experts.html", base=base, form=form, experts=experts, excluded=excluded,
                           stale=stale, purposes=EXPERT_PURPOSES,
                           can_assign=authz.can_assign_experts(actor())), status


@bp.route("/bases/<code>/experts", methods=["GET", "POST"])
@allow(ADMIN)
def base_experts(code):
    """The base's experts, and the form assigning one (sent back here, with every error on a refusal)."""
    base = load_base(code)
    form = ExpertForm()
    form.user_id.choices = options((u.id, u.display_name or u.username) for u in _reviewers())
    done = save_form(form, lambda: services.assign_expert(base, auth_queries.chosen_user(form.user_id.data),
                                                          actor=actor(), purpose=form.purpose.data),
                     message=_("Saved."), done=url_for("quality.base_experts", code=base.code))
    return done or _experts_page(base, form, 400 if form.is_submitted() else 200)


def _remove(link, remove, done: str):
    """Remove an expert's assignment or a reviewer's affiliation, then back to the page it was on."""
    return delete_then(lambda: remove(link, actor=actor()), done=done, message=_("Removed."), on_error=refuse_403)


def _load_link(model, link_id: int, **owner):
    """A link row that belongs where the URL says (`owner`: column → value), else 404."""
    link = db.session.get(model, link_id)
    if link is None or any(getattr(link, column) != value for column, value in owner.items()):
        abort(404)
    return link


@bp.route("/bases/<code>/experts/<int:link_id>/remove", methods=["POST"])
@allow(ADMIN)
def base_remove_expert(code, link_id):
    base = load_base(code)
    link = _load_link(ExpertAssignment, link_id, base_id=base.id)
    return _remove(link, services.unassign_expert, url_for("quality.base_experts", code=base.code))


# ---- reviewers' affiliations --------------------------------------------------------------

def _load_reviewer(user_id: int) -> User:
    reviewer = db.session.get(User, user_id)
    if reviewer is None or not authz.can_declare_affiliations(actor(), reviewer):
        abort(404)
    return reviewer


def _affiliation_form(form=None):
    form = form or AffiliationForm()
    form.university_id.choices = options([(0, "—")] + [(u.id, u.name) for u in db.session.scalars(
        select(University).order_by(University.name))])
    form.enterprise_id.choices = options([(0, "—")] + [(e.id, e.name) for e in db.session.scalars(
        select(Enterprise).order_by(Enterprise.name))])
    return form


def _affiliations_page(reviewer, form=None, status=200):
    return render_template("quality/affiliations.html", reviewer=reviewer, form=_affiliation_form(form),
                           affiliations=queries.affiliations_of(reviewer.id)), status


@bp.route("/reviewers/<int:user_id>/affiliations", methods=["GET", "POST"])
@allow(ADMIN, REVIEWER)
def affiliations(user_id):
    """A reviewer's declared affiliations, and the form declaring one (sent back here)."""
    reviewer = _load_reviewer(user_id)
    form = _affiliation_form()
    done = save_form(form, lambda: services.declare_affiliation(reviewer, actor=actor(), **form_data(form)),
                     message=_("Saved."), done=url_for("quality.affiliations", user_id=reviewer.id))
    return done or _affiliations_page(reviewer, form, 400 if form.is_submitted() else 200)


@bp.route("/reviewers/<int:user_id>/affiliations/<int:link_id>/delete", methods=["POST"])
@allow(ADMIN, REVIEWER)
def affiliation_withdraw(user_id, link_id):
    reviewer = _load_reviewer(user_id)
    link = _load_link(ReviewerAffiliation, link_id, user_id=reviewer.id)
    return _remove(link, services.withdraw_affiliation, url_for("quality.affiliations", user_id=reviewer.id))


# ---- the base-page panel ------------------------------------------------------------------

def _panel(base, user, as_of):
    counts = dict(db.session.execute(select(QualityRecord.kind, func.count())
                                     .where(QualityRecord.base_id == base.id).group_by(QualityRecord.kind)).all())
    return {"rows": [(k, label, counts.get(k, 0)) for k, label in QUALITY_KINDS.items()],
            "list_url": QUALITY.url("list", base),
            "new_url": QUALITY.url("new", base) if authz.can_edit_base(user, base) else None,
            "experts_url": url_for("quality.base_experts", code=base.code)
            if authz.can_assign_experts(user) else None}


def register() -> None:
    """This area's record kind and base-page panel (called from the area's setup())."""
    register_panel("quality", 45, "quality/_panel.html", _panel)
    register_kind(QUALITY)
