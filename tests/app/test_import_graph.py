"""The import graph of registry/ runs one way: no cycle between areas or between modules, counting
imports inside functions too, and no import inside a function that no cycle forces.

`scripts/import_graph.py` prints the graph (README, "Code map"); these tests run it.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from registry.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import import_graph  # noqa: E402

# Function-level imports of registry modules that a cycle would force, each with its reason.
# None is needed today: a lower area that must reach a higher one declares a Hook (registry/hooks.py).
ALLOWED_LOCAL_IMPORTS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def imports():
    return import_graph.collect(PROJECT_ROOT / "registry")


def test_no_cycle_between_areas(imports):
    assert import_graph.cycles(import_graph.graph(imports, "area")) == []


def test_no_cycle_between_modules(imports):
    assert import_graph.cycles(import_graph.graph(imports, "module")) == []


def test_no_function_level_import_that_no_cycle_forces(imports):
    local = [f"{i.source}:{i.line} imports {i.target}" for i in imports
             if i.local and (i.source, i.target) not in ALLOWED_LOCAL_IMPORTS]
    assert local == [], "move these imports to the top of their module:\n" + "\n".join(local)


def test_the_layers_run_as_the_code_map_says(imports):
    """The foundation imports no area; the areas import only those set up before them in the
    layering of the README's code map (spot checks of the edges the issue named)."""
    areas = import_graph.graph(imports, "area")
    foundation = {"authz", "errors", "extensions", "models_common", "hooks", "nav", "forms_support", "cli_support",
                  "web", "cache", "periods", "safe_sheets"}
    area_packages = {p.name for p in (PROJECT_ROOT / "registry").iterdir() if (p / "__init__.py").exists()}
    for module in foundation:
        assert not areas[module] & area_packages, f"{module} imports an area: {areas[module] & area_packages}"
    assert "checks" not in areas["mentors"] and "application" not in areas["checks"]
    assert "orgs" not in areas["authz"] and "records" not in areas["evidence"]
    assert "registry" not in set().union(*areas.values())  # nothing imports the composition root


def test_the_script_prints_the_graph_and_exits_0(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "import_graph.py")],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "layer 0:" in result.stdout and "  mentors -> " in result.stdout
    assert result.stdout.rstrip().endswith("no cycles")


def _package(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / "registry" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "registry"


def test_the_script_finds_a_cycle_through_a_function_level_import(tmp_path, capsys):
    root = _package(tmp_path, {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/models.py": """
            def helper():
                from registry.high.views import page  # the cycle hides in a function
                return page
        """,
        "high/__init__.py": "",
        "high/views.py": "from registry.low.models import helper\n\npage = 1\n",
    })
    assert import_graph.main(["--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "cycle between areas: high <-> low" in out
    assert "cycle between modules: registry.high.views <-> registry.low.models" in out


def test_the_script_ignores_type_checking_imports(tmp_path, capsys):
    root = _package(tmp_path, {
        "__init__.py": "",
        "low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from registry.high import X\n",
        "high.py": "from registry import low\n\nX = low\n",
    })
    assert import_graph.main(["--root", str(root)]) == 0
    assert "no cycles" in capsys.readouterr().out
