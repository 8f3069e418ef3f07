from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import select

from registry.auth import queries, services
from registry.auth.forms import (EmptyForm, LoginForm, PasswordForm, PasswordResetForm, TokenForm, UserCreateForm,
                                 UserScopeForm)
from registry.auth.models import User
from registry.authz import ADMIN, ALL, PUBLIC, ROLES, actor, allow, scope_of
from registry.errors import Checks, DomainError, Forbidden, NotFound, _l, errors_of
from registry.extensions import db, limiter
from registry.hooks import Hook
from registry.forms_support import (apply_domain_error, flash_error, form_page, options, save_form, submit_form,
                                    writing)
from registry.nav import ROLE_LABELS, register_nav
from registry.orgs import queries as orgs_queries
from registry.orgs.models import Base
from registry.web import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

# The notification settings form on the account page: the notify area fills it in its setup().
account_panel = Hook("auth.account_panel", "(user, formdata=None) -> the notification settings form")


def _failed_login(response):
    # Only failed attempts count towards the limit; a successful login redirects.
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except DomainError as exc:
            user = None
            apply_domain_error(form, exc)
        else:
            if user is None:
                form.password.errors.append(_("Wrong username or password."))
        if user is not None:
            # A new session for the logged-in user (no fixation); the chosen language stays.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(*ALL)
def logout():
    """Ends every session of this user, not only this browser's (a copied cookie dies too)."""
    lang = session.get("lang")
    with writing():
        services.end_sessions(actor(), actor=actor())
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(*ALL)
def account():
    user = actor()
    form = PasswordForm()
    done = save_form(
        form, lambda: services.change_password(user, form.old_password.data, form.new_password.data, actor=user),
        message=_("Your password was changed. Every other session of your account has ended."),
        done=url_for("auth.account"))
    if done is not None:
        login_user(user)  # this session goes on in the new generation; every other one ended
    return done or render_template("auth/account.html", form=form, user=user, notify_form=account_panel(user))


@bp.route("/tokens", methods=["GET", "POST"])
@allow(*ALL)
def tokens():
    user = actor()
    form = TokenForm()
    new_token = None
    # The clear token is shown once, on this page: no redirect after saving.
    write = submit_form(form, lambda: services.create_token(user, form.name.data, form.expires_on.data, actor=user))
    if write.ok:
        _token, new_token = write.result
        form = TokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, tokens=services.tokens_of(user),
                           new_token=new_token, revoke_form=EmptyForm())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@allow(*ALL)
def revoke_token(token_id):
    user = actor()  # NotFound (404) for another's token or none
    with writing():
        services.revoke_token(user, token_id, actor=user)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.tokens"))


# ---- administrators manage accounts ------------------------------------------------------

def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _fill_scope_choices(form):
    form.role.choices = options((r, ROLE_LABELS[r]) for r in ROLES)
    form.base_ids.choices = options((b.id, f"{b.code} {b.name}")
                                    for b in db.session.scalars(select(Base).order_by(Base.code)))
    form.university_id.choices = options([(0, "—")] + [(u.id, u.name)
                                                       for u in db.session.scalars(orgs_queries.universities())])


def _scope_from_form(form) -> dict:
    """The scope fields the chosen role uses (the others are ignored), resolved to records."""
    needs = scope_of(form.role.data)
    scope = {"bases": [], "university": None, "mentor": None}
    if needs == "bases":
        scope["bases"] = services.bases_by_ids(form.base_ids.data)
    elif needs == "university" and form.university_id.data:
        scope["university"] = services.university_by_id(form.university_id.data)
    elif needs == "mentor" and (form.mentor_organisation.data or form.mentor_staff_no.data):
        scope["mentor"] = services.mentor_by_key(f"{form.mentor_organisation.data}:{form.mentor_staff_no.data}")
    return scope


def _with_scope(form, service):
    """Run `service(**scope)` with the scope the form names. A scope that is not found (no such mentor)
    is reported together with the service's errors about the other fields."""
    check = Checks()
    scope = check(_scope_from_form, form)
    found = scope is not None
    try:
        result = service(**(scope or {"bases": [], "university": None, "mentor": None}))
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        # Without the scope, the service would only say again that it is missing.
        missing = {e.field for e in check.errors}
        for error in errors_of(exc):
            if found or error.field not in missing:
                check.add(error)
        result = None
    check.done()
    return result


@bp.route("/users")
@allow(ADMIN)
def user_list():
    args = request.args
    stmt = queries.users(q=args.get("q") or None, role=args.get("role") or None, state=args.get("state") or None)
    page = db.paginate(stmt, per_page=args.get("per_page", 50, type=int) or 50, max_per_page=200, error_out=False)
    return render_template("auth/user_list.html", page=page, roles=ROLE_LABELS, action_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMIN)
def user_create():
    form = UserCreateForm()
    _fill_scope_choices(form)
    return form_page(
        form, lambda: _with_scope(form, lambda **scope: services.create_user(
            form.username.data, form.role.data, form.password.data, display_name=form.display_name.data, **scope,
            actor=actor())),
        message=lambda user: _("The account %(username)s was created.", username=user.username),
        done=url_for("auth.user_list"), template="auth/user_form.html", user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def user_edit(user_id):
    user = _load_user(user_id)
    form = UserScopeForm(obj=user)
    _fill_scope_choices(form)
    if request.method == "GET":
        form.base_ids.data = [b.id for b in user.bases]
        form.university_id.data = user.university_id or 0
        if user.mentor is not None:
            form.mentor_organisation.data = user.mentor.organisation
            form.mentor_staff_no.data = user.mentor.staff_no
    return form_page(
        form, lambda: _with_scope(form, lambda **scope: services.update_user(
            user, actor=actor(), display_name=form.display_name.data, role=form.role.data, **scope)),
        message=_("Saved."), done=url_for("auth.user_list"), template="auth/user_form.html", user=user,
        action_form=EmptyForm())


def _set_active(user_id: int, active: bool):
    user = _load_user(user_id)
    if active:
        message = _("The account %(username)s was reactivated.", username=user.username)
    else:
        message = _("The account %(username)s was deactivated: it can no longer log in or use its API tokens.",
                    username=user.username)
    with writing(on_error=flash_error) as write:
        services.set_active(user, active, actor=actor())
    if write.ok:
        flash(message, "success")
    return redirect(url_for("auth.user_list"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allow(ADMIN)
def user_deactivate(user_id):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@allow(ADMIN)
def user_activate(user_id):
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@allow(ADMIN)
def user_password(user_id):
    user = _load_user(user_id)
    form = PasswordResetForm()
    return form_page(
        form, lambda: services.reset_password(user, form.new_password.data, actor=actor()),
        message=_("A new password was set for %(username)s.", username=user.username), done=url_for("auth.user_list"),
        template="auth/user_password.html", user=user)


def register() -> None:
    """This area's navigation entry (called from the area's setup())."""
    register_nav(85, "auth.user_list", _l("Accounts"), (ADMIN,))
