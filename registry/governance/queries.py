"""What other areas read about a base's governance: the platform of 四(二) (rule R4) and the
regulations of 四(四) (rule R5), for many bases at once, as of a day.

Every function takes a list of base ids and runs a fixed number of queries, whatever its length.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from registry.extensions import db
from registry.governance.models import (REGULATION_AREAS, CooperationAgreement, ExchangeArrangement, Regulation,
                                        TrainingPlan, WorkingGroup)
from registry.models_common import ids_in

__all__ = ["REGULATION_AREAS", "PlatformStatus", "platform_status_many", "regulation_areas_many",
           "working_groups_many", "missing_items", "in_force"]


@dataclass(frozen=True)
class PlatformStatus:
    """The records in force on one day (None when there is none)."""

    agreement: CooperationAgreement | None
    training_plan: TrainingPlan | None
    exchange_arrangement: ExchangeArrangement | None

    @property
    def complete(self) -> bool:
        return None not in (self.agreement, self.training_plan, self.exchange_arrangement)


def in_force(model, as_of: dt.date):
    """SQL condition: a dated governance record is in force on `as_of` (both ends inclusive)."""
    start = {CooperationAgreement: CooperationAgreement.signed_on, TrainingPlan: TrainingPlan.adopted_on,
             ExchangeArrangement: ExchangeArrangement.established_on, Regulation: Regulation.issued_on}[model]
    condition = start <= as_of
    until = getattr(model, "valid_until", None)
    if until is not None:
        condition = condition & or_(until.is_(None), until >= as_of)
    return condition


def _latest_in_force(model, start_column, base_ids: list[int], as_of: dt.date) -> dict[int, object]:
    """Per base, the record in force on `as_of` that started last (ties: the later id)."""
    rows = db.session.scalars(select(model).where(ids_in(model.base_id, base_ids), in_force(model, as_of))
                              .order_by(model.base_id, start_column, model.id))
    latest = {}
    for row in rows:  # ascending: the last one seen per base wins
        latest[row.base_id] = row
    return latest


def platform_status_many(base_ids, as_of: dt.date) -> dict[int, PlatformStatus]:
    """For each base id: the cooperation agreement, training plan and two-way exchange arrangement
    in force on `as_of` (rule R4, 四(二)). Three queries in all.

    - agreement: signed on or before `as_of`, and `valid_until` empty or on/after `as_of`;
      when several are, the one signed last;
    - training plan: the version adopted last on or before `as_of` (a later version supersedes);
    - exchange arrangement: established on or before `as_of`, `valid_until` empty or on/after it.
    """
    ids = list(base_ids)
    if not ids:
        return {}
    agreements = _latest_in_force(CooperationAgreement, CooperationAgreement.signed_on, ids, as_of)
    plans = _latest_in_force(TrainingPlan, TrainingPlan.adopted_on, ids, as_of)
    arrangements = _latest_in_force(ExchangeArrangement, ExchangeArrangement.established_on, ids, as_of)
    return {i: PlatformStatus(agreements.get(i), plans.get(i), arrangements.get(i)) for i in ids}


def regulation_areas_many(base_ids, as_of: dt.date) -> dict[int, set[str]]:
    """For each base id, the keys of `REGULATION_AREAS` with at least one regulation in force on
    `as_of` (issued on or before it, `valid_until` empty or on/after it). One query (rule R5, 四(四))."""
    ids = list(base_ids)
    result: dict[int, set[str]] = {i: set() for i in ids}
    if not ids:
        return result
    rows = db.session.execute(select(Regulation.base_id, Regulation.area)
                              .where(ids_in(Regulation.base_id, ids), in_force(Regulation, as_of)).distinct())
    for base_id, area in rows:
        result[base_id].add(area)
    return result


def working_groups_many(base_ids, as_of: dt.date) -> dict[int, WorkingGroup | None]:
    """For each base id, its working group when established on or before `as_of`. One query."""
    ids = list(base_ids)
    groups = db.session.scalars(select(WorkingGroup).where(ids_in(WorkingGroup.base_id, ids),
                                                           WorkingGroup.established_on <= as_of)) if ids else []
    found = {g.base_id: g for g in groups}
    return {i: found.get(i) for i in ids}


def missing_items(base_id: int, as_of: dt.date) -> list[str]:
    """What a base lacks on `as_of`, as keys: agreement, training_plan, exchange_arrangement,
    working_group, and `regulation:<area>` for each area without a regulation in force."""
    status = platform_status_many([base_id], as_of)[base_id]
    missing = [key for key in ("agreement", "training_plan", "exchange_arrangement") if getattr(status, key) is None]
    if working_groups_many([base_id], as_of)[base_id] is None:
        missing.append("working_group")
    areas = regulation_areas_many([base_id], as_of)[base_id]
    missing += [f"regulation:{area}" for area in REGULATION_AREAS if area not in areas]
    return missing


def regulations_of(base_id: int):
    return (select(Regulation).where(Regulation.base_id == base_id)
            .order_by(Regulation.area, Regulation.issued_on.desc(), Regulation.id))
