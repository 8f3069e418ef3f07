from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from werkzeug.routing import BuildError

from registry import authz
from registry.auth.forms import PasswordForm
from registry.authz import ALL, actor, allow
from registry.extensions import db
from registry.forms_support import save_form, writing
from registry.notify import events, queries, services
from registry.notify.forms import settings_form
from registry.notify.mail import describe
from registry.notify.models import Notification

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _bell():
    """`unread_notifications()` for the navigation bar's bell: one count query, only when the page asks."""

    def unread_notifications() -> int:
        user = g.get("actor")
        if user is None:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = services.unread_count(user.id)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


def text_of(notification) -> str:
    """The notification's sentence in the page's language."""
    return describe(notification, str(get_locale()))


def target_of(notification) -> str:
    try:
        return url_for(notification.link_endpoint, **(notification.link_args or {}))
    except BuildError:
        return url_for("notify.notification_list")


def _load(notification_id: int) -> Notification:
    n = db.session.get(Notification, notification_id)
    if n is None or not authz.can_read_notification(actor(), n):  # another's looks the same as none
        abort(404)
    return n


def _filters() -> dict:
    kind = request.values.get("kind") or None
    state = request.values.get("state") or None
    return {"kind": kind if kind in events.KINDS else None, "state": state if state in queries.STATES else None}


@bp.route("")
@allow(*ALL)
def notification_list():
    user = actor()
    filters = _filters()
    page = db.paginate(queries.notifications_of(user.id, **filters), per_page=50, max_per_page=200,
                       error_out=False)
    kinds = events.kinds_for(user.role)
    return render_template("notify/list.html", page=page, filters=filters, kinds=kinds, all_kinds=events.KINDS,
                           text_of=text_of)


@bp.route("/<int:notification_id>/open")
@allow(*ALL)
def notification_open(notification_id):
    """Mark it read and go where it is dealt with."""
    n = _load(notification_id)
    with writing():
        services.mark_read(n, actor=actor())
    return redirect(target_of(n))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@allow(*ALL)
def notification_read(notification_id):
    n = _load(notification_id)
    with writing():
        services.mark_read(n, actor=actor())
    return redirect(url_for("notify.notification_list", **{k: v for k, v in _filters().items() if v}))


@bp.route("/read-all", methods=["POST"])
@allow(*ALL)
def notification_read_all():
    filters = _filters()
    with writing():
        n = services.mark_all_read(actor=actor(), kind=filters["kind"])
    flash(_("%(n)s notifications marked read.", n=n), "success")
    return redirect(url_for("notify.notification_list", **{k: v for k, v in filters.items() if v}))


def account_panel(user, formdata=None):
    """The notification settings form for the account page (auth.account renders it)."""
    return settings_form(user, services.setting_for(user), events.kinds_for(user.role), formdata=formdata)


@bp.route("/settings", methods=["POST"])
@allow(*ALL)
def save_settings():
    user = actor()
    form = account_panel(user, formdata=request.form)
    done = save_form(form, lambda: services.save_settings(
        user, actor=user, email=form.email.data, email_enabled=form.email_enabled.data,
        email_kinds=form.email_kinds.data, locale=form.locale.data or None),
        message=_("Your notification settings were saved."), done=url_for("auth.account") + "#notification-settings")
    return done or render_template("auth/account.html", form=PasswordForm(formdata=None), user=user, notify_form=form)
