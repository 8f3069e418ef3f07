"""The house's service contract, read from the source: every service that writes takes the acting
user as keyword-only `actor` (None is the system: the command line, the demo loader), and no
service names the acting user any other way."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REGISTRY = Path(__file__).resolve().parents[2] / "registry"

# A public service whose name starts with one of these changes something on someone's behalf.
WRITE_VERBS = ("add", "appoint", "assign", "attach", "change", "create", "declare", "delete", "end", "freeze",
               "mark", "open", "record", "remove", "rename", "renew", "reset", "resolve", "resume", "revoke",
               "save", "score", "set", "submit", "suspend", "unassign", "update", "withdraw")
# Names a parameter may not have: they are the acting user under another name.
ACTOR_ALIASES = {"acting", "acting_user", "by", "by_user", "current_user", "uploaded_by"}
# Work no user does: the audit hook itself, backups (command line only), the notification job.
SYSTEM_ONLY = {"audit", "backup", "notify.record", "notify.claim_pending", "notify.settle"}


def _services():
    """Every public service function, and every method of a class in a services module (such as
    `records.Kind`, whose methods become the create/update/delete services of a record kind)."""
    for path in sorted(REGISTRY.glob("*/services.py")):
        area = path.parent.name
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield area, node
            elif isinstance(node, ast.ClassDef):
                for method in node.body:
                    if isinstance(method, ast.FunctionDef) and not method.name.startswith("_"):
                        method.args.args = method.args.args[1:]  # without self
                        yield area, method


def _made_by_kinds():
    """The names a services module binds to a `records.Kind`'s methods: `create_x, ... = _xs.create, ...`."""
    for path in sorted(REGISTRY.glob("*/services.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple)
                    and isinstance(node.targets[0], ast.Tuple)):
                for target, value in zip(node.targets[0].elts, node.value.elts):
                    if isinstance(value, ast.Attribute):
                        yield f"{path.parent.name}.{target.id}", value.attr


def _writes(name: str) -> bool:
    return name.split("_")[0] in WRITE_VERBS


def test_the_scan_sees_the_services():
    names = {f"{area}.{node.name}" for area, node in _services()} | {name for name, _ in _made_by_kinds()}
    assert {"records.create", "records.update", "records.delete"} <= names
    # The ones issue 8 named, across areas: if the scan stops seeing them, it proves nothing.
    assert {"mentors.appoint", "auth.update_user", "orgs.update_university", "teaching.create_course",
            "governance.delete_plan", "exchanges.update_exchange", "evidence.attach"} <= names


@pytest.mark.parametrize("area,node", [pytest.param(a, n, id=f"{a}.{n.name}") for a, n in _services()])
def test_a_writing_service_takes_its_actor_keyword_only(area, node):
    args = node.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    keyword_only = {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults)}
    aliases = ACTOR_ALIASES & (set(positional) | set(keyword_only))
    assert not aliases, f"{area}.{node.name} names its acting user {aliases}: call it keyword-only `actor`"
    assert "actor" not in positional, f"{area}.{node.name}: `actor` must be keyword-only (after `*`)"
    if "actor" in keyword_only:
        assert keyword_only["actor"] is None, \
            f"{area}.{node.name}: `actor` has a default; callers say who acts (None for the system)"
    if _writes(node.name) and area not in SYSTEM_ONLY and f"{area}.{node.name}" not in SYSTEM_ONLY:
        assert "actor" in keyword_only, f"{area}.{node.name} writes but takes no keyword-only `actor`"


def test_a_service_made_by_a_kind_is_the_kind_method_of_its_verb():
    """`create_x`/`add_x` is a Kind's create, `update_x` its update, `delete_x`/`remove_x` its delete,
    so the contract checked on the Kind's methods holds for them."""
    verbs = {"create": "create", "add": "create", "update": "update", "delete": "delete", "remove": "delete",
             "check": "check"}
    made = list(_made_by_kinds())
    assert len(made) > 30
    assert all(verbs[name.split(".")[1].split("_")[0]] == attr for name, attr in made)


def test_a_user_parameter_is_never_the_acting_user_in_disguise():
    """`user` is allowed only for the person a service is about (an account, a reviewer), and then
    the service that writes takes the acting user beside it as `actor`."""
    offenders = []
    for area, node in _services():
        if area in SYSTEM_ONLY:
            continue
        args = node.args
        names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        defaults = dict(zip([a.arg for a in args.kwonlyargs], args.kw_defaults))
        if "user" in defaults and defaults["user"] is not None:
            offenders.append(f"{area}.{node.name}: `user` with a default is an optional acting user")
        if "user" in names and _writes(node.name) and "actor" not in names:
            offenders.append(f"{area}.{node.name}")
    assert not offenders
