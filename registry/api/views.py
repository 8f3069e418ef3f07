"""/api/v1: JSON for outside scripts. A token sees exactly what its owner sees on the web.

Other areas collect their endpoints in a `Routes` of their own `api.py` (mentors, checks) and hand
it over from their setup() with `contribute`; this area's setup() then makes the app's blueprint
of them all (`blueprint`). Each area describes its endpoints with `registry.api.openapi.add_path`.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select

from registry import authz
from registry.api.openapi import document
from registry.authz import ALL, PUBLIC, actor, allow
from registry.extensions import csrf, db
from registry.orgs import queries
from registry.orgs.models import Base


class Routes:
    """An area's /api/v1 endpoints, collected by `@routes.route(rule)` as a blueprint would."""

    def __init__(self):
        self.rules: list[tuple[str, object, dict]] = []

    def route(self, rule: str, **options):
        def decorate(view):
            self.rules.append((rule, view, options))
            return view

        return decorate


routes = Routes()  # this area's own endpoints
API_ROUTES = "registry.api_routes"  # app.extensions key: the Routes the areas contributed


def contribute(app, area_api) -> None:
    """Hand an area's `api` module to the api area (from the area's setup()): its paths go into the
    OpenAPI document (`area_api.register()`), its `routes` onto the app's /api/v1 blueprint."""
    area_api.register()
    contributed = app.extensions.setdefault(API_ROUTES, [])
    if area_api.routes not in contributed:
        contributed.append(area_api.routes)


def blueprint(app) -> Blueprint:
    """The app's /api/v1 blueprint: this area's endpoints, then those the areas contributed."""
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    for area_routes in (routes, *app.extensions.get(API_ROUTES, ())):
        for rule, view, options in area_routes.rules:
            bp.add_url_rule(rule, view_func=view, **options)
    csrf.exempt(bp)  # bearer tokens, no cookies: CSRF does not apply
    return bp


def base_json(base: Base) -> dict:
    return {
        "code": base.code,
        "name": base.name,
        "field": base.field,
        "status": base.status,
        "university": {"name": base.university.name, "kind": base.university.kind},
        "enterprises": [{"name": e.name, "sector": e.sector} for e in base.enterprises],
        "cooperation_since": base.cooperation_since.isoformat(),
        "max_students_per_mentor": base.max_students_per_mentor,
    }


def visible_base_or_404(code: str) -> Base:
    base = db.session.scalar(select(Base).where(Base.code == code))
    if base is None or not authz.can_view_base(actor(), base):
        abort(404)  # another's base looks the same as none
    return base


@routes.route("/bases")
@allow(*ALL)
def bases():
    rows = db.session.scalars(queries.bases_visible_to(actor(), field=request.args.get("field") or None)).all()
    return jsonify({"bases": [base_json(b) for b in rows]})


@routes.route("/bases/<code>")
@allow(*ALL)
def base(code):
    return jsonify(base_json(visible_base_or_404(code)))


@routes.route("/openapi.json")
@allow(PUBLIC)
def openapi():
    return jsonify(document())
