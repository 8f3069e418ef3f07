"""Bounds every value from outside (query strings, forms, spreadsheets) is held to, so that no
input can reach the database or date arithmetic out of range: dates lie in 1900–2100, integers in
the range of an INTEGER column, and text carries no NUL character (PostgreSQL refuses it)."""
from __future__ import annotations

import datetime as dt
import re

from registry.errors import _l

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

DATE_OUT_OF_RANGE = _l("Dates must lie between %(first)s and %(last)s.")
NUL_REFUSED = _l("The request contains a NUL character (\\0), which text may not hold here. Remove it and try "
                 "again.")

# Query parameters that are whole numbers (besides every name ending in _id), and those that are years.
# `year` is a calendar year on record lists and a construction year's number (1-3) on the plan page,
# so it is bounded as a number only.
INT_PARAMS = frozenset({"page", "per_page", "university", "round", "record_id", "year"})
YEAR_PARAMS = frozenset()
DATE_PARAMS = frozenset({"as_of", "date", "from", "to", "since", "until"})
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def date_in_range(value: dt.date | None) -> bool:
    return value is None or FIRST_DATE <= (value.date() if isinstance(value, dt.datetime) else value) <= LAST_DATE


def int_in_range(value: int | None) -> bool:
    return value is None or INT_MIN <= value <= INT_MAX


def is_date_param(name: str) -> bool:
    return name in DATE_PARAMS or name.endswith(("_on", "_date", "_from", "_until"))


def is_int_param(name: str) -> bool:
    return name in INT_PARAMS or name.endswith("_id")


def query_problem(name: str, value: str):
    """(message, params) when a query parameter's value is out of range, else None.

    Only parameters that are numbers or dates are judged, and only values that read as one: text,
    and a malformed date, are left to the view (which shows it as such)."""
    if name in YEAR_PARAMS and _INTEGER.fullmatch(value):
        year = int(value)
        if not FIRST_DATE.year <= year <= LAST_DATE.year:
            return _l("The year must lie between %(first)s and %(last)s."), {"first": FIRST_DATE.year,
                                                                             "last": LAST_DATE.year}
    elif is_int_param(name) and _INTEGER.fullmatch(value) and not int_in_range(int(value)):
        return (_l("The number given for %(name)s is too large (at most %(max)s)."),
                {"name": name[:40], "max": INT_MAX})
    if is_date_param(name) and len(value) <= 40:
        try:  # every form Python reads as a date (2099-12-31, 20991231, 2099-W52-1)
            parsed = dt.date.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and not date_in_range(parsed):
            return DATE_OUT_OF_RANGE, {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}
    return None


# ---- zip containers (.xlsx, .docx) -------------------------------------------------------------

MAX_ZIP_ENTRIES = 10_000
ZIP_TOO_BIG = _l("The file expands to more than %(limit)s MB when opened (a compressed container such as .xlsx or "
                 ".docx); it is refused as it could exhaust the server. Save it again or split it.")
ZIP_TOO_MANY = _l("The file holds more than %(limit)s parts; it is refused as it could exhaust the server.")


def zip_problem(source, max_total: int, max_part: int | None = None, parts: dict[str, int] | None = None):
    """(message, params) when a zip container would expand beyond `max_total` bytes in all, or one
    part beyond `max_part`, or a named part beyond its own limit in `parts` ({name: bytes}); None
    when it is within them, or is not a readable zip (its reader says so later). Reads only the
    central directory; the sizes it declares are enforced by zipfile when a part is read (a part
    that lies about its size fails its CRC check)."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    if len(infos) > MAX_ZIP_ENTRIES:
        return ZIP_TOO_MANY, {"limit": MAX_ZIP_ENTRIES}
    total = 0
    for info in infos:
        total += info.file_size
        limit = (parts or {}).get(info.filename.lower().lstrip("/"), max_part)
        if total > max_total or (limit is not None and info.file_size > limit):
            return ZIP_TOO_BIG, {"limit": (limit if limit is not None and info.file_size > limit
                                           else max_total) // (1024 * 1024)}
    return None
