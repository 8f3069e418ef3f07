"""/api/v1: bearer tokens made and revoked on the web, stored hashed, the error shape, scope, OpenAPI."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from registry.api.openapi import document
from registry.auth.models import ApiToken
from registry.authz import ADMIN, allow
from registry.extensions import db
from tests.conftest import act_as, bearer, section_text, text_of


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "bearer",
                                    "Bearer two words", "Token abc", "Bearer rgt_" + "x" * 300])
def test_a_missing_or_malformed_token_is_401_with_the_error_shape(client, world, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/bases", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] in ("unauthorized", "invalid_token")


def test_an_unknown_or_revoked_token_is_401(client, world, tokens):
    assert error_of(client.get("/api/v1/bases", headers=bearer("rgt_unknown")))["code"] == "invalid_token"
    assert client.get("/api/v1/bases", headers=bearer(tokens["base_coordinator"])).status_code == 200
    from registry.auth.services import revoke_token

    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.coord.id))
    revoke_token(world.coord, row.id, actor=None)
    db.session.commit()
    response = client.get("/api/v1/bases", headers=bearer(tokens["base_coordinator"]))
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_token"


def test_a_session_cookie_does_not_open_the_api(client, world):
    act_as(client, world.admin)
    assert client.get("/api/v1/bases").status_code == 401


def test_error_messages_follow_accept_language(client):
    zh = error_of(client.get("/api/v1/bases"))["message"]
    en = error_of(client.get("/api/v1/bases", headers={"Accept-Language": "en-US,en;q=0.9"}))["message"]
    assert "需要有效的 API 令牌" in zh
    assert en.startswith("A valid API token is required")


def test_tokens_are_made_shown_once_stored_hashed_and_revoked_by_their_owner(client, world):
    act_as(client, world.coord)
    response = client.post("/auth/tokens", data={"name": "导出脚本"})
    assert response.status_code == 200
    token = section_text(response, "new-token").strip()
    assert token.startswith("rgt_")
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.coord.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.name == "导出脚本"
    assert token not in " ".join(map(str, db.session.execute(select(ApiToken.__table__)).one()))
    page = client.get("/auth/tokens").get_data(as_text=True)
    assert token not in page and row.prefix in page  # never shown again; told apart by its prefix
    assert client.get("/api/v1/bases", headers=bearer(token)).status_code == 200
    # Another user can neither see nor revoke it.
    act_as(client, world.coord2)
    assert row.prefix not in client.get("/auth/tokens").get_data(as_text=True)
    assert client.post(f"/auth/tokens/{row.id}/revoke").status_code == 404
    assert client.get("/api/v1/bases", headers=bearer(token)).status_code == 200
    act_as(client, world.coord)
    response = client.post(f"/auth/tokens/{row.id}/revoke", follow_redirects=True)
    assert "令牌已撤销" in text_of(response) and "已撤销" in section_text(response, "token-table")
    assert client.get("/api/v1/bases", headers=bearer(token)).status_code == 401
    assert client.post("/auth/tokens", data={"name": "n" * 81}).status_code == 200
    assert db.session.query(ApiToken).count() == 1


@pytest.mark.parametrize("role, visible", [
    ("admin", ["SF-AP-01", "SL-SO-01"]), ("reviewer", ["SF-AP-01", "SL-SO-01"]),
    ("university_coordinator", ["SF-AP-01"]), ("base_coordinator", ["SF-AP-01"]), ("mentor", ["SF-AP-01"]),
])
def test_a_token_sees_exactly_what_its_owner_sees(client, world, tokens, role, visible):
    listed = client.get("/api/v1/bases", headers=bearer(tokens[role])).get_json()["bases"]
    assert [b["code"] for b in listed] == visible
    act_as(client, world.users[role])
    web = section_text(client.get("/bases"), "base-table")
    assert [code for code in ("SF-AP-01", "SL-SO-01") if code in web] == visible
    for code in ("SF-AP-01", "SL-SO-01"):
        response = client.get(f"/api/v1/bases/{code}", headers=bearer(tokens[role]))
        if code in visible:
            assert response.status_code == 200 and response.get_json()["code"] == code
        else:  # another's base looks the same as none
            assert response.status_code == 404 and error_of(response)["code"] == "not_found"
            assert client.get(f"/bases/{code}").status_code == 404


def test_the_base_document(client, world, tokens):
    body = client.get("/api/v1/bases/SF-AP-01", headers=bearer(tokens["admin"])).get_json()
    assert body == {"code": "SF-AP-01", "name": "航天动力示范基地", "field": "aerospace_propulsion",
                    "status": "preparing", "university": {"name": "示范工业大学", "kind": "ministry"},
                    "enterprises": [{"name": "星海航天动力研究所", "sector": "aerospace"}],
                    "cooperation_since": "2019-09-01", "max_students_per_mentor": 5}
    assert client.get("/api/v1/bases?field=ships_ocean", headers=bearer(tokens["admin"])).get_json()["bases"][0][
        "code"] == "SL-SO-01"
    assert client.get("/api/v1/bases?field=bogus", headers=bearer(tokens["admin"])).get_json() == {"bases": []}
    assert error_of(client.get("/api/v1/bases/NOPE", headers=bearer(tokens["admin"])))["code"] == "not_found"


def test_the_bases_list_queries_do_not_grow_with_its_rows(client, world, tokens, query_counter):
    import datetime as dt

    from registry.orgs import services

    client.get("/api/v1/bases", headers=bearer(tokens["admin"]))  # the token's once-a-day "last used" write
    db.session.expire_all()
    with query_counter() as few:
        client.get("/api/v1/bases", headers=bearer(tokens["admin"]))
    for i in range(15):
        services.create_base(f"API-{i:02d}", name=f"接口基地{i}", university=world.uni, enterprises=[world.ent, world.ent2],
                             field="ai", cooperation_since=dt.date(2020, 1, 1), actor=None)
    db.session.commit()
    db.session.expire_all()
    with query_counter() as many:
        assert len(client.get("/api/v1/bases", headers=bearer(tokens["admin"])).get_json()["bases"]) == 17
    assert many() == few()


def test_a_role_outside_an_endpoints_declaration_gets_403_with_the_error_shape(make_app, world):
    app = make_app()

    @app.route("/api/v1/admin-only")
    @allow(ADMIN)
    def admin_only():
        return {"ok": True}

    from registry.auth.services import create_token

    coord_token = create_token(world.coord, actor=None)[1]
    admin_token = create_token(world.admin, actor=None)[1]
    db.session.commit()
    client = app.test_client()
    response = client.get("/api/v1/admin-only", headers=bearer(coord_token))
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert client.get("/api/v1/admin-only", headers=bearer(admin_token)).get_json() == {"ok": True}
    assert client.post("/api/v1/bases", headers=bearer(admin_token)).status_code == 405


# ---- the OpenAPI document -----------------------------------------------------------------

def test_the_openapi_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200  # no token needed
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_documented(app):
    spec = document()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    prefix = spec["servers"][0]["url"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        assert path.startswith(prefix), rule.rule
        path = path[len(prefix):]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method.lower()) not in documented:
                missing.append(f"{method} {rule.rule}")
    assert not missing, "document these in registry/api/openapi.py with add_path(): " + ", ".join(missing)
    # and nothing documented that is not served
    served = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", r.rule)[len(prefix):]
              for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert set(spec["paths"]) <= served


def test_documented_path_parameters_match_the_routes():
    for path, ops in document()["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for op in ops.values():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, declared, names)
