"""The shared registries are filled by the areas' setup() (called by create_app in the order of
registry.AREAS), never by importing a module: importing registers nothing, a second app finds
them the same, and each is complete (every entry leads somewhere that exists)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from registry import AREAS, create_app
from registry.config import PROJECT_ROOT

def snapshot(app=None) -> dict:
    """What every registry holds (names and where each entry points), as plain data."""
    from registry import hooks
    from registry.api.openapi import PATHS, SCHEMAS
    from registry.evidence.attachables import ATTACHABLE
    from registry.imports.kinds import KINDS as IMPORT_KINDS
    from registry.nav import NAV
    from registry.notify.events import KINDS as NOTIFY_KINDS
    from registry.orgs.panels import PANELS
    from registry.records.pages import KINDS as RECORD_KINDS
    from registry.records.sheets import SHEETS

    def name(function):
        return f"{function.__module__}.{function.__qualname__}" if function else None

    filled = {}
    for module in [m for key, m in sorted(sys.modules.items()) if key.startswith("registry") and m]:
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, hooks.Hook):
                filled[value.name] = name(value.function)
    data = {
        "nav": sorted((i.order, i.endpoint, str(i.label), sorted(i.roles)) for i in NAV.values()),
        "panels": sorted((key, p.order, p.template, name(p.context)) for key, p in PANELS.items()),
        "attachables": sorted((key, a.model.__name__, str(a.label)) for key, a in ATTACHABLE.items()),
        "record_kinds": list(RECORD_KINDS),
        "sheets": list(SHEETS),
        "import_kinds": list(IMPORT_KINDS),
        "openapi_paths": {path: sorted(methods) for path, methods in PATHS.items()},
        "openapi_schemas": sorted(SCHEMAS),
        "notify_kinds": list(NOTIFY_KINDS),
        "hooks": filled,
    }
    if app is not None:
        data["rules"] = sorted(f"{r.rule} {r.endpoint}" for r in app.url_map.iter_rules())
        data["commands"] = {n: sorted(getattr(c, "commands", {})) for n, c in sorted(app.cli.commands.items())}
    return data


def _second_app(database_url, tmp_path):
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "EVIDENCE_DIR": str(tmp_path)})


def test_a_second_app_finds_every_registry_the_same(app, database_url, tmp_path):
    first = snapshot(app)
    second = snapshot(_second_app(database_url, tmp_path))
    assert second == first


def test_every_registry_is_complete(app):
    data = snapshot(app)
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert len(data["nav"]) >= 14 and all(endpoint in endpoints for _, endpoint, _, _ in data["nav"])
    for _, _, template, context in data["panels"]:
        assert (PROJECT_ROOT / "templates" / template).is_file() and context
    assert {p[0] for p in data["panels"]} >= {"mentors", "governance", "exchanges", "teaching", "checks",
                                              "application", "quality", "spreadsheets"}
    attachables = {a[0] for a in data["attachables"]}
    assert set(data["record_kinds"]) | {"appointment", "summary_report"} == attachables
    assert set(data["sheets"]) | {"roster", "students"} == set(data["import_kinds"])
    api_rules = {r.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
                 for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert api_rules == set(data["openapi_paths"])
    assert len(data["notify_kinds"]) == 9
    assert data["hooks"] and None not in data["hooks"].values(), data["hooks"]
    assert data["commands"]["roster"] == ["import", "import-students", "resume", "suspend"]


def test_importing_the_modules_registers_nothing(tmp_path):
    """In a fresh interpreter, importing every module (in another order) leaves the registries empty."""
    code = (f"import sys, json; sys.path.insert(0, {str(PROJECT_ROOT)!r}); sys.path.insert(0, {str(PROJECT_ROOT / 'tests' / 'app')!r})\n"
            "import registry.reports.views, registry.governance.spreadsheets, registry.mentors.api, registry.demo\n"
            "import registry\n"
            "from test_registries import snapshot\n"
            "print(json.dumps(snapshot()))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert {key: value for key, value in data.items() if key != "hooks"} == {
        "nav": [], "panels": [], "attachables": [], "record_kinds": [], "sheets": [], "import_kinds": [],
        "openapi_paths": {}, "openapi_schemas": ["Base", "Error"], "notify_kinds": []}
    assert set(data["hooks"].values()) == {None}  # filled only by create_app


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_a_setup(area):
    import importlib

    assert callable(importlib.import_module(f"registry.{area}").setup)
