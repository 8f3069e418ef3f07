"""Every endpoint declares its roles, and the gate holds for every role on every endpoint.

Endpoints are read from app.url_map, so those that later issues add are covered without edits:
an undeclared one fails `test_every_endpoint_declares_its_roles`; a declared one is requested
by anonymous and each of the five roles, with every method it accepts (POSTs with an empty form),
and must answer as its declaration says, and never with a 500.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter, IntegerConverter

from registry.authz import PUBLIC, ROLES, allow, allowed_roles
from registry.extensions import db, limiter
from registry.web import TRACE_KEY, is_static
from tests.conftest import act_as, bearer

UNKNOWN_ID = 999999
# URL parameters named `<x>_id` take an existing id of table x; a few names differ from their table.
TABLE_ALIASES = {"appt": "appointment", "attachment": "evidence_attachment"}
KNOWN_VALUES = {"year": 2024, "as_of": "2024-09-01", "lang": "en"}


def checked_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if not is_static(r.endpoint)), key=lambda r: r.rule)


def undeclared_endpoints(app) -> list[str]:
    return sorted({r.endpoint for r in checked_rules(app) if allowed_roles(app.view_functions[r.endpoint]) is None})


def existing_ids() -> dict[str, int]:
    """{table: smallest id} of every table with an integer id and at least one row."""
    ids = {}
    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None:
            continue
        value = db.session.scalar(select(func.min(column)))
        if isinstance(value, int):
            ids[table.name] = value
    return ids


def url_variants(rule, world_values: dict, ids: dict) -> list[dict]:
    """The URL values to try: one set, or one per choice of each `any(...)` parameter."""
    variants = [url_values(rule, world_values, ids)]
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            variants = [{**v, name: item} for v in variants for item in sorted(converter.items)]
    return variants


def url_values(rule, world_values: dict, ids: dict) -> dict:
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name in world_values:
            values[name] = world_values[name]
        elif name in KNOWN_VALUES:
            values[name] = KNOWN_VALUES[name]
        elif name.endswith("_id"):
            stem = name[:-3]
            table = TABLE_ALIASES.get(stem, stem)
            values[name] = ids.get(table, UNKNOWN_ID)
        elif isinstance(converter, IntegerConverter):
            values[name] = UNKNOWN_ID
        else:
            values[name] = "dummy"
    return values


def build(rule, values) -> str:
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def _json_error(response) -> dict | None:
    body = response.get_json(silent=True) or {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) and {"code", "message"} <= set(error) else None


def request_traced(client, url, **kwargs):
    """(response, refused by the gate?) for one request."""
    trace = {}
    response = client.open(url, environ_base={TRACE_KEY: trace}, **kwargs)
    return response, trace.get("refused_by") == "gate"


def check_response(endpoint, method, url, who, roles, response, by_gate: bool) -> str | None:
    """The problem with this answer, or None."""
    status = response.status_code
    api = url.startswith("/api/")
    if status == 503 and endpoint == "readyz" and response.get_json().get("status") == "not ready":
        pass  # the probe's own answer: the suite's schema is built by create_all, not migrations
    elif status >= 500:
        return f"{status} (server error)"
    if PUBLIC in roles:
        return "refused by the gate although public" if by_gate else None
    if who is None:
        if api:
            if status != 401 or _json_error(response) is None:
                return f"anonymous API request answered {status}, want 401 with the error shape"
        elif status != 302 or "/auth/login" not in response.headers.get("Location", ""):
            return f"anonymous answered {status}, want a redirect to the login page"
        return None
    if who not in roles:
        if status != 403 or not by_gate:
            return f"role outside {sorted(roles)} answered {status}, want the gate's 403"
        if api and _json_error(response) is None:
            return "API 403 without the error shape"
        return None
    if status == 403 and by_gate:
        return "allowed role refused by the gate"
    return None


def run_matrix(app, client, world, tokens) -> list[str]:
    """Request every declared endpoint with every method as anonymous and as each role."""
    world_values = {"code": world.base.code}
    users = {role: SimpleNamespace(id=user.id) for role, user in world.users.items()}
    ids = existing_ids()
    db.session.commit()  # the world joins the test's outer transaction; each request is undone below
    db.session.close()
    connection = db.session.get_bind()
    problems = []
    for rule in checked_rules(app):
        roles = allowed_roles(app.view_functions[rule.endpoint])
        if roles is None:
            continue  # reported by test_every_endpoint_declares_its_roles
        for values in url_variants(rule, world_values, ids):
            problems += _request_all(app, client, rule, roles, build(rule, values), users, tokens, connection)
    return problems


def _request_all(app, client, rule, roles, url, users, tokens, connection) -> list[str]:
    """One URL, each method, anonymous and each role; every request undone by a savepoint."""
    problems = []
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        for who in (None, *ROLES):
            headers = {}
            if url.startswith("/api/"):  # bearer tokens; the session cookie is ignored there
                act_as(client, None)
                if who is not None:
                    headers = bearer(tokens[who])
            else:
                act_as(client, users[who] if who else None)
            limiter.reset()
            savepoint = connection.begin_nested()
            try:
                response, by_gate = request_traced(client, url, method=method, headers=headers,
                                                   data={} if method == "POST" else None)
            finally:
                db.session.close()
                savepoint.rollback()
            problem = check_response(rule.endpoint, method, url, who, roles, response, by_gate)
            if problem:
                problems.append(f"{method} {url} [{rule.endpoint}] as {who or 'anonymous'}: {problem}")
    return problems


def test_every_endpoint_declares_its_roles(app):
    assert undeclared_endpoints(app) == [], "declare the roles of these views with @allow(...)"


def test_every_role_on_every_endpoint(app, client, world, tokens):
    problems = run_matrix(app, client, world, tokens)
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_what_the_app_serves(app):
    endpoints = {r.endpoint for r in checked_rules(app)}
    # The foundation's own endpoints, and any added later, are in the matrix by construction.
    assert {"orgs.base_list", "auth.login", "auth.user_list", "audit.audit_list", "api.bases",
            "api.openapi", "set_language"} <= endpoints
    assert not {"static", "bootstrap.static"} & endpoints


# ---- the gate on an app with views nobody declared ---------------------------------------

@pytest.fixture
def app_with_extra_views(make_app):
    extra = make_app()

    @extra.route("/undeclared", methods=["GET", "POST"])
    def undeclared():
        return "should never be served"

    @extra.route("/admins-only")
    @allow("admin")
    def admins_only():
        return "ok"

    return extra


def test_an_undeclared_view_fails_the_check_and_is_refused_to_everyone(app_with_extra_views, world):
    assert undeclared_endpoints(app_with_extra_views) == ["undeclared"]
    who_list = (None, SimpleNamespace(id=world.admin.id), SimpleNamespace(id=world.coord.id))
    db.session.commit()
    client = app_with_extra_views.test_client()
    for who in who_list:
        act_as(client, who)
        response, by_gate = request_traced(client, "/undeclared")
        assert response.status_code == 403
        assert by_gate
        assert "should never be served" not in response.get_data(as_text=True)


def test_a_new_declared_view_is_checked_by_the_matrix(app_with_extra_views, world):
    admin, coord = SimpleNamespace(id=world.admin.id), SimpleNamespace(id=world.coord.id)
    db.session.commit()
    client = app_with_extra_views.test_client()
    rule = next(r for r in app_with_extra_views.url_map.iter_rules() if r.endpoint == "admins_only")
    roles = allowed_roles(app_with_extra_views.view_functions["admins_only"])
    for who, user in (("admin", admin), ("base_coordinator", coord), (None, None)):
        act_as(client, user)
        response, by_gate = request_traced(client, "/admins-only")
        assert check_response("admins_only", "GET", "/admins-only", who, roles, response, by_gate) is None, who
    assert rule.arguments == set()


def test_check_response_flags_a_server_error_and_a_wrongly_refused_role(app_with_extra_views, world):
    class Fake:
        def __init__(self, status):
            self.status_code = status
            self.headers = {}

        def get_json(self, silent=True):
            return None

    roles = frozenset({"admin"})
    assert "server error" in check_response("x", "GET", "/x", "admin", roles, Fake(500), False)
    assert "refused by the gate" in check_response("x", "GET", "/x", "admin", roles, Fake(403), True)
    assert "gate's 403" in check_response("x", "GET", "/x", "mentor", roles, Fake(200), False)
    assert check_response("x", "GET", "/x", "mentor", roles, Fake(403), True) is None
    # A view's own 403 (may see, may not change) is not the gate's, and is allowed.
    assert check_response("x", "GET", "/x", "admin", roles, Fake(403), False) is None
    assert "redirect to the login page" in check_response("x", "GET", "/x", None, roles, Fake(200), False)
