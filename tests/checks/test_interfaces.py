"""The contract's shapes: `flask check eligibility` and GET /api/v1/bases/CODE/eligibility."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from registry.audit.services import set_actor
from registry.extensions import db
from tests.checks.conftest import eligible_base

RULE_KEYS = ["id", "name", "clause", "passed", "measured", "required", "message_zh", "message_en"]


@pytest.fixture
def cli(runner, monkeypatch, world):
    # Tests build the schema with create_all (no Alembic stamp): skip the migration check.
    monkeypatch.setattr("registry.checks.cli.ensure_schema", lambda: None)
    set_actor(db.session, None, "fixture")
    return runner


def test_cli_json_is_the_contract(cli, world):
    result = cli.invoke(args=["check", "eligibility", "--base", "SF-AP-01", "--as-of", "2024-09-01"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert list(body) == ["base", "as_of", "eligible", "rules"]
    assert (body["base"], body["as_of"], body["eligible"]) == ("SF-AP-01", "2024-09-01", False)
    assert [r["id"] for r in body["rules"]] == [f"R{i}" for i in range(1, 9)]
    assert all(list(r) == RULE_KEYS for r in body["rules"])
    r2 = body["rules"][1]
    assert (r2["name"], r2["clause"], r2["measured"], r2["required"], r2["passed"]) == (
        "enterprise-mentor-ratio", "四(二)", "1/1", "≥ 1/3", True)
    assert "企业导师" in r2["message_zh"] and "Enterprise mentors on 2024-09-01: 1 of 1" in r2["message_en"]


def test_cli_eligible_base_exits_zero_too(cli, world):
    eligible_base("CLI-OK", world.uni, world.ent)
    result = cli.invoke(args=["check", "eligibility", "--base", "CLI-OK", "--as-of", "2022-06-01"])
    assert result.exit_code == 0 and json.loads(result.output)["eligible"] is True


def test_cli_text_format(cli, world):
    result = cli.invoke(args=["check", "eligibility", "--base", "SF-AP-01", "--as-of", "2024-09-01",
                              "--format", "text"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "not eligible / 不符合条件" in lines[0]
    assert any(line.startswith("FAIL R1 joint-training-experience (四(一))") for line in lines)
    assert any(line.startswith("PASS R3 cooperation-years") for line in lines)


@pytest.mark.parametrize("args", [["--base", "NOPE", "--as-of", "2024-09-01"],
                                  ["--base", "SF-AP-01", "--as-of", "2024-13-01"],
                                  ["--base", "SF-AP-01", "--as-of", "yesterday"]])
def test_cli_unknown_base_or_bad_date_fails_in_two_languages(cli, args):
    result = cli.invoke(args=["check", "eligibility", *args])
    assert result.exit_code == 1
    lines = (result.stderr or result.output).strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])  # Chinese first
    wrong = "NOPE" if args[1] == "NOPE" else args[3]
    assert wrong in lines[0] and wrong in lines[1]  # both lines name what was wrong


def _token(user):
    from registry.auth.services import create_token

    return {"Authorization": f"Bearer {create_token(user, 'test', actor=None)[1]}"}


def test_api_is_the_same_json(client, world, cli):
    headers = _token(world.coord)
    response = client.get("/api/v1/bases/SF-AP-01/eligibility?as_of=2024-09-01", headers=headers)
    assert response.status_code == 200
    cli_body = json.loads(cli.invoke(args=["check", "eligibility", "--base", "SF-AP-01",
                                           "--as-of", "2024-09-01"]).output)
    assert response.get_json() == cli_body


def test_api_errors(client, world):
    headers = _token(world.coord)
    bad = client.get("/api/v1/bases/SF-AP-01/eligibility?as_of=2024-02-30", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/bases/SL-SO-01/eligibility", headers=headers).status_code == 404  # not theirs
    assert client.get("/api/v1/bases/NOPE/eligibility", headers=headers).status_code == 404
    assert client.get("/api/v1/bases/SF-AP-01/eligibility").status_code == 401
    today = client.get("/api/v1/bases/SF-AP-01/eligibility", headers=headers).get_json()
    assert today["as_of"] == dt.date.today().isoformat()


def test_openapi_documents_the_paths(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/bases/{code}/eligibility" in doc["paths"] and "/bases/{code}/evaluation" in doc["paths"]
    schema = doc["components"]["schemas"]["Eligibility"]
    assert schema["properties"]["rules"]["items"]["required"] == RULE_KEYS


def test_api_evaluation(client, world):
    from tests.checks.conftest import walk_to

    set_actor(db.session, None, "fixture")
    base = eligible_base("API-EV", world.uni, world.ent)
    walk_to(base, "in_construction", world)
    body = client.get("/api/v1/bases/API-EV/evaluation", headers=_token(world.admin)).get_json()
    assert body["cycle"] == 1 and body["cycle_ends_on"] == "2025-12-26"
    assert body["years"] == [{"year": 1, "from": "2022-12-27", "until": "2023-12-26"},
                             {"year": 2, "from": "2023-12-27", "until": "2024-12-26"},
                             {"year": 3, "from": "2024-12-27", "until": "2025-12-26"}]
    mentors = next(i for i in body["indicators"] if i["indicator"] == "mentors_total")
    assert mentors["years"][0] == {"year": 1, "from": "2022-12-27", "until": "2023-12-26", "target": None,
                                   "actual": 7, "shortfall": False}
    assert client.get("/api/v1/bases/API-EV/evaluation?cycle=2", headers=_token(world.admin)).status_code == 404
    # A mentor's token sees what the mentor sees on the web: no evaluation page, so no evaluation.
    assert client.get("/bases/SF-AP-01/evaluation").status_code in (302, 401)  # (anonymous web: to login)
    response = client.get("/api/v1/bases/SF-AP-01/evaluation", headers=_token(world.mentor))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_api_checks_every_base_the_owner_may_see_as_each_alone(client, world):
    admin, coordinator = _token(world.admin), _token(world.coord)
    every = client.get("/api/v1/eligibility?as_of=2024-09-01", headers=admin)
    assert every.status_code == 200
    body = every.get_json()
    codes = [b["base"] for b in body["bases"]]
    assert body["as_of"] == "2024-09-01" and codes == sorted(codes) and {"SF-AP-01", "SL-SO-01"} <= set(codes)
    for check in body["bases"]:  # each the same as the base's own check
        alone = client.get(f"/api/v1/bases/{check['base']}/eligibility?as_of=2024-09-01", headers=admin).get_json()
        assert check == alone
    mine = client.get("/api/v1/eligibility?as_of=2024-09-01", headers=coordinator).get_json()
    assert [b["base"] for b in mine["bases"]] == ["SF-AP-01"]  # a coordinator's own base only
    bad = client.get("/api/v1/eligibility?as_of=2024-02-30", headers=admin)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/eligibility").status_code == 401
