"""Permission logic lives in `registry/authz.py`: views, services and templates ask its `can_*`
predicates and never compare a user's role themselves."""
from __future__ import annotations

import re

from registry.config import PROJECT_ROOT

ROLE_NAMES = r"(?:authz\.)?(?:ADMIN|REVIEWER|UNIVERSITY_COORDINATOR|BASE_COORDINATOR|MENTOR|STAFF|EDITORS)\b"
ROLE_WORDS = r"""['"](?:admin|reviewer|university_coordinator|base_coordinator)['"]"""  # "mentor" names more than a role
COMPARISONS = [
    re.compile(r"""(?:\.role\b|["']role["'],\s*None\))\s*(?:==|!=|\bin\b|\bnot\s+in\b)"""),  # user.role == ...
    re.compile(rf"(?:==|!=)\s*(?:{ROLE_NAMES}|{ROLE_WORDS})"),  # ... == ADMIN
    re.compile(rf"\bin\s*\(?\s*{ROLE_NAMES}"),  # ... in (ADMIN, ...), ... in STAFF
]
# Not permission logic: the user list's filter by the role an administrator picked.
ALLOWED = {("registry/auth/queries.py", "stmt = stmt.where(User.role == role) if role in ROLES else stmt.where(false())")}


def role_comparisons():
    files = [*(PROJECT_ROOT / "registry").rglob("*.py"), *(PROJECT_ROOT / "templates").rglob("*.html")]
    found = []
    for path in sorted(files):
        name = path.relative_to(PROJECT_ROOT).as_posix()
        if name == "registry/authz.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (name, line.strip()) in ALLOWED or line.lstrip().startswith("#"):
                continue
            if any(pattern.search(line) for pattern in COMPARISONS):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_role_comparison_outside_authz():
    found = role_comparisons()
    assert not found, "ask a can_* predicate of registry/authz.py instead:\n" + "\n".join(found)


def test_the_scan_sees_a_role_comparison(tmp_path, monkeypatch):
    (tmp_path / "registry" / "somewhere").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "registry" / "somewhere" / "views.py").write_text("if user.role in STAFF:\n    pass\n")
    (tmp_path / "templates" / "page.html").write_text("{% if actor.role == 'admin' %}x{% endif %}\n")
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    assert [f.split(":")[0] for f in role_comparisons()] == ["registry/somewhere/views.py", "templates/page.html"]
