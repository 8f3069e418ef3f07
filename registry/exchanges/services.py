"""Secondments, visits and study tours: what can be done to them, as plain functions."""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from registry import values as v
from registry.errors import DomainError, _l
from registry.records import services as records
from registry.exchanges.models import DIRECTIONS, EXCHANGE_KINDS, SIDE_OF_DIRECTION, Exchange
from registry.extensions import db
from registry.mentors.queries import mentor_of_base
from registry.orgs.models import Base

LABELS = {
    "kind": _l("Kind"), "direction": _l("Direction"), "person_name": _l("Full name"),
    "person_organisation": _l("Home organisation"), "person_title": _l("Title or post"),
    "host_organisation": _l("Host organisation"), "starts_on": _l("Start date"), "ends_on": _l("End date"),
    "participants": _l("Participants"), "purpose": _l("Purpose"), "projects_joined": _l("Projects joined"),
    "outcomes": _l("Outcomes"),
}
EDITABLE = ("kind", "direction", "person_name", "person_organisation", "person_title", "mentor_id",
            "host_organisation", "starts_on", "ends_on", "participants", "purpose", "projects_joined", "outcomes")


def _values(base_id: int, data: dict) -> dict:
    out = {
        "kind": v.choice(data, "kind", LABELS["kind"], EXCHANGE_KINDS),
        "direction": v.choice(data, "direction", LABELS["direction"], DIRECTIONS),
        "person_title": v.text(data, "person_title", LABELS["person_title"], 100),
        "host_organisation": v.text(data, "host_organisation", LABELS["host_organisation"], 200, required=True),
        "starts_on": v.date(data, "starts_on", LABELS["starts_on"]),
        "ends_on": v.date(data, "ends_on", LABELS["ends_on"], required=False),
        "participants": v.integer(data, "participants", LABELS["participants"], 1, 10000, required=False) or 1,
        "purpose": v.text(data, "purpose", LABELS["purpose"], 4000),
        "projects_joined": v.text(data, "projects_joined", LABELS["projects_joined"], 4000),
        "outcomes": v.text(data, "outcomes", LABELS["outcomes"], 4000),
    }
    v.end_not_before_start(out["starts_on"], out["ends_on"], "ends_on")
    mentor = mentor_of_base(data, "mentor_id", base_id)
    if mentor is not None:
        # A roster mentor is the person: their name and employer come from the roster.
        out.update(mentor_id=mentor.id, person_name=mentor.name, person_organisation=mentor.organisation)
        if mentor.side != SIDE_OF_DIRECTION[out["direction"]]:
            raise DomainError(_l("%(name)s is a mentor of the other side: a university person goes from the "
                                 "university to an enterprise, an enterprise person the other way."),
                              field="direction", name=mentor.name)
    else:
        out.update(mentor_id=None,
                   person_name=v.text(data, "person_name", LABELS["person_name"], 100, required=True),
                   person_organisation=v.text(data, "person_organisation", LABELS["person_organisation"], 200,
                                              required=True))
    return out


def same_person(mentor_id, name: str, organisation: str):
    """SQL condition: an exchange of this person. A linked mentor is identified by the mentor id;
    otherwise (or against unlinked records) by name and home organisation."""
    by_name = and_(Exchange.person_name == name, Exchange.person_organisation == organisation)
    if mentor_id is None:
        return by_name
    return or_(Exchange.mentor_id == mentor_id, and_(Exchange.mentor_id.is_(None), by_name))


def overlapping_secondment(values: dict, exclude_id: int | None = None) -> Exchange | None:
    """Another secondment of the same person whose dates overlap (open ends reach forever)."""
    start, end = values["starts_on"], values["ends_on"]
    stmt = select(Exchange).where(Exchange.kind == "secondment",
                                  same_person(values["mentor_id"], values["person_name"],
                                              values["person_organisation"]),
                                  or_(Exchange.ends_on.is_(None), Exchange.ends_on >= start))
    if end is not None:
        stmt = stmt.where(Exchange.starts_on <= end)
    if exclude_id is not None:
        stmt = stmt.where(Exchange.id != exclude_id)
    return db.session.scalar(stmt.order_by(Exchange.starts_on).limit(1))


def _check(base_id: int, values: dict, exchange: Exchange | None) -> None:
    exclude = exchange.id if exchange is not None else None
    if values["kind"] == "secondment":
        other = overlapping_secondment(values, exclude)
        if other is not None:
            raise DomainError(
                _l("%(person)s is already on a secondment at %(host)s from %(start)s to %(end)s (base %(base)s); "
                   "one person's secondments may not overlap."),
                field="starts_on", person=values["person_name"], host=other.host_organisation,
                start=other.starts_on.isoformat(), end=other.ends_on.isoformat() if other.ends_on else "…",
                base=db.session.get(Base, other.base_id).code)
    duplicate = db.session.scalar(select(Exchange.id).where(
        Exchange.base_id == base_id, Exchange.kind == values["kind"], Exchange.person_name == values["person_name"],
        Exchange.person_organisation == values["person_organisation"], Exchange.starts_on == values["starts_on"]))
    if duplicate is not None and duplicate != exclude:
        raise DomainError(_l("This exchange of %(person)s starting %(start)s is already recorded."),
                          field="starts_on", person=values["person_name"], start=values["starts_on"].isoformat())


def check_exchange(base, data: dict, exchange: Exchange | None = None) -> dict:
    """Every rule a new or changed exchange must meet; its cleaned values (for imports' preview)."""
    values = _values(base.id, data)
    _check(base.id, values, exchange)
    return values


def create_exchange(base, data: dict, *, actor) -> Exchange:
    values = _values(base.id, data)
    _check(base.id, values, None)
    return records.create(Exchange(base_id=base.id, **values), actor=actor)


def update_exchange(exchange: Exchange, data: dict, *, actor) -> Exchange:
    values = _values(exchange.base_id, data)
    _check(exchange.base_id, values, exchange)
    return records.update(exchange, values, actor=actor)


def delete_exchange(exchange: Exchange, *, actor) -> None:
    records.delete("exchange", exchange, actor=actor)
