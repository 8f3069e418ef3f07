"""The value checks every service shares: the one place a value is found required, too long, not a
whole number, out of range or not a date. Each raises a DomainError naming the form field.

Two shapes: `text_value`, `whole_number`, `date_value` and `field_rule` take one value (a service's
keyword argument); `text`, `date`, `integer`, `number`, `choice` take the data dict a form or a
spreadsheet row gives (the record services: exchanges, teaching, governance, quality) and its key.

A record kind declares its fields once with `Text`, `Date`, `Integer`, `Number`, `Choice`, `Flag`,
`Link` (or a `Field` of its own check); `registry.records.services.Kind` checks them all and reports every
broken field together.
"""
from __future__ import annotations

import datetime as dt
import decimal
from functools import partial
from typing import Callable

from sqlalchemy import select

from registry.errors import BilingualValueError, Checks, DomainError, _l
from registry.extensions import db

REQUIRED = _l("%(label)s is required.")
TOO_LONG = _l("%(label)s may have at most %(n)s characters.")
NOT_WHOLE = _l("%(label)s must be a whole number.")
OUT_OF_RANGE = _l("%(label)s must be between %(low)s and %(high)s.")


# ---- one value ---------------------------------------------------------------------------------


def clean_name(text) -> str:
    """Trim ASCII and full-width (U+3000) spaces, and no-break spaces, at both ends. None → ""."""
    if text is None:
        return ""
    return str(text).strip().strip("\u3000\u00a0").strip()


clean = clean_name

def text_value(value, field: str, label, max_len: int, required: bool = False) -> str:
    """Trimmed text (ASCII, full-width and no-break spaces); "" when blank unless `required`."""
    value = clean(value)
    if required and not value:
        raise DomainError(REQUIRED, field=field, label=label)
    return within_length(value, field, label, max_len)


def within_length(value: str, field: str, label, max_len: int) -> str:
    """`value` as it is, refused when longer than `max_len` characters."""
    if len(value) > max_len:
        raise DomainError(TOO_LONG, field=field, label=label, n=max_len)
    return value


def whole_number(value, field: str, label, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(NOT_WHOLE, field=field, label=label) from None
    if not low <= number <= high:
        raise DomainError(OUT_OF_RANGE, field=field, label=label, low=low, high=high)
    return number


def date_value(value, field: str, label, required: bool = True) -> dt.date | None:
    """A date object (a form's DateField, a service's argument) in 1950–2100; None when blank and optional."""
    if value is None or value == "":
        if required:
            raise DomainError(REQUIRED, field=field, label=label)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise DomainError(_l("%(label)s is not a date."), field=field, label=label)
    if not (1950 <= value.year <= 2100):
        raise DomainError(_l("%(label)s must lie between 1950 and 2100."), field=field, label=label)
    return value


def field_rule(parse, value, field: str):
    """Run a field parser of `registry.mentors.fields` (phone, e-mail) and name the field on refusal."""
    try:
        return parse(value)
    except BilingualValueError as exc:
        raise DomainError(exc.message, field=field, **exc.params) from None


# ---- a value of a form's or a spreadsheet row's data -----------------------------------------------

def text(data: dict, key: str, label, max_len: int, required: bool = False) -> str:
    return text_value(data.get(key), key, label, max_len, required)


def date(data: dict, key: str, label, required: bool = True) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError(REQUIRED, field=key, label=label)
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
            raise DomainError(REQUIRED, field=key, label=label)
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise DomainError(NOT_WHOLE, field=key, label=label)
    return whole_number(value, key, label, low, high)


def number(data: dict, key: str, label, low, high, places: int, required: bool = True) -> decimal.Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError(REQUIRED, field=key, label=label)
        return None
    try:
        amount = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError):
        raise DomainError(_l("%(label)s must be a number."), field=key, label=label) from None
    if not amount.is_finite() or not decimal.Decimal(low) <= amount <= decimal.Decimal(high):
        raise DomainError(OUT_OF_RANGE, field=key, label=label, low=low, high=high)
    if amount != amount.quantize(decimal.Decimal(1).scaleb(-places)):
        raise DomainError(_l("%(label)s may have at most %(n)s decimal places."), field=key, label=label, n=places)
    return amount.quantize(decimal.Decimal(1).scaleb(-places))


def choice(data: dict, key: str, label, mapping, required: bool = True) -> str | None:
    value = clean(data.get(key) or "")
    if not value:
        if required:
            raise DomainError(REQUIRED, field=key, label=label)
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


def chosen_of_base(model, data: dict, key: str, base_id: int, refusal: DomainError):
    """The record of the base chosen by id in `data[key]` (a form's select), or None when none is
    chosen; `refusal` when the id names no record of this base."""
    value = data.get(key)
    if value in (None, "", 0, "0"):
        return None
    try:
        obj = db.session.get(model, int(value))
    except (TypeError, ValueError):
        obj = None
    if obj is None or obj.base_id != base_id:
        raise refusal
    return obj


def link(data: dict, key: str, label, model, *, base_id: int) -> int | None:
    """An optional link to another record of the same base, chosen by id: its id."""
    obj = chosen_of_base(model, data, key, base_id,
                         DomainError(_l("%(label)s: no such record at this base."), field=key, label=label))
    return obj.id if obj is not None else None


def flag(data: dict, key: str, label) -> bool:
    """A tick box: ticked or not, never refused."""
    return bool(data.get(key))


# ---- a record's fields, declared once --------------------------------------------------------------

class Field:
    """One value of a record's data dict and its check, e.g. `Text("title", 200, required=True)`:
    `check(data, key, label, *args, **kwargs)` returns the value checked or raises a DomainError
    naming `key`."""

    def __init__(self, check: Callable, key: str, *args, **kwargs):
        self.check, self.key, self.args, self.kwargs = check, key, args, kwargs

    def read(self, data: dict, label, base_id: int):
        return self.check(data, self.key, label, *self.args, **self.kwargs)


class FieldOfBase(Field):
    """A field whose check needs the base the record belongs to (a link to another of its records)."""

    def read(self, data: dict, label, base_id: int):
        return self.check(data, self.key, label, *self.args, base_id=base_id, **self.kwargs)


# Text("notes", 4000), Date("valid_until", required=False), Choice("area", AREAS), Flag("is_leader")…
Text, Date, Integer, Number, Choice, Flag = (partial(Field, check) for check in (text, date, integer, number, choice,
                                                                                flag))
Link = partial(FieldOfBase, link)  # Link("course_id", IndustryCourse): a record of the same base


def read(check: Checks, fields, data: dict, labels: dict, base_id: int) -> dict:
    """Every field's value checked, each broken rule reported to `check` (its value then None)."""
    return {f.key: check(f.read, data, labels[f.key], base_id) for f in fields}
