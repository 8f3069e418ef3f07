from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry import authz, cache
from registry.authz import ADMIN, STAFF, UNIVERSITY_COORDINATOR, actor, allow
from registry.errors import _l
from registry.extensions import db
from registry.nav import register_nav
from registry.forms_support import delete_then, options, save_form
from registry.orgs import queries, services
from registry.orgs.forms import BaseForm, EnterpriseForm, KeyFieldForm, KeyFieldRenameForm, UniversityForm
from registry.orgs.models import (BASE_STATUSES, FIELDS, SECTORS, UNIVERSITY_KINDS, Base, Enterprise, KeyField,
                                  University)
from registry.orgs.panels import panels_for, summary_for
from registry.web import parse_as_of

bp = Blueprint("orgs", __name__)

# The base page's in-page navigation: (anchor, label) of each area's panel, in page order; a link
# shows only when its panel is on the page (the template looks for the anchor's id).
BASE_SECTIONS = (
    ("application-panel", _l("Application")),
    ("checks-panel", _l("Checks and evaluation")),
    ("mentor-ratio-panel", _l("Roster")),
    ("panel-exchanges", _l("Exchange")),
    ("panel-teaching", _l("Teaching")),
    ("panel-governance", _l("Governance")),
    ("panel-quality", _l("Quality")),
    ("spreadsheets-panel", _l("Files")),
)


def _page(stmt):
    return db.paginate(stmt, per_page=request.args.get("per_page", 25, type=int) or 25, max_per_page=100,
                       error_out=False)


def base_crumbs(base) -> list[tuple]:
    """(label, url) of the breadcrumbs down to a base's page, for pages below it."""
    return [(_("Bases"), url_for("orgs.base_list")), (base.code, url_for("orgs.base_detail", code=base.code))]


def load_base(code: str, edit: bool = False) -> Base:
    """Load a base by code and check the actor may see (or edit) it; 404 hides others' bases."""
    # Its university and enterprises in the same query: every page of a base shows them.
    base = db.session.scalars(select(Base).options(*queries.with_parties(one=True))
                              .where(Base.code == code)).unique().one_or_none()
    user = actor()
    if base is None or not authz.can_view_base(user, base):
        abort(404)
    if edit and not authz.can_edit_base(user, base):
        abort(403)
    return base


# ---- bases -------------------------------------------------------------------------------

@bp.route("/bases")
@allow(*authz.ALL)
def base_list():
    args = request.args
    stmt = queries.bases_visible_to(actor(), field=args.get("field") or None, status=args.get("status") or None,
                                    university_id=args.get("university", type=int), kind=args.get("kind") or None,
                                    q=args.get("q") or None)
    if hasattr(Base, "cycles"):  # the checks area's construction cycles: each base's cycle number
        stmt = stmt.options(selectinload(Base.cycles))
    return render_template("orgs/base_list.html", page=_page(stmt), fields=FIELDS, statuses=BASE_STATUSES,
                           kinds=UNIVERSITY_KINDS, can_create=authz.can_create_base(actor()))


def _enterprise_options():
    return options((e.id, e.name) for e in db.session.scalars(queries.enterprises()))


def _fill_base_choices(form, user):
    unis = [u for u in db.session.scalars(queries.universities()) if authz.can_create_base(user, u)]
    form.university_id.choices = options((u.id, u.name) for u in unis)
    form.enterprise_ids.choices = _enterprise_options()


def _enterprises(ids):
    return list(db.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids or [])).order_by(Enterprise.name)))


@bp.route("/bases/new", methods=["GET", "POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def base_create():
    user = actor()
    form = BaseForm()
    _fill_base_choices(form, user)

    def create():
        uni = db.session.get(University, form.university_id.data) if form.university_id.data else None
        if uni is not None and not authz.can_create_base(user, uni):
            abort(403)
        return services.create_base(
            form.code.data, name=form.name.data, university=uni, enterprises=_enterprises(form.enterprise_ids.data),
            field=form.field.data, cooperation_since=form.cooperation_since.data,
            max_students_per_mentor=form.max_students_per_mentor.data, description=form.description.data,
            excellent_engineer_programme=form.excellent_engineer_programme.data, actor=user)

    done = save_form(form, create, message=lambda base: _("Base %(code)s was created.", code=base.code),
                     done=lambda base: url_for("orgs.base_detail", code=base.code))
    if done:
        return done
    return render_template("orgs/base_form.html", form=form, base=None)


@bp.route("/bases/<code>")
@allow(*authz.ALL)
def base_detail(code):
    base = load_base(code)
    as_of = parse_as_of(request.args.get("as_of"))
    user = actor()
    page = dict(base=base, as_of=as_of, fields=FIELDS, statuses=BASE_STATUSES, kinds=UNIVERSITY_KINDS,
                can_edit=authz.can_edit_base(user, base))

    def render_parts():
        band = render_template("orgs/_summary_band.html", summary=summary_for(base, user, as_of), **page)
        return [band] + [render_template(template, panel=context, **page)
                         for template, context in panels_for(base, user, as_of)]

    # The summary band and each area's panel, rendered once per data generation for this viewer
    # (links depend on who looks; the user's row changes with their role). Parts holding a form
    # token are never kept.
    band, *panels = cache.cached("base-panels", render_parts, base.id, as_of, str(get_locale()), user.id,
                                 user.updated_at, keep=cache.without_form_tokens, ttl=cache.VIEWER_TTL)
    joined = "".join(panels)
    sections = sorted(((joined.find(f'id="{anchor}"'), anchor, label) for anchor, label in BASE_SECTIONS
                       if f'id="{anchor}"' in joined))
    return render_template("orgs/base_detail.html", panels=[Markup(h) for h in panels], summary_band=Markup(band),
                           sections=[(anchor, label) for _pos, anchor, label in sections], **page)


@bp.route("/bases/<code>/edit", methods=["GET", "POST"])
@allow(*authz.EDITORS)
def base_edit(code):
    base = load_base(code, edit=True)
    form = BaseForm(obj=base)
    # The code and the university are the base's identity: shown, not edited.
    del form.code
    del form.university_id
    form.enterprise_ids.choices = _enterprise_options()
    if request.method == "GET":
        form.enterprise_ids.data = [e.id for e in base.enterprises]
    done = save_form(
        form, lambda: services.update_base(
            base, name=form.name.data, enterprises=_enterprises(form.enterprise_ids.data), field=form.field.data,
            cooperation_since=form.cooperation_since.data, max_students_per_mentor=form.max_students_per_mentor.data,
            description=form.description.data, excellent_engineer_programme=form.excellent_engineer_programme.data,
            actor=actor()),
        message=_("Saved."), done=url_for("orgs.base_detail", code=base.code))
    return done or render_template("orgs/base_form.html", form=form, base=base)


# ---- universities ------------------------------------------------------------------------

@bp.route("/universities")
@allow(ADMIN, "reviewer", UNIVERSITY_COORDINATOR)
def university_list():
    user = actor()
    stmt = queries.universities(q=request.args.get("q") or None, kind=request.args.get("kind") or None)
    scope = authz.visible_university_filter(user, University)
    if scope is not None:
        stmt = stmt.where(scope)
    return render_template("orgs/university_list.html", page=_page(stmt), kinds=UNIVERSITY_KINDS,
                           can_create=authz.can_create_university(user),
                           can_edit=lambda uni: authz.can_edit_university(user, uni))


def _simple_form(form, action, *, done: str, title, delete_url: str | None = None):
    """A university's or an enterprise's form: save it, or show it again (with the delete button to
    those who may delete, as the delete route decides)."""
    saved = save_form(form, action, message=_("Saved."), done=done)
    return saved or render_template("orgs/simple_form.html", form=form, title=title,
                                    delete_url=delete_url if authz.can_manage_system(actor()) else None)


@bp.route("/universities/new", methods=["GET", "POST"])
@allow(ADMIN)
def university_create():
    form = UniversityForm()
    return _simple_form(form, lambda: services.create_university(form.name.data, form.kind.data, form.province.data,
                                                                 actor=actor()),
                        done=url_for("orgs.university_list"), title=_("New university"))


@bp.route("/universities/<int:university_id>/edit", methods=["GET", "POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def university_edit(university_id):
    uni = db.session.get(University, university_id)
    if uni is None or not authz.can_view_university(actor(), uni):
        abort(404)
    if not authz.can_edit_university(actor(), uni):
        abort(403)
    form = UniversityForm(obj=uni)
    if not authz.can_manage_system(actor()):  # the kind sets the quota (R6): the ministry decides it
        form.kind.render_kw = {"disabled": True}
        form.kind.data = uni.kind
    return _simple_form(form, lambda: services.update_university(uni, name=form.name.data, kind=form.kind.data,
                                                                 province=form.province.data, actor=actor()),
                        done=url_for("orgs.university_list"), title=uni.name,
                        delete_url=url_for("orgs.university_delete", university_id=uni.id))


# ---- enterprises -------------------------------------------------------------------------

@bp.route("/enterprises")
@allow(*STAFF)
def enterprise_list():
    stmt = queries.enterprises(q=request.args.get("q") or None, sector=request.args.get("sector") or None)
    page, user = _page(stmt), actor()
    can_create = authz.can_edit_enterprise(user)
    shared = (queries.enterprises_of_other_universities(user.university_id, [e.id for e in page.items])
              if can_create and authz.limits_enterprise_edits(user) else set())
    return render_template("orgs/enterprise_list.html", page=page, sectors=SECTORS, can_create=can_create,
                           not_editable=shared)


@bp.route("/enterprises/new", methods=["GET", "POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def enterprise_create():
    form = EnterpriseForm()
    return _simple_form(form, lambda: services.create_enterprise(
        form.name.data, form.sector.data or None, form.scale.data, form.rd_focus.data, form.practice_conditions.data,
        actor=actor()), done=url_for("orgs.enterprise_list"), title=_("New enterprise"))


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@allow(ADMIN, UNIVERSITY_COORDINATOR)
def enterprise_edit(enterprise_id):
    ent = _load_or_404(Enterprise, enterprise_id)
    if not authz.can_edit_enterprise(actor(), ent):
        abort(403)
    form = EnterpriseForm(obj=ent)
    return _simple_form(form, lambda: services.update_enterprise(
        ent, name=form.name.data, sector=form.sector.data or None, scale=form.scale.data, rd_focus=form.rd_focus.data,
        practice_conditions=form.practice_conditions.data, actor=actor()),
        done=url_for("orgs.enterprise_list"), title=ent.name,
        delete_url=url_for("orgs.enterprise_delete", enterprise_id=ent.id))


# ---- deleting unused organisations (administrators) --------------------------------------

def _load_or_404(model, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def _delete_unused(model, obj_id: int, delete, list_endpoint: str, deleted):
    """Delete a university or enterprise no base uses (404 when there is none), then back to its list;
    `deleted(obj)` says so."""
    obj = _load_or_404(model, obj_id)
    return delete_then(lambda: delete(obj, actor=actor()), done=url_for(list_endpoint), message=deleted(obj))


@bp.route("/universities/<int:university_id>/delete", methods=["POST"])
@allow(ADMIN)
def university_delete(university_id):
    return _delete_unused(University, university_id, services.delete_university, "orgs.university_list",
                          lambda uni: _("The university %(name)s was deleted.", name=uni.name))


@bp.route("/enterprises/<int:enterprise_id>/delete", methods=["POST"])
@allow(ADMIN)
def enterprise_delete(enterprise_id):
    return _delete_unused(Enterprise, enterprise_id, services.delete_enterprise, "orgs.enterprise_list",
                          lambda ent: _("The enterprise %(name)s was deleted.", name=ent.name))


# ---- key fields (administrators) ----------------------------------------------------------

@bp.route("/admin/fields", methods=["GET", "POST"])
@allow(ADMIN)
def key_fields():
    form = KeyFieldForm()
    done = save_form(form, lambda: services.add_key_field(form.code.data, name_zh=form.name_zh.data,
                                                          name_en=form.name_en.data, actor=actor()),
                     message=_("The key field was added."), done=url_for("orgs.key_fields"))
    if done:
        return done
    rows = db.session.scalars(select(KeyField).order_by(KeyField.position, KeyField.id)).all()
    used = dict(db.session.execute(select(Base.field, db.func.count()).group_by(Base.field)).all())
    return render_template("orgs/key_fields.html", form=form, rows=rows, used=used)


@bp.route("/admin/fields/<int:field_id>", methods=["GET", "POST"])
@allow(ADMIN)
def key_field_rename(field_id):
    kf = db.session.get(KeyField, field_id)
    if kf is None:
        abort(404)
    form = KeyFieldRenameForm(obj=kf)
    done = save_form(form, lambda: services.rename_key_field(kf, name_zh=form.name_zh.data, name_en=form.name_en.data,
                                                             actor=actor()),
                     message=_("Saved."), done=url_for("orgs.key_fields"))
    return done or render_template("orgs/simple_form.html", form=form,
                                   title=_("Rename key field %(code)s",
                                           code=kf.name_zh if str(get_locale()).startswith("zh") else kf.name_en))


def register() -> None:
    """This area's navigation entries (called from the area's setup())."""
    register_nav(10, "orgs.base_list", _l("Bases"), authz.ALL)
    register_nav(80, "orgs.university_list", _l("Universities"), (ADMIN, "reviewer", UNIVERSITY_COORDINATOR))
    register_nav(81, "orgs.enterprise_list", _l("Enterprises"), STAFF)
    register_nav(83, "orgs.key_fields", _l("Key fields"), (ADMIN,))
