"""The OpenAPI 3.1 document of /api/v1. Areas add their paths with `add_path`."""
from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes):
    return {str(c): {"description": d, "content": {"application/json": {"schema": ERROR}}}
            for c, d in ((400, "Bad request"), (401, "Missing or invalid token"), (403, "Forbidden"),
                         (404, "Not found")) if c in codes}


PATHS: dict = {}
SCHEMAS: dict = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "Base": {
        "type": "object",
        "required": ["code", "name", "field", "status", "university", "enterprises", "cooperation_since"],
        "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "field": {"type": "string"},
            "status": {"type": "string"},
            "university": {"type": "object", "properties": {"name": {"type": "string"},
                                                            "kind": {"enum": ["ministry", "co_built"]}}},
            "enterprises": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "sector": {"type": ["string", "null"]}}}},
            "cooperation_since": {"type": "string", "format": "date"},
            "max_students_per_mentor": {"type": "integer"},
        },
    },
}

CODE_PARAM = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
AS_OF_PARAM = {"name": "as_of", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}


def add_path(path: str, method: str, summary: str, response_schema: dict, parameters=(), errors=(401, 404)):
    """Document one endpoint: `path` relative to /api/v1 with {name} for each URL parameter.

    Every /api/v1 route must be documented: a test compares app.url_map with this document."""
    PATHS.setdefault(path, {})[method] = {
        "summary": summary,
        "parameters": list(parameters),
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": response_schema}}},
                      **_errors(*errors)},
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Demonstration-base registry API", "version": "1.0.0"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def register() -> None:
    """The api area's own paths (called from the area's setup())."""
    add_path("/bases", "get", "Bases the token's owner may see",
             {"type": "object", "properties": {"bases": {"type": "array", "items": {"$ref": "#/components/schemas/Base"}}}},
             parameters=[{"name": "field", "in": "query", "required": False, "schema": {"type": "string"}}],
             errors=(401,))
    add_path("/bases/{code}", "get", "One base", {"$ref": "#/components/schemas/Base"}, parameters=[CODE_PARAM])
    add_path("/openapi.json", "get", "This OpenAPI document (no token needed)", {"type": "object"}, errors=())
    PATHS["/openapi.json"]["get"]["security"] = []
