"""GET /api/v1/bases/CODE/eligibility (the contract's JSON) and the evaluation of a base."""
from __future__ import annotations

import datetime as dt

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from registry.api.openapi import CODE_PARAM, SCHEMAS, add_path
from registry.api.views import Routes, visible_base_or_404
from registry.authz import ALL, STAFF, actor, allow
from registry.checks import lifecycle
from registry.checks.queries import eligibility_json_cached, eligibility_json_of_bases, evaluation_of
from registry.orgs.queries import base_ids_visible_to
from registry.web import api_error

routes = Routes()  # this area's /api/v1 endpoints, handed to the api area by setup()


def _as_of():
    value = request.args.get("as_of")
    if not value:
        return dt.date.today(), None
    try:
        return dt.date.fromisoformat(value.strip()), None
    except ValueError:
        return None, api_error(400, "bad_request", _("\"%(value)s\" is not a date (YYYY-MM-DD).", value=value))


@routes.route("/bases/<code>/eligibility")
@allow(*ALL)
def eligibility(code):
    base = visible_base_or_404(code)
    as_of, error = _as_of()
    if error is not None:
        return error
    return jsonify(eligibility_json_cached(base, as_of))


@routes.route("/eligibility")
@allow(*ALL)
def eligibility_of_bases():
    """The check of every base the token's owner may see: {"as_of": ..., "bases": [check, ...]} by code."""
    as_of, error = _as_of()
    if error is not None:
        return error
    checks = eligibility_json_of_bases(as_of, base_ids_visible_to(actor()))  # each already JSON
    body = '{"as_of": %s, "bases": [%s]}' % (current_app.json.dumps(as_of.isoformat()), ", ".join(checks))
    return current_app.response_class(body + "\n", mimetype="application/json")


@routes.route("/bases/<code>/lifecycle")
@allow(*ALL)
def base_lifecycle(code):
    """The JSON of `flask base show` (state, cycle number, cycle and construction years)."""
    base = visible_base_or_404(code)
    if request.args.get("as_of"):
        as_of, error = _as_of()
        if error is not None:
            return error
    else:
        as_of = None
    return jsonify(lifecycle.show(base, as_of))


@routes.route("/bases/<code>/evaluation")
@allow(*STAFF)  # as the evaluation page: a token sees what its owner sees
def evaluation(code):
    base = visible_base_or_404(code)
    number = request.args.get("cycle", type=int)
    ev = evaluation_of(base, number)
    if ev is None and number is not None:
        return api_error(404, "not_found", _("The base has no cycle %(n)s.", n=number))
    body = {"base": base.code, "status": base.status, "cycle": ev.cycle.number if ev else None,
            "cycle_starts_on": ev.cycle.starts_on.isoformat() if ev else None,
            "cycle_ends_on": ev.cycle.ends_on.isoformat() if ev else None,
            "years": [y.as_json() for y in ev.years] if ev else [], "indicators": []}
    if ev is not None:
        for row in ev.rows:
            body["indicators"].append({
                "indicator": row.indicator.key, "unit": row.indicator.unit,
                "years": [{"year": y.number, "from": y.starts_on.isoformat(), "until": y.ends_on.isoformat(),
                           "target": c.target, "actual": _number(c), "shortfall": c.shortfall}
                          for y, c in zip(ev.years, row.cells)],
                "cycle": {"target": row.cycle.target, "actual": _number(row.cycle), "shortfall": row.cycle.shortfall},
            })
    return jsonify(body)


def _number(cell):
    if cell.unit == "percent":
        return round(float(cell.actual) * 100, 2)
    return int(cell.actual)


AS_OF_OPTIONAL = {"name": "as_of", "in": "query", "required": False,
                  "description": "The day to check (default: today)", "schema": {"type": "string", "format": "date"}}


# Pieces the schemas below share.
DAY_OR_NULL = {"type": ["string", "null"], "format": "date"}
YEARS = {"type": "array", "items": {"type": "object", "properties": {  # a cycle's construction years
    "year": {"type": "integer"}, "from": {"type": "string", "format": "date"},
    "until": {"type": "string", "format": "date"}}}}


def register() -> None:
    """This area's schemas and paths in the OpenAPI document (called from the area's setup())."""
    SCHEMAS["Eligibility"] = {
        "type": "object",
        "required": ["base", "as_of", "eligible", "rules"],
        "properties": {
            "base": {"type": "string"},
            "as_of": {"type": "string", "format": "date"},
            "eligible": {"type": "boolean", "description": "true only when every rule passed"},
            "rules": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "name", "clause", "passed", "measured", "required", "message_zh", "message_en"],
                "properties": {"id": {"type": "string", "examples": ["R2"]},
                               "name": {"type": "string", "examples": ["enterprise-mentor-ratio"]},
                               "clause": {"type": "string", "examples": ["四(二)"]},
                               "passed": {"type": "boolean"},
                               "measured": {"type": "string", "examples": ["10/30"]},
                               "required": {"type": "string", "examples": ["≥ 1/3"]},
                               "message_zh": {"type": "string"}, "message_en": {"type": "string"}}}},
        },
    }
    SCHEMAS["Evaluation"] = {
        "type": "object",
        "required": ["base", "status", "years", "indicators"],
        "properties": {
            "base": {"type": "string"}, "status": {"type": "string"},
            "cycle": {"type": ["integer", "null"], "description": "the cycle's number (1, 2, ...)"},
            "cycle_starts_on": DAY_OR_NULL,
            "cycle_ends_on": DAY_OR_NULL,
            "years": YEARS,
            "indicators": {"type": "array", "items": {"type": "object", "properties": {
                "indicator": {"type": "string"}, "unit": {"enum": ["count", "percent"]},
                "years": {"type": "array", "items": {"type": "object", "properties": {
                    "year": {"type": "integer"}, "from": {"type": "string", "format": "date"},
                    "until": {"type": "string", "format": "date"}, "target": {"type": ["integer", "null"]},
                    "actual": {"type": "number"}, "shortfall": {"type": "boolean"}}}},
                "cycle": {"type": "object", "properties": {
                    "target": {"type": ["integer", "null"]}, "actual": {"type": "number"},
                    "shortfall": {"type": "boolean"}}}}}},
        },
    }
    add_path("/bases/{code}/eligibility", "get", "Eligibility check of one base (rules R1-R8) as of a day",
             {"$ref": "#/components/schemas/Eligibility"}, parameters=[CODE_PARAM, AS_OF_OPTIONAL],
             errors=(400, 401, 404))
    add_path("/eligibility", "get", "Eligibility check (rules R1-R8) of every base the token's owner may see",
             {"type": "object", "required": ["as_of", "bases"], "properties": {
                 "as_of": {"type": "string", "format": "date"},
                 "bases": {"type": "array", "items": {"$ref": "#/components/schemas/Eligibility"}}}},
             parameters=[AS_OF_OPTIONAL], errors=(400, 401))
    SCHEMAS["Lifecycle"] = {
        "type": "object",
        "required": ["base", "status", "cycle", "recognised_on", "cycle_starts_on", "cycle_ends_on",
                     "construction_years", "evaluation_from", "rectification_deadline", "open_objections"],
        "properties": {
            "base": {"type": "string"}, "status": {"type": "string"},
            "cycle": {"type": ["integer", "null"]},
            "recognised_on": DAY_OR_NULL,
            "cycle_starts_on": DAY_OR_NULL,
            "cycle_ends_on": DAY_OR_NULL,
            "construction_years": YEARS,
            "evaluation_from": DAY_OR_NULL,
            "rectification_deadline": DAY_OR_NULL,
            "open_objections": {"type": "integer"},
        },
    }
    add_path("/bases/{code}/lifecycle", "get", "Life-cycle state, cycle number and construction years (as `base show`)",
             {"$ref": "#/components/schemas/Lifecycle"}, parameters=[CODE_PARAM, AS_OF_OPTIONAL], errors=(400, 401, 404))
    add_path("/bases/{code}/evaluation", "get",
             "Construction-plan targets beside the registry's counts, per year and over the cycle",
             {"$ref": "#/components/schemas/Evaluation"},
             parameters=[CODE_PARAM, {"name": "cycle", "in": "query", "required": False,
                                      "description": "The cycle's number (default: the current cycle)",
                                      "schema": {"type": "integer"}}], errors=(401, 404))
