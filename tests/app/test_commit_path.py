"""One commit path: pages commit only through `registry.forms_support` (`writing`, `save_form`,
`delete_then`), which roll back on any error and say why in the user's language."""
from __future__ import annotations

import ast
from pathlib import Path

from flask import get_flashed_messages
from sqlalchemy.exc import IntegrityError

from registry.errors import DomainError
from registry.forms_support import delete_then, writing

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
PAGES = ("views.py", "pages.py", "api.py")
HELPER = REGISTRY / "forms_support.py"


def _commits(path: Path) -> list[int]:
    """Lines where the file calls `<anything>.commit()` (a session's, the db's, a connection's)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            lines.append(node.lineno)
    return lines


def test_no_page_commits_by_itself():
    pages = [p for p in REGISTRY.rglob("*.py") if p.name in PAGES]
    assert len(pages) > 15  # the scan sees every area's pages
    found = {str(p.relative_to(REGISTRY)): _commits(p) for p in pages}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_helper_is_where_pages_commit():
    assert _commits(HELPER), "the one commit path has moved: point this test at it"


def test_a_broken_rule_rolls_back_and_is_flashed_in_the_users_language(app, world):
    from registry.extensions import db

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        with writing(on_error=lambda exc: None) as write:
            world.base.name = "改了但不该保存"
            db.session.flush()
            raise DomainError("A rule was broken.")
        assert not write.ok and isinstance(write.error, DomainError)
        db.session.expire_all()
        assert world.base.name != "改了但不该保存"

        response = delete_then(lambda: (_ for _ in ()).throw(IntegrityError("insert", {}, Exception("dup"))),
                               done="/somewhere", message="Deleted.")
        assert response.status_code == 302 and response.location.endswith("/somewhere")
        flashed = get_flashed_messages(with_categories=True)
        assert flashed and flashed[0][0] == "danger"
        assert "同时" in flashed[0][1]  # the unique-key race, said in Chinese: nothing was saved
        assert "Deleted." not in [m for _c, m in flashed]


def test_a_write_commits_once_when_the_block_ends(app, world):
    from registry.extensions import db

    with app.test_request_context():
        with writing() as write:
            world.base.description = "写入成功"
        assert write.ok and write.error is None
    db.session.expire_all()
    assert world.base.description == "写入成功"
