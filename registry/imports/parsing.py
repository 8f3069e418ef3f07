"""Cell parsers for spreadsheet imports.

A parser takes one non-blank cell value as the spreadsheet gives it (text, a number, a date cell)
and returns the value to store, or raises `CellError` with a two-language message. Blank cells
never reach a parser: the engine handles them (required → error, optional → the column's default).

Messages quote the cell as the user typed it, e.g. `"2023-13-01" is not a date`.
"""
from __future__ import annotations

import datetime as dt
import re

from registry.errors import BilingualValueError, _l
from registry.limits import FIRST_DATE, LAST_DATE

# Spaces trimmed at both ends of every cell: ASCII, full-width (U+3000), no-break (U+00A0),
# zero-width (U+200B, U+FEFF: a BOM pasted into a cell).
EDGE_SPACE = _EDGE_SPACE = " \t\r\n\u3000\u00a0\u200b\ufeff"


class CellError(BilingualValueError):
    """A cell that breaks its column's rule; `message` is a lazy msgid with %(name)s parameters."""


def display(value) -> str:
    """How a cell reads to the user (for quoting it in a message)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(_EDGE_SPACE)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_EDGE_SPACE))


# ---- parsers ------------------------------------------------------------------------------

def text(max_length: int | None = None):
    """Trimmed text. Numbers read from a cell keep their digits (staff number 1001, not 1001.0)."""

    def parse(value):
        result = display(value)
        if max_length is not None and len(result) > max_length:
            raise CellError(_l("\"%(value)s\" is longer than %(max)s characters"), value=result, max=max_length)
        return result

    parse.max_length = max_length
    return parse


_NUMERIC_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]0{1,2}:0{1,2}(?::0{1,2}(?:\.0+)?)?)?")
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


def to_date(value) -> dt.date | None:
    """A date from a date cell or text `2023-09-01`, `2023/9/1`, `2023.9.1`, `2023年9月1日`; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    raw = value.strip(_EDGE_SPACE)
    match = _NUMERIC_DATE.fullmatch(raw)
    if match:
        year, month, day = match.group(1), match.group(3), match.group(4)
    else:
        match = _CHINESE_DATE.fullmatch(raw)
        if not match:
            return None
        year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:  # 2023-13-01, 2023-02-30
        return None


def date(value) -> dt.date:
    """A date (see `to_date`) in 1900–2100: no cell takes date arithmetic or a column out of range."""
    parsed = to_date(value)
    if parsed is None:
        raise CellError(_l("\"%(value)s\" is not a date"), value=display(value))
    if not FIRST_DATE <= parsed <= LAST_DATE:
        raise CellError(_l("\"%(value)s\" is not between %(first)s and %(last)s"), value=display(value),
                        first=FIRST_DATE.year, last=LAST_DATE.year)
    return parsed


def date_between(first_year: int, last_year: int):
    """A date (any form `date` accepts) whose year lies in [first_year, last_year]."""

    def parse(value):
        parsed = date(value)
        if not first_year <= parsed.year <= last_year:
            raise CellError(_l("\"%(value)s\" is not between %(first)s and %(last)s"), value=display(value),
                            first=first_year, last=last_year)
        return parsed

    return parse


_INTEGER = re.compile(r"[+-]?\d{1,9}(?:\.0+)?")


def integer(minimum: int | None = None, maximum: int | None = None):
    """A whole number, from a number cell or text; with optional bounds."""

    def parse(value):
        raw = display(value)
        if isinstance(value, bool) or not _INTEGER.fullmatch(raw):
            raise CellError(_l("\"%(value)s\" is not a whole number"), value=raw)
        number = int(float(raw)) if "." in raw else int(raw)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise CellError(_l("\"%(value)s\" is outside %(minimum)s to %(maximum)s"), value=raw,
                            minimum=minimum, maximum=maximum)
        return number

    return parse


def choice(aliases: dict[str, str], message):
    """One of a set of spellings (matched after trimming, English case-insensitively) → its key.

    `message` is the error msgid; it receives %(value)s.
    """
    table = {key.strip().lower(): target for key, target in aliases.items()}

    def parse(value):
        raw = display(value)
        found = table.get(raw.lower())
        if found is None:
            raise CellError(message, value=raw)
        return found

    return parse


def field_rule(function, max_length: int | None = None):
    """Wrap a field function that raises a ValueError carrying `message`/`params` (e.g. the mentors
    area's `normalise_phone`, `validate_email`) into a cell parser."""

    def parse(value):
        raw = display(value)
        try:
            result = function(raw)
        except ValueError as exc:
            message = getattr(exc, "message", None)
            if message is None:
                raise CellError(_l("\"%(value)s\" is not valid here"), value=raw) from None
            raise CellError(message, **getattr(exc, "params", {})) from None
        if max_length is not None and isinstance(result, str) and len(result) > max_length:
            raise CellError(_l("\"%(value)s\" is longer than %(max)s characters"), value=raw, max=max_length)
        return result

    return parse
