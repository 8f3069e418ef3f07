"""Running for real: request ids, structured logs, the reverse proxy, health and readiness probes,
and the rules production holds to.

Every request gets an id: the client's (or the proxy's) `X-Request-ID` when it is a plain token,
else a new one. It is echoed in the response's `X-Request-ID` and carried by every log line
written while the request runs; one access line per request ends it. Logs are JSON, one object a
line, on standard error (`LOG_FORMAT=text` for plain lines).
"""
from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import current_app, jsonify
from registry import db_state
from registry.extensions import db

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:@+=/-]{1,128}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("registry_request_id", default=None)
ENVIRON_KEY = "registry.request_id"
USER_KEY = "registry.user_id"


def current_request_id() -> str | None:
    return _request_id.get()


def _incoming_id(environ) -> str:
    value = environ.get("HTTP_X_REQUEST_ID", "")
    return value if _VALID_ID.match(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """WSGI middleware (outermost): the request id for every log line, its echo, the access line."""

    def __init__(self, wsgi_app, logger: logging.Logger):
        self.wsgi_app = wsgi_app
        self.logger = logger

    def __call__(self, environ, start_response):
        rid = _incoming_id(environ)
        environ[ENVIRON_KEY] = rid
        token = _request_id.set(rid)
        started = time.perf_counter()
        status_holder = {}

        def _start_response(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != REQUEST_ID_HEADER.lower()]
            headers.append((REQUEST_ID_HEADER, rid))
            status_holder["status"] = status
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, _start_response)
        finally:
            status = status_holder.get("status", "500")
            self.logger.info(
                "%s %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status.split(" ")[0],
                extra={"event": "request", "method": environ.get("REQUEST_METHOD"),
                       "path": environ.get("PATH_INFO"), "status": int(status.split(" ")[0] or 0),
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                       "remote_addr": environ.get("REMOTE_ADDR"), "user_id": environ.get(USER_KEY)})
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


_EXTRA_FIELDS = ("event", "method", "path", "status", "duration_ms", "remote_addr", "user_id")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        for key in _EXTRA_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")


class _RegistryHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging's last-resort handler does); marks the
    handler this module installed, so a second app in one process adds no second one."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure_logging(app) -> None:
    from flask.logging import default_handler

    logger = logging.getLogger(app.import_name)  # app.logger
    logger.removeHandler(default_handler)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    formatter = TextFormatter() if app.config.get("LOG_FORMAT") == "text" else JsonFormatter()
    for handler in logger.handlers:
        if isinstance(handler, _RegistryHandler):
            handler.setFormatter(formatter)
            return
    handler = _RegistryHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter)
    logger.addHandler(handler)


def wrap_wsgi(app) -> None:
    """ProxyFix when the app runs behind trusted proxies, then the request-id middleware outside it."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    app.wsgi_app = RequestIdMiddleware(app.wsgi_app, logging.getLogger(f"{app.import_name}.access"))


# ---- production rules ----------------------------------------------------------------------

MIN_SECRET_KEY = 32


def _refuse(zh: str, en: str):
    print(zh, file=sys.stderr)
    print(en, file=sys.stderr)
    raise SystemExit(2)


def check_production(app) -> None:
    """Production refuses the debugger and a short secret key (at start, before serving anything)."""
    if not app.config.get("PRODUCTION"):
        return
    if app.debug:
        _refuse("生产环境不允许调试模式（请去掉 FLASK_DEBUG / --debug）。",
                "Debug mode is refused in production (unset FLASK_DEBUG / drop --debug).")
    if len(app.config.get("SECRET_KEY") or "") < MIN_SECRET_KEY:
        _refuse(f"生产环境的 SECRET_KEY 至少需要 {MIN_SECRET_KEY} 个字符。",
                f"SECRET_KEY must have at least {MIN_SECRET_KEY} characters in production.")


# ---- probes --------------------------------------------------------------------------------

def healthz():
    """The process runs (no database, no session, nothing else)."""
    return jsonify({"status": "ok"})


def _not_ready(reason: str):
    response = jsonify({"status": "not ready", "reason": reason})
    response.status_code = 503
    return response


def readyz():
    """Ready when the database answers and is at the newest migration, and Redis (when the
    configuration names one) answers."""
    from sqlalchemy import text

    app = current_app
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = db_state.migration_state(db.engine)
    except Exception as exc:
        app.logger.warning("readyz: database unreachable: %s", type(exc).__name__)
        return _not_ready(f"database unreachable: {type(exc).__name__}")
    if current != head:
        return _not_ready(f"database at migration {current or '-'}, need {head}; run {db_state.UPGRADE_COMMAND}")
    redis_url = redis_url_of(app)
    if redis_url:
        try:
            import redis

            client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
            client.close()
        except Exception as exc:
            app.logger.warning("readyz: redis unreachable: %s", type(exc).__name__)
            return _not_ready(f"redis unreachable: {type(exc).__name__}")
    return jsonify({"status": "ready"})


def redis_url_of(app) -> str | None:
    url = app.config.get("REDIS_URL") or app.config.get("RATELIMIT_STORAGE_URI") or ""
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None
