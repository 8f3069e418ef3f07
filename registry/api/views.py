"""/api/v1: JSON for outside scripts. A token sees exactly what its owner sees on the web.

Other areas add endpoints to `bp` from their own `api.py` modules (imported below), and describe
them in `registry/api/openapi.py`.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select

from registry import authz
from registry.authz import ALL, PUBLIC, actor, allow
from registry.extensions import csrf, db
from registry.orgs import queries
from registry.orgs.models import Base

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, no cookies: CSRF does not apply


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


@bp.route("/bases")
@allow(*ALL)
def bases():
    rows = db.session.scalars(queries.bases_visible_to(actor(), field=request.args.get("field") or None)).all()
    return jsonify({"bases": [base_json(b) for b in rows]})


@bp.route("/bases/<code>")
@allow(*ALL)
def base(code):
    return jsonify(base_json(visible_base_or_404(code)))


@bp.route("/openapi.json")
@allow(PUBLIC)
def openapi():
    from registry.api.openapi import document

    return jsonify(document())


def _load_area_endpoints():
    import importlib

    from registry import AREAS

    for area in AREAS:
        try:
            importlib.import_module(f"registry.{area}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"registry.{area}.api":
                raise


_load_area_endpoints()
