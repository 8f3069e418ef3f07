"""Value checks the record services share (exchange, teaching, governance): each takes the data
dict a form or a spreadsheet row gives, and raises a DomainError naming the form field."""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import select

from registry.errors import DomainError, _l
from registry.extensions import db
from registry.forms_support import options
from registry.mentors.models import Appointment, Mentor
from registry.orgs.services import clean


def text(data: dict, key: str, label, max_len: int, required: bool = False) -> str:
    value = clean(data.get(key)) if data.get(key) is not None else ""
    if not isinstance(value, str):
        value = str(value)
    if required and not value:
        raise DomainError(_l("%(label)s is required."), field=key, label=label)
    if len(value) > max_len:
        raise DomainError(_l("%(label)s may have at most %(n)s characters."), field=key, label=label, n=max_len)
    return value


def date(data: dict, key: str, label, required: bool = True) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError(_l("%(label)s is required."), field=key, label=label)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(_l("%(label)s: \"%(value)s\" is not a date (YYYY-MM-DD)."), field=key, label=label,
                          value=value) from None


def integer(data: dict, key: str, label, low: int, high: int, required: bool = True) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError(_l("%(label)s is required."), field=key, label=label)
        return None
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool):
        raise DomainError(_l("%(label)s must be a whole number."), field=key, label=label)
    if not low <= number <= high:
        raise DomainError(_l("%(label)s must be between %(low)s and %(high)s."), field=key, label=label,
                          low=low, high=high)
    return number


def number(data: dict, key: str, label, low, high, places: int, required: bool = True) -> decimal.Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError(_l("%(label)s is required."), field=key, label=label)
        return None
    try:
        amount = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError):
        raise DomainError(_l("%(label)s must be a number."), field=key, label=label) from None
    if not amount.is_finite() or not decimal.Decimal(low) <= amount <= decimal.Decimal(high):
        raise DomainError(_l("%(label)s must be between %(low)s and %(high)s."), field=key, label=label,
                          low=low, high=high)
    if amount != amount.quantize(decimal.Decimal(1).scaleb(-places)):
        raise DomainError(_l("%(label)s may have at most %(n)s decimal places."), field=key, label=label, n=places)
    return amount.quantize(decimal.Decimal(1).scaleb(-places))


def choice(data: dict, key: str, label, mapping, required: bool = True) -> str | None:
    value = clean(data.get(key) or "")
    if not value:
        if required:
            raise DomainError(_l("%(label)s is required."), field=key, label=label)
        return None
    if value not in mapping:
        raise DomainError(_l("%(label)s: unknown value \"%(value)s\"; use one of: %(choices)s"), field=key,
                          label=label, value=value, choices=", ".join(mapping))
    return value


def end_not_before_start(start: dt.date | None, end: dt.date | None, field: str) -> None:
    if start is not None and end is not None and end < start:
        raise DomainError(_l("The end date (%(end)s) is before the start date (%(start)s)."), field=field,
                          end=end.isoformat(), start=start.isoformat())


def unique(model, base_id: int, obj, field: str, message, **where) -> None:
    """Refuse a second row of `model` in the base with the same values of `where`."""
    stmt = select(model.id).where(model.base_id == base_id, *[getattr(model, k) == v for k, v in where.items()])
    other = db.session.scalar(stmt.limit(1))
    if other is not None and (obj is None or other != obj.id):
        raise DomainError(message, field=field, **{k: v for k, v in where.items() if isinstance(v, (str, int))})


def mentor_of_base(data: dict, key: str, base_id: int):
    """The roster mentor chosen by id (a form), or None; refused unless appointed at the base."""
    value = data.get(key)
    if value in (None, "", 0, "0"):
        return None
    try:
        mentor_id = int(value)
    except (TypeError, ValueError):
        raise DomainError(_l("Unknown mentor."), field=key) from None
    mentor = db.session.get(Mentor, mentor_id)
    appointed = db.session.scalar(select(Appointment.id).where(Appointment.mentor_id == mentor_id,
                                                               Appointment.base_id == base_id).limit(1))
    if mentor is None or appointed is None:
        raise DomainError(_l("This mentor has no appointment at the base."), field=key)
    return mentor


def mentor_choices(base_id: int) -> list:
    """(id, label) of the mentors with an appointment (ever) at the base, for a select. One query."""
    rows = db.session.execute(select(Mentor.id, Mentor.name, Mentor.organisation)
                              .where(Mentor.id.in_(select(Appointment.mentor_id)
                                                   .where(Appointment.base_id == base_id)))
                              .order_by(Mentor.name))
    return options([(0, "—")] + [(i, f"{name}（{org}）") for i, name, org in rows])
