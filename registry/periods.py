"""Counting over periods of days (construction years, calendar years): the one place that turns a
list of per-base periods into a SQL table and decides which period a record dated only by a year
belongs to. The areas' `period_counts` read it; their `yearly_counts` are calendar-year periods.

A period is `(base_id, key, first, last)`: the base it belongs to, a key the caller reads the
counts back by (a year, a construction year's number), and its first and last day, both included.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Date, Integer, String, text

from registry.extensions import db

Period = tuple[int, object, dt.date, dt.date]


def calendar_periods(base_ids, first_year: int, last_year: int) -> list[Period]:
    """One period per base and calendar year, keyed by the year."""
    return [(b, y, dt.date(y, 1, 1), dt.date(y, 12, 31)) for b in base_ids
            for y in range(int(first_year), int(last_year) + 1)]


def periods_table(periods: Iterable[Period], name: str = "period"):
    """The periods as a table (`base_id`, `k`, `first`, `last`, and `lo`, `hi`: the years counted
    in it by `years_counted_in`; `k` as text) usable in a join.

    A multi-row VALUES list: portable (SQLite and PostgreSQL both name its columns column1...), and
    not bound by SQLite's limit of 500 terms in a compound SELECT, so 600 construction years of 200
    bases are one statement. Keys travel as text; read them back through the caller's own mapping.

    The values are written into the statement as literals, not as bound parameters: they are the
    registry's own ids, keys and dates, never user input, and six parameters a period made the
    statistics of every base spend 35 of their 49 seconds compiling 6,000 parameters (and would need
    60,000, near PostgreSQL's limit of 65,535, at ten times the national scale).
    """
    rows = list(periods)
    if not rows:
        raise ValueError("periods_table needs at least one period")
    dated = "'{}'::date" if db.session.get_bind().dialect.name == "postgresql" else "'{}'"
    values = []
    for base_id, key, first, last in rows:
        lo, hi = years_counted_in(first, last)
        text_key = str(key).replace("'", "''")
        values.append(f"({int(base_id)}, '{text_key}', {dated.format(first.isoformat())}, "
                      f"{dated.format(last.isoformat())}, {int(lo)}, {int(hi)})")
    body = ", ".join(values).replace(":", "\\:")  # no colon may read as a bound parameter
    stmt = text("SELECT column1 AS base_id, column2 AS k, column3 AS first, column4 AS last, column5 AS lo, "
                "column6 AS hi FROM (VALUES " + body + ") AS v")
    stmt = stmt.columns(base_id=Integer, k=String, first=Date, last=Date, lo=Integer, hi=Integer)
    return stmt.subquery(name)


def midyear(year: int) -> dt.date:
    return dt.date(int(year), 7, 1)


def years_counted_in(first: dt.date, last: dt.date) -> tuple[int, int]:
    """The calendar years (lo, hi; empty when lo > hi) whose records, dated only by a year (a
    textbook's year of publication, a course's first year), count in the period [first, last].

    Such a record is taken as dated 1 July, the middle of its year: every year falls into at most
    one construction year, nothing from a year mostly before recognition counts in the cycle, and
    a calendar-year period takes exactly its own year.
    """
    lo = first.year if first <= midyear(first.year) else first.year + 1
    hi = last.year if midyear(last.year) <= last else last.year - 1
    return lo, hi


def keys_of(periods: Iterable[Period]) -> dict[tuple[int, str], object]:
    """{(base_id, str(key)): key}: the caller's keys back from the text the table carries."""
    return {(int(b), str(k)): k for b, k, _f, _l in periods}


def counting_frame(periods: Iterable[Period], indicators):
    """What every area's `period_counts` starts from: (the periods as a list, a zero for every
    (base_id, indicator, key), the keys by their text, the periods as a table). With no period the
    last two are None and the zeros (none) are the answer."""
    periods = list(periods)
    counts = {(b, ind, k): 0 for b, k, _f, _l in periods for ind in indicators}
    if not periods:
        return periods, counts, None, None
    return periods, counts, keys_of(periods), periods_table(periods)


def per_calendar_year(period_counts):
    """An area's `yearly_counts(base_ids, first_year, last_year)` made from its `period_counts`."""
    def yearly_counts(base_ids, first_year: int, last_year: int) -> dict[tuple[int, str, int], int]:
        return period_counts(calendar_periods(list(base_ids), first_year, last_year))

    yearly_counts.__doc__ = (f"{{(base_id, indicator, year): count}} for every base in `base_ids`, every indicator of "
                             f"`{period_counts.__module__}.INDICATORS` and every calendar year from `first_year` to "
                             f"`last_year` inclusive (zeros included): `period_counts` over calendar years.")
    return yearly_counts
