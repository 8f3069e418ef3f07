"""Request plumbing shared by every area: the access gate, locale, errors, security headers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Response, abort, current_app, g, has_request_context, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from registry import authz, db_state, serving
from registry.authz import PUBLIC, allowed_roles, has_declared_role
from registry.cli_support import bilingual_commands
from registry.errors import DomainError, msgid_of
from registry.extensions import db, login_manager
from registry.hooks import Hook
from registry.limits import NUL_REFUSED, query_problem
from registry.models_common import set_actor
from registry.nav import nav_items, role_label

PUBLIC_ENDPOINTS = {"static", "bootstrap.static"}
# Served even when the database is not ready (they touch no table, or check it themselves): the
# language switch and the probes.
NO_DATABASE_ENDPOINTS = {"set_language", "healthz", "readyz"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def select_locale():
    if not has_request_context():  # a command: Chinese (commands print both languages themselves)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if is_api_request():  # scripts send no session cookie: honour Accept-Language, Chinese by default
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
        return "en" if best == "en" else current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    user = g.get("actor")
    if user is not None and user.locale in current_app.config["LANGUAGES"]:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no '//' or '\\' tricks.

    Browsers drop tabs and newlines inside URLs and read '\\' as '/', so "/\t/evil.com" and
    "/\\evil.com" would leave the site: any control character or backslash is refused.
    """
    if not target or not isinstance(target, str):
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return False
    parts = urlsplit(target)
    return (not parts.scheme and not parts.netloc and target.startswith("/")
            and not target.startswith("//"))


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


def _bearer_token() -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header; "" for a malformed header, None for none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token or len(token) > 200:
        return ""
    return token


def _resolve_actor():
    """The acting user: the API token's owner under /api/ (cookies are ignored there), else the session's."""
    if is_api_request():
        token = _bearer_token()
        if not token:
            return None
        user, problem = token_owner(token)
        g.token_problem = problem
        return user
    return current_user._get_current_object() if current_user.is_authenticated else None


def is_static(endpoint: str | None) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or (endpoint or "").endswith(".static")


def fresh_request_state(endpoint=None, values=None):
    """Start every request with an empty `g`.

    `g` lives on the application context; when a request runs inside an app context that is
    already pushed (the test suite, a request made from a command), Flask reuses that context and
    its `g`, so Flask-Login's cached user and Flask-Babel's cached locale would leak from one
    request into the next. Registered as the first URL value preprocessor: it runs before any other
    preprocessor and before every before_request hook (Flask-WTF's CSRF check, Flask-Limiter's).
    """
    for key in list(vars(g)):
        delattr(g, key)


# The owner of an API token, with the reason a token is refused: the auth area's setup() fills it
# (with registry.auth.models.token_owner), as it gives Flask-Login its user loader.
token_owner = Hook("web.token_owner", "(token) -> (user or None, problem or None)")
only_base_of = Hook("web.only_base_of", "(user) -> the code of the one base the user keeps, or None")

TRACE_KEY = "registry.trace"


def _mark_refused() -> None:
    """Tell whoever passed a dict as environ["registry.trace"] (the access-matrix test) that the
    gate, not a view's object check, refused this request."""
    trace = request.environ.get(TRACE_KEY)
    if isinstance(trace, dict):
        trace["refused_by"] = "gate"


def refuse(status: int = 403):
    _mark_refused()
    abort(status)


def gate():
    """One permission gate for every request: declared roles, checked on the server."""
    endpoint = request.endpoint
    if is_static(endpoint):
        return None
    if endpoint in NO_DATABASE_ENDPOINTS and PUBLIC in (allowed_roles(current_app.view_functions[endpoint]) or ()):
        return None  # public and touching no table: works while the database is not ready
    _check_schema_once()
    user = _resolve_actor()
    g.actor = user
    if user is not None:
        request.environ[serving.USER_KEY] = user.id  # for the access log line
    set_actor(db.session, user)
    if endpoint is None:
        return None  # unknown URL or method: the 404/405 handler answers
    roles = allowed_roles(current_app.view_functions[endpoint])
    if roles is None:  # fail closed: a view nobody declared is reachable by nobody
        current_app.logger.error("endpoint %s declares no roles", endpoint)
        refuse(403)
    if PUBLIC in roles:
        return None
    if user is None:
        _mark_refused()
        if is_api_request():
            if _bearer_token() is None:
                return api_error(401, "unauthorized", _("A valid API token is required: send the header "
                                                        "Authorization: Bearer TOKEN."))
            if g.get("token_problem") == "token_expired":
                return api_error(401, "token_expired", _("The API token has expired. Create a new one under "
                                                         "My account → API tokens."))
            return api_error(401, "invalid_token", _("The API token is malformed, unknown or revoked."))
        return login_manager.unauthorized()
    if not has_declared_role(user, roles):
        refuse(403)
    return None


def check_values():
    """Refuse hostile values before any view or query reads them: a NUL character in the path, the
    query string, a form or a JSON body (PostgreSQL cannot store it), and numbers or dates in the
    query string beyond what a column or date arithmetic holds (`?page=` with 31 digits,
    `?as_of=9999-12-31`). Registered first among the before-request hooks."""
    if is_static(request.endpoint):
        return None
    if "\x00" in request.path or _has_nul(request.args):
        return _value_refused(NUL_REFUSED, {})
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _has_nul(request.form):
                return _value_refused(NUL_REFUSED, {})
        elif request.is_json:
            body = request.get_data(cache=True)
            if b"\x00" in body or b"\\u0000" in body:
                return _value_refused(NUL_REFUSED, {})
    for name, value in request.args.items(multi=True):
        problem = query_problem(name, value)
        if problem is not None:
            return _value_refused(*problem)
    return None


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _value_refused(message, params):
    text = _(msgid_of(message)) % params if params else _(msgid_of(message))
    return _error_page(400, _("Bad request."), text)


def _check_schema_once():
    app = current_app
    if not app.config.get("CHECK_DATABASE_ON_START") or app.extensions.get("schema_ok"):
        return
    current, head = db_state.migration_state(db.engine)
    if current != head:
        g.schema_problem = (current, head)
        abort(503)
    app.extensions["schema_ok"] = True


def _database_unavailable(exc):
    """The database went away (or cannot be reached): the app's own 503 page, rendered without it.

    Nothing on the page may touch the database: no acting user (their attributes may be expired),
    so the layout shows no account and the locale comes from the session cookie alone."""
    current_app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                             str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__)
    try:
        db.session.rollback()
    except Exception:
        pass
    g.actor = None
    g._login_user = login_manager.anonymous_user()  # Flask-Login's template global must not load the user
    response = _error_page(503, _("The database cannot be reached."),
                           _("The service is unavailable. Please try again in a few minutes."))
    if isinstance(response, tuple):
        response = current_app.make_response(response)
    response.headers["Retry-After"] = "30"
    return response


def _error_page(status: int, title: str, detail: str = ""):
    if is_api_request():
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "too_many_requests",
                 500: "server_error", 503: "unavailable"}
        return api_error(status, codes.get(status, "error"), detail or title)
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


# Templates ask the same predicates the routes check: `can_open(actor, 'mentors.roster')`,
# `can_edit_base(actor, base)`, `scope_of(user.role)`.
PREDICATES = {name: getattr(authz, name) for name in dir(authz) if name.startswith("can_")}
PREDICATES["scope_of"] = authz.scope_of


def init_app(app):
    app.url_value_preprocessors.setdefault(None, []).insert(0, fresh_request_state)
    app.before_request_funcs.setdefault(None, []).insert(0, check_values)
    app.before_request(gate)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.after_request
    def security_headers(response: Response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("HSTS_SECONDS"):
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PendingRollbackError)
    def database_unavailable(exc):
        return _database_unavailable(exc)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return _error_page(exc.status, _("The request could not be completed."), exc.localized())

    @app.errorhandler(StaleDataError)
    def stale_data(exc):
        # A row changed between reading and writing it (optimistic locking): nothing was written.
        db.session.rollback()
        return _error_page(409, _("Someone else changed this record at the same moment; nothing was saved. "
                                  "Reload the page and try again."))

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
            500: _("Something went wrong on our side. The error has been logged."),
            503: _("The service is unavailable. Please try again later."),
        }
        if exc.code == 503 and g.get("schema_problem"):
            current, head = g.schema_problem
            detail = _("The database is missing or behind on migrations (at %(current)s, need %(head)s). "
                       "Run: %(command)s", current=current or "-", head=head, command=db_state.UPGRADE_COMMAND)
            return _error_page(503, _("The database is not ready."), detail)
        return _error_page(exc.code or 500, messages.get(exc.code, _("The request could not be completed.")))

    @app.errorhandler(Exception)
    def server_error(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return _database_unavailable(exc)
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # the database itself may be what failed
            app.logger.exception("rollback failed")
        return _error_page(500, _("Something went wrong on our side. The error has been logged."))

    @app.context_processor
    def template_globals():
        return {"actor": g.get("actor"), "current_locale": str(get_locale()),
                "languages": app.config["LANGUAGES"], "nav_items": nav_items, "role_label": role_label,
                **PREDICATES}

    app.add_url_rule("/lang/<code>", "set_language", set_language)
    app.add_url_rule("/healthz", "healthz", _public(serving.healthz))
    app.add_url_rule("/readyz", "readyz", _public(serving.readyz))
    app.add_url_rule("/", "index", index)

    # Last step of create_app: every command group is registered by now.
    bilingual_commands(app)


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
    user = g.get("actor")
    if user is None:
        return redirect(url_for("auth.login"))
    return redirect(landing_url(user))


def landing_url(user) -> str:
    """Where each role's work is (authz.landing_of): a mentor's own record, a coordinator's only
    base, a reviewer's waiting reviews, the ministry's dashboard; else the list of bases."""
    landing = authz.landing_of(user)
    if landing == "mentor":
        return url_for("mentors.me")
    if landing == "reviews":
        return url_for("application.reviewer_home")
    if landing == "dashboard":
        return url_for("checks.dashboard")
    if landing == "base":
        code = only_base_of(user)
        if code:
            return url_for("orgs.base_detail", code=code)
    return url_for("orgs.base_list")


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



def set_up_area(app, views, cli=None) -> None:
    """The first steps of most areas' set-up: fill its nav entries and panels, serve its pages, add its
    commands (when it has a `cli`)."""
    views.register()
    app.register_blueprint(views.bp)
    if cli is not None:
        cli.register(app)

from flask_sqlalchemy.pagination import Pagination as _Pagination  # noqa: E402


class ListPagination(_Pagination):
    """Flask-SQLAlchemy's pagination over a list already in memory (figures that come from the cache),
    so the same `pagination` macro renders it. `page` comes from `?page=`; an out-of-range page is
    empty rather than an error."""

    def __init__(self, items: list, per_page: int, page: int | None = None):
        super().__init__(page=page, per_page=per_page, max_per_page=per_page, error_out=False, items=items)

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])
