from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from registry.auth import services
from registry.auth.forms import EmptyForm, LoginForm, PasswordForm, TokenForm
from registry.authz import ALL, PUBLIC, actor, allow
from registry.errors import DomainError
from registry.extensions import db, limiter
from registry.forms_support import apply_domain_error
from registry.web import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _failed_login(response):
    # Only failed attempts count towards the limit; a successful login redirects.
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("index")))
        form.password.errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form), (200 if request.method == "GET" or not form.errors else 200)


@bp.route("/logout", methods=["POST"])
@allow(*ALL)
def logout():
    EmptyForm().validate_on_submit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(*ALL)
def account():
    user = actor()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.old_password.data, form.new_password.data)
            db.session.commit()
            flash(_("Your password was changed."), "success")
            return redirect(url_for("auth.account"))
        except DomainError as exc:
            apply_domain_error(form, exc)
    return render_template("auth/account.html", form=form, user=user)


@bp.route("/tokens", methods=["GET", "POST"])
@allow(*ALL)
def tokens():
    user = actor()
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _token, new_token = services.create_token(user, form.name.data)
            db.session.commit()
        except DomainError as exc:
            apply_domain_error(form, exc)
    return render_template("auth/tokens.html", form=form, tokens=services.tokens_of(user),
                           new_token=new_token, revoke_form=EmptyForm())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@allow(*ALL)
def revoke_token(token_id):
    if EmptyForm().validate_on_submit():
        services.revoke_token(actor(), token_id)
        db.session.commit()
        flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.tokens"))
