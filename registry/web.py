"""Request plumbing shared by every area: the access gate, locale, errors, security headers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Response, abort, current_app, g, jsonify, redirect, render_template, request,
                   session, url_for)
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from registry import db_state
from registry.audit.services import set_actor
from registry.authz import PUBLIC, allowed_roles
from registry.errors import DomainError
from registry.extensions import db, login_manager

PUBLIC_ENDPOINTS = {"static", "bootstrap.static"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def select_locale():
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    user = g.get("actor")
    if user is not None and user.locale in current_app.config["LANGUAGES"]:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no '//' or '\\' tricks."""
    if not target:
        return False
    target = target.strip()
    parts = urlsplit(target)
    return (not parts.scheme and not parts.netloc and target.startswith("/")
            and not target.startswith("//") and "\\" not in target)


def safe_next(target: str | None, default: str = "/") -> str:
    return target if is_safe_next(target) else default


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="registry"'
    return response


def _resolve_actor():
    if is_api_request():
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:].strip():
            from registry.auth.models import user_for_token

            return user_for_token(header[7:].strip())
        return None
    return current_user._get_current_object() if current_user.is_authenticated else None


def gate():
    """One permission gate for every request: declared roles, checked on the server."""
    _check_schema_once()
    endpoint = request.endpoint
    if endpoint is None:
        return None  # unknown URL: the 404 handler answers
    user = _resolve_actor()
    g.actor = user
    set_actor(db.session, user)
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    roles = allowed_roles(current_app.view_functions[endpoint])
    if roles is None:  # fail closed: a view nobody declared is reachable by nobody
        current_app.logger.error("endpoint %s declares no roles", endpoint)
        abort(403)
    if PUBLIC in roles:
        return None
    if user is None:
        if is_api_request():
            return api_error(401, "unauthorized", _("A valid API token is required."))
        return login_manager.unauthorized()
    if user.role not in roles:
        abort(403)
    return None


def _check_schema_once():
    app = current_app
    if not app.config.get("CHECK_DATABASE_ON_START") or app.extensions.get("schema_ok"):
        return
    current, head = db_state.migration_state(db.engine)
    if current != head:
        g.schema_problem = (current, head)
        abort(503)
    app.extensions["schema_ok"] = True


def _error_page(status: int, title: str, detail: str = ""):
    if is_api_request():
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 413: "too_large", 429: "too_many_requests",
                 500: "server_error", 503: "unavailable"}
        return api_error(status, codes.get(status, "error"), detail or title)
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def init_app(app):
    app.before_request(gate)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id):
        from registry.auth.models import User

        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    @app.after_request
    def security_headers(response: Response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return _error_page(exc.status, _("The request could not be completed."), exc.localized())

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _error_page(400, _("The form expired or was not sent from this site. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: _("Bad request."),
            401: _("Please log in."),
            403: _("You do not have permission to do this."),
            404: _("Page not found."),
            405: _("This method is not allowed here."),
            413: _("The file is too large."),
            429: _("Too many attempts. Please wait a minute and try again."),
        }
        if exc.code == 503 and g.get("schema_problem"):
            current, head = g.schema_problem
            detail = _("The database is missing or behind on migrations (at %(current)s, need %(head)s). "
                       "Run: %(command)s", current=current or "-", head=head, command=db_state.UPGRADE_COMMAND)
            return _error_page(503, _("The database is not ready."), detail)
        return _error_page(exc.code or 500, messages.get(exc.code, exc.name))

    @app.errorhandler(Exception)
    def server_error(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _error_page(500, _("Something went wrong on our side. The error has been logged."))

    @app.context_processor
    def template_globals():
        from registry.nav import nav_items, role_label

        return {"actor": g.get("actor"), "current_locale": str(get_locale()),
                "languages": app.config["LANGUAGES"], "nav_items": nav_items, "role_label": role_label}

    app.add_url_rule("/lang/<code>", "set_language", set_language)
    app.add_url_rule("/", "index", index)


def _public(view):
    view.allowed_roles = frozenset({PUBLIC})
    return view


@_public
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("index")))


@_public
def index():
    if g.get("actor") is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("orgs.base_list"))


def parse_as_of(value: str | None):
    """The page's "as of" date: ?as_of=YYYY-MM-DD, today when absent or malformed (flashed)."""
    import datetime as dt

    from flask import flash

    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        flash(_("\"%(value)s\" is not a date (YYYY-MM-DD); showing today.", value=value), "warning")
        return dt.date.today()
