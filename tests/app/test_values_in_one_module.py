"""The value checks live in one module, `registry.values`: a value is found required, too long, not a
whole number, out of range or not a date there and nowhere else, so every form, service, command
and spreadsheet says it in the same words."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from registry import values
from registry.errors import DomainError

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
HOME = REGISTRY / "values.py"

# The messages of a value check: each is the mark of a validator.
VALUE_MESSAGES = {
    "%(label)s is required.",
    "%(label)s may have at most %(n)s characters.",
    "%(label)s must be a whole number.",
    "%(label)s must be between %(low)s and %(high)s.",
    "%(label)s must be a number.",
    "%(label)s may have at most %(n)s decimal places.",
    "%(label)s is not a date.",
    "%(label)s must lie between 1950 and 2100.",
    "%(label)s: \"%(value)s\" is not a date (YYYY-MM-DD).",
    "%(label)s: unknown value \"%(value)s\"; use one of: %(choices)s",
}


def _messages_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in VALUE_MESSAGES}


def test_every_value_message_is_written_in_the_one_module():
    assert _messages_in(HOME) == VALUE_MESSAGES  # the scan recognises the validators where they are


def test_no_other_module_writes_a_value_check_of_its_own():
    elsewhere = {str(p.relative_to(REGISTRY)): sorted(found) for p in REGISTRY.rglob("*.py")
                 if p != HOME and (found := _messages_in(p))}
    assert elsewhere == {}


@pytest.mark.parametrize("call,field,english", [
    (lambda: values.text_value("\u3000  ", "name", "Name", 10, required=True), "name", "Name is required."),
    (lambda: values.text_value("x" * 11, "name", "Name", 10), "name", "Name may have at most 10 characters."),
    (lambda: values.whole_number("九十", "score", "Score", 0, 100), "score", "Score must be a whole number."),
    (lambda: values.whole_number(101, "score", "Score", 0, 100), "score", "Score must be between 0 and 100."),
    (lambda: values.date_value(dt.date(1900, 1, 1), "on", "Day"), "on", "Day must lie between 1950 and 2100."),
    (lambda: values.integer({"hours": 2.5}, "hours", "Hours", 0, 9), "hours", "Hours must be a whole number."),
    (lambda: values.integer({"hours": True}, "hours", "Hours", 0, 9), "hours", "Hours must be a whole number."),
])
def test_the_one_module_refuses_in_both_languages_naming_the_field(app, call, field, english):
    with app.app_context(), pytest.raises(DomainError) as exc:
        call()
    assert exc.value.field == field and exc.value.en == english and exc.value.zh != english


def test_the_one_module_keeps_what_is_right(app):
    with app.app_context():
        assert values.text_value("\u3000 示范 \u00a0", "name", "Name", 10) == "示范"
        assert values.integer({"hours": 3.0}, "hours", "Hours", 0, 9) == 3
        assert values.whole_number(" 7 ", "n", "N", 0, 9) == 7
        assert values.date_value(dt.datetime(2024, 5, 1, 8), "on", "Day") == dt.date(2024, 5, 1)
