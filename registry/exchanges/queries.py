"""Exchange lists and the yearly counts the evaluation reads (one source for page, checks, exports)."""
from __future__ import annotations

from sqlalchemy import and_, extract, func, select
from sqlalchemy.orm import selectinload

from registry.exchanges.models import DIRECTIONS, EXCHANGE_KINDS, Exchange
from registry.errors import _l
from registry.extensions import db
from registry.periods import counting_frame, per_calendar_year

# Indicator -> (kind, direction or None for both directions).
INDICATORS = {
    "secondments_to_enterprise": ("secondment", "university_to_enterprise"),
    "secondments_to_university": ("secondment", "enterprise_to_university"),
    "visits_to_enterprise": ("visit", "university_to_enterprise"),
    "visits_to_university": ("visit", "enterprise_to_university"),
    "study_tours": ("study_tour", None),
}

INDICATOR_LABELS = {
    "secondments_to_enterprise": _l("Secondments to enterprises"),
    "secondments_to_university": _l("Secondments to the university"),
    "visits_to_enterprise": _l("Visits to enterprises"),
    "visits_to_university": _l("Visits to the university"),
    "study_tours": _l("Enterprise study tours"),
}


def start_year():
    """The year an exchange counts in: the year it started."""
    return extract("year", Exchange.starts_on)


def period_counts(periods) -> dict[tuple[int, str, object], int]:
    """{(base_id, indicator, key): count} for every period `(base_id, key, first, last)` (see
    `registry.periods`) and every indicator of `INDICATORS`, zeros included.

    An exchange counts once, in the period holding its START date (`starts_on`), whatever its
    length: a secondment from 2023-11-01 to 2024-04-30 is one of 2023. Study tours count both
    directions together. Records count, not people (a study tour of a group is one). One query.
    """
    periods, counts, keys, p = counting_frame(periods, INDICATORS)
    if p is None:
        return counts
    rows = db.session.execute(
        select(p.c.base_id, p.c.k, Exchange.kind, Exchange.direction, func.count())
        .join(Exchange, and_(Exchange.base_id == p.c.base_id, Exchange.starts_on >= p.c.first,
                             Exchange.starts_on <= p.c.last))
        .group_by(p.c.base_id, p.c.k, Exchange.kind, Exchange.direction))
    for base_id, k, kind, direction, n in rows:
        for indicator, (kd, d) in INDICATORS.items():
            if kd == kind and d in (None, direction):
                counts[(base_id, indicator, keys[(base_id, k)])] += n
    return counts


yearly_counts = per_calendar_year(period_counts)


def exchanges(base_id: int, *, year: int | None = None, direction: str | None = None, kind: str | None = None):
    """The list of one base's exchanges, newest first, with the linked mentor eager-loaded."""
    stmt = (select(Exchange).where(Exchange.base_id == base_id).options(selectinload(Exchange.mentor))
            .order_by(Exchange.starts_on.desc(), Exchange.id.desc()))
    return _filtered(stmt, year, direction, kind)


def _filtered(stmt, year, direction, kind):
    if year:
        stmt = stmt.where(start_year() == year)
    if direction in DIRECTIONS:
        stmt = stmt.where(Exchange.direction == direction)
    if kind in EXCHANGE_KINDS:
        stmt = stmt.where(Exchange.kind == kind)
    return stmt


def counts_by_year(base_id: int, *, year=None, direction=None, kind=None) -> list[dict]:
    """Per year (newest first), exchanges per kind and direction for the list page. One query.

    Rows: {"year": 2024, "cells": {(kind, direction): n}, "total": n}.
    """
    y = start_year()
    stmt = (select(y, Exchange.kind, Exchange.direction, func.count()).where(Exchange.base_id == base_id)
            .group_by(y, Exchange.kind, Exchange.direction))
    table: dict[int, dict] = {}
    for year_, k, d, n in db.session.execute(_filtered(stmt, year, direction, kind)):
        row = table.setdefault(int(year_), {"year": int(year_), "cells": {}, "total": 0})
        row["cells"][(k, d)] = n
        row["total"] += n
    return [table[k] for k in sorted(table, reverse=True)]


def years_with_exchanges(base_id: int) -> list[int]:
    y = start_year()
    return sorted({int(v) for v in db.session.scalars(select(y).where(Exchange.base_id == base_id).distinct())},
                  reverse=True)
