"""/api/v1 endpoints of the mentors area: a base's mentors, and the ratio of the contract."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request
from flask_babel import gettext as _

from registry import authz
from registry.api.openapi import AS_OF_PARAM, CODE_PARAM, SCHEMAS, add_path
from registry.api.views import Routes, visible_base_or_404
from registry.authz import ALL, STAFF, actor, allow
from registry.extensions import db
from registry.mentors import queries
from registry.mentors.fields import mask_phone
from registry.orgs.queries import base_ids_visible_to
from registry.web import api_error

routes = Routes()  # this area's /api/v1 endpoints, handed to the api area by setup()


def _date_param(name: str, required: bool = True):
    """(date, None) or (None, error response) for a YYYY-MM-DD query parameter."""
    value = request.args.get(name)
    if not value:
        if required:
            return None, api_error(400, "bad_request", _("The query parameter %(name)s (YYYY-MM-DD) is required.",
                                                         name=name))
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, api_error(400, "bad_request", _("\"%(value)s\" is not a date (YYYY-MM-DD).", value=value))


def _appointment_json(a, as_of: dt.date) -> dict:
    return {"starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat() if a.ends_on else None,
            "state": a.state, "reason": a.reason, "counts_on_date": queries.appointment_counts_on(a, as_of),
            "suspensions": [{"from": s.starts_on.isoformat(), "until": s.ends_on.isoformat() if s.ends_on else None,
                             "reason": s.reason} for s in a.suspensions]}


@routes.route("/bases/<code>/mentors")
@allow(*STAFF)
def base_mentors(code):
    """Everyone who holds or held an appointment at the base, with those appointments. Mobile numbers are
    masked unless the token's owner may see contact details of this base."""
    base = visible_base_or_404(code)
    as_of, error = _date_param("as_of", required=False)
    if error is not None:
        return error
    as_of = as_of or dt.date.today()

    mentors = list(db.session.scalars(queries.roster_statement(base.id, as_of)))
    appointments = queries.appointments_by_mentor(base.id, [m.id for m in mentors])
    unmasked = authz.can_see_contact_details(actor(), base)
    return jsonify({
        "base": base.code,
        "as_of": as_of.isoformat(),
        "phone_masked": not unmasked,
        "mentors": [{
            "name": m.name, "side": m.side, "organisation": m.organisation, "staff_no": m.staff_no,
            "title": m.title, "degree": m.degree, "expertise": m.expertise, "email": m.email,
            "phone": m.phone if unmasked else mask_phone(m.phone),
            "state_on_date": queries.state_on(appointments[m.id], as_of),
            "appointments": [_appointment_json(a, as_of) for a in appointments[m.id]],
        } for m in mentors],
    })


@routes.route("/ratio")
@allow(*ALL)
def ratio():
    """The contract's ratio: {"as_of": ..., "bases": [...]}, sorted by code, bases the owner may see."""
    as_of, error = _date_param("as_of")
    if error is not None:
        return error
    visible = base_ids_visible_to(actor())
    code = request.args.get("base")
    if code is not None:
        base = visible_base_or_404(code)
        ids = [base.id]
    else:
        ids = visible
    rows = queries.ratio_of_bases(as_of, ids)
    return jsonify({"as_of": as_of.isoformat(), "bases": [r.as_json() for r in rows]})


def register() -> None:
    """This area's schemas and paths in the OpenAPI document (called from the area's setup())."""
    SCHEMAS["Ratio"] = {
        "type": "object",
        "required": ["base", "name", "enterprise_mentors", "university_mentors", "total_mentors", "enterprise_share",
                     "meets_requirement"],
        "properties": {
            "base": {"type": "string"}, "name": {"type": "string"},
            "enterprise_mentors": {"type": "integer"}, "university_mentors": {"type": "integer"},
            "total_mentors": {"type": "integer"},
            "enterprise_share": {"type": "number", "description": "rounded to 4 places, for display only"},
            "meets_requirement": {"type": "boolean", "description": "3 × enterprise ≥ total, false when total is 0"},
        },
    }
    SCHEMAS["Appointment"] = {
        "type": "object",
        "properties": {
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": ["string", "null"], "format": "date"},
            "state": {"enum": ["active", "ended"]}, "reason": {"type": "string"},
            "counts_on_date": {"type": "boolean", "description": "begun, not ended, and no suspension covers the day"},
            "suspensions": {"type": "array", "items": {"type": "object", "properties": {
                "from": {"type": "string", "format": "date"}, "until": {"type": ["string", "null"], "format": "date"},
                "reason": {"type": "string"}}}},
        },
    }
    SCHEMAS["Mentor"] = {
        "type": "object",
        "properties": {
            "name": {"type": "string"}, "side": {"enum": ["university", "enterprise"]},
            "organisation": {"type": "string"}, "staff_no": {"type": "string"}, "title": {"type": "string"},
            "degree": {"type": "string"}, "expertise": {"type": "string"}, "email": {"type": "string"},
            "phone": {"type": "string", "description": "masked (138****5678) unless the owner keeps this roster"},
            "state_on_date": {"enum": list(queries.ROSTER_STATES)},
            "appointments": {"type": "array", "items": {"$ref": "#/components/schemas/Appointment"}},
        },
    }
    add_path("/bases/{code}/mentors", "get", "The base's mentors (both sides) with their appointments at the base",
             {"type": "object", "properties": {
                 "base": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                 "phone_masked": {"type": "boolean"},
                 "mentors": {"type": "array", "items": {"$ref": "#/components/schemas/Mentor"}}}},
             parameters=[CODE_PARAM, {**AS_OF_PARAM, "required": False,
                                      "description": "the day state_on_date and counts_on_date refer to; default today"}],
             errors=(400, 401, 403, 404))
    add_path("/ratio", "get", "Enterprise-mentor ratio of every base the token's owner may see (or one base)",
             {"type": "object", "required": ["as_of", "bases"], "properties": {
                 "as_of": {"type": "string", "format": "date"},
                 "bases": {"type": "array", "items": {"$ref": "#/components/schemas/Ratio"}}}},
             parameters=[AS_OF_PARAM, {"name": "base", "in": "query", "required": False, "schema": {"type": "string"}}],
             errors=(400, 401, 404))
