"""Print the import graph of registry/ between areas, report cycles, exit 1 on any.

Reads the source by AST, so imports inside functions count as much as those at the top of a
module (an `if TYPE_CHECKING:` block does not: it never runs). An area is a package under
registry/ (`registry/mentors/…` is `mentors`); each module directly under registry/ is an area of
its own (`registry/authz.py` is `authz`). `registry/__init__.py`, the composition root that
builds the app, is the area `registry`: it imports every area, so no area may import it.

    python3 scripts/import_graph.py              # the graph between areas, then any cycles
    python3 scripts/import_graph.py --modules    # also the graph between modules
    python3 scripts/import_graph.py --local      # also list every function-level import

Exit status: 0 without a cycle (between areas or between modules), 1 with one.
"""
from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "registry"


@dataclass(frozen=True)
class Import:
    source: str       # importing module, e.g. registry.mentors.views
    target: str       # imported module, e.g. registry.checks.queries
    line: int
    local: bool       # inside a function (or class) body rather than at module level


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module, module: str, is_package: bool, modules: set[str]):
    """(target, line, local) for every registry import in the tree."""
    def resolve(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node: ast.AST, local: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from visit_one(other, local)
                continue
            yield from visit_one(child, local)

    def visit_one(child: ast.AST, local: bool):
        if isinstance(child, ast.Import):
            for alias in child.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    yield alias.name, child.lineno, local
        elif isinstance(child, ast.ImportFrom):
            base = resolve(child)
            if base == PACKAGE or base.startswith(PACKAGE + "."):
                for alias in child.names:
                    # `from registry.x import y` imports the module registry.x.y when there is one
                    submodule = f"{base}.{alias.name}"
                    yield (submodule if submodule in modules else base), child.lineno, local
        else:
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                                ast.ClassDef))
            yield from visit(child, inner)

    yield from visit(tree, False)


def collect(root: Path = ROOT / PACKAGE) -> list[Import]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in files}
    found = []
    for path in files:
        module = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line, local in _imports(tree, module, path.name == "__init__.py", modules):
            imp = Import(module, target, line, local)
            if target != module and imp not in found:
                found.append(imp)
    return found


def area(module: str) -> str:
    """`registry.mentors.views` -> mentors, `registry.authz` -> authz, `registry` -> registry."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def graph(imports: list[Import], level: str) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for imp in imports:
        if level == "area":
            source, target = area(imp.source), area(imp.target)
        else:
            source, target = imp.source, imp.target
        edges.setdefault(source, set())
        edges.setdefault(target, set())
        if source != target:
            edges[source].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strongconnect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges.get(node, ())):
            if succ not in index:
                strongconnect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(edges):
        if node not in index:
            strongconnect(node)
    return sorted(found)


def layers(edges: dict[str, set[str]]) -> list[list[str]]:
    """Nodes by depth: layer 0 imports nothing, layer n only imports layers below n."""
    depth: dict[str, int] = {}

    def of(node: str, seen: tuple = ()) -> int:
        if node in depth:
            return depth[node]
        if node in seen:  # a cycle: no honest depth
            return 0
        value = 1 + max((of(succ, seen + (node,)) for succ in edges[node]), default=-1)
        depth[node] = value
        return value

    for node in edges:
        of(node)
    result: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node, value in depth.items():
        result[value].append(node)
    return [sorted(layer) for layer in result]


def format_graph(edges: dict[str, set[str]]) -> str:
    lines = []
    for number, layer in enumerate(layers(edges)):
        lines.append(f"layer {number}:")
        for node in layer:
            targets = ", ".join(sorted(edges[node])) or "-"
            lines.append(f"  {node} -> {targets}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT / PACKAGE)
    parser.add_argument("--modules", action="store_true", help="also print the graph between modules")
    parser.add_argument("--local", action="store_true", help="also list the function-level imports")
    args = parser.parse_args(argv)
    imports = collect(args.root)
    areas, modules = graph(imports, "area"), graph(imports, "module")
    print("Import graph between areas (module- and function-level imports):")
    print(format_graph(areas))
    if args.modules:
        print("\nImport graph between modules:")
        print(format_graph(modules))
    local = [imp for imp in imports if imp.local]
    print(f"\nfunction-level imports: {len(local)}")
    if args.local:
        for imp in local:
            print(f"  {imp.source}:{imp.line} -> {imp.target}")
    status = 0
    for kind, found in (("areas", cycles(areas)), ("modules", cycles(modules))):
        for component in found:
            print(f"cycle between {kind}: {' <-> '.join(component)}")
            status = 1
    if not status:
        print("no cycles")
    return status


if __name__ == "__main__":
    sys.exit(main())
