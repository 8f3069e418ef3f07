"""Secondments, visits and study tours: what can be done to them, as plain functions.

The exchange kind declares its fields once (`records.Kind`); creating or changing one checks every
value and rule and reports each broken one beside its field, all at once."""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from registry import values as v
from registry.errors import Checks, DomainError, _l
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
PERSON = (v.Text("person_name", 100, required=True), v.Text("person_organisation", 200, required=True))


def _participants(data: dict, key: str, label) -> int:
    """How many people went: 1 when left empty."""
    return v.integer(data, key, label, 1, 10000, required=False) or 1


def _the_person(check: Checks, base_id: int, data: dict, values: dict) -> None:
    """The person who goes: a roster mentor (their name and employer come from the roster, their side
    must be the direction's), or the person as typed. An unknown mentor leaves the person unknown."""
    try:
        mentor = mentor_of_base(data, "mentor_id", base_id)
    except DomainError as exc:
        check.add(exc)
        values.update(mentor_id=None, person_name=None, person_organisation=None)
        return
    if mentor is None:
        values.update(mentor_id=None, **v.read(check, PERSON, data, LABELS, base_id))
        return
    values.update(mentor_id=mentor.id, person_name=mentor.name, person_organisation=mentor.organisation)
    if values["direction"] is not None and mentor.side != SIDE_OF_DIRECTION[values["direction"]]:
        check.add(DomainError(_l("%(name)s is a mentor of the other side: a university person goes from the "
                                 "university to an enterprise, an enterprise person the other way."),
                              field="direction", name=mentor.name))


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


def _person_and_dates(check: Checks, base_id: int, data: dict, values: dict, exchange: Exchange | None) -> None:
    """The person; then, once the values each rule reads are sound, no overlapping secondment of theirs
    (at any base) and no second record of the same exchange at the base."""
    _the_person(check, base_id, data, values)
    if check.failed("kind", "person_name", "person_organisation", "mentor_id", "starts_on"):
        return
    exclude = exchange.id if exchange is not None else None
    if values["kind"] == "secondment" and not check.failed("ends_on"):
        other = overlapping_secondment(values, exclude)
        if other is not None:
            check.add(DomainError(
                _l("%(person)s is already on a secondment at %(host)s from %(start)s to %(end)s (base %(base)s); "
                   "one person's secondments may not overlap."),
                field="starts_on", person=values["person_name"], host=other.host_organisation,
                start=other.starts_on.isoformat(), end=other.ends_on.isoformat() if other.ends_on else "…",
                base=db.session.get(Base, other.base_id).code))
            return  # the same secondment recorded again overlaps itself: said once
    duplicate = db.session.scalar(select(Exchange.id).where(
        Exchange.base_id == base_id, Exchange.kind == values["kind"], Exchange.person_name == values["person_name"],
        Exchange.person_organisation == values["person_organisation"], Exchange.starts_on == values["starts_on"]))
    if duplicate is not None and duplicate != exclude:
        check.add(DomainError(_l("This exchange of %(person)s starting %(start)s is already recorded."),
                              field="starts_on", person=values["person_name"], start=values["starts_on"].isoformat()))


exchanges = records.Kind(Exchange, LABELS, (
    v.Choice("kind", EXCHANGE_KINDS), v.Choice("direction", DIRECTIONS), v.Text("person_title", 100),
    v.Text("host_organisation", 200, required=True), v.Date("starts_on"), v.Date("ends_on", required=False),
    v.Field(_participants, "participants"), v.Text("purpose", 4000), v.Text("projects_joined", 4000),
    v.Text("outcomes", 4000),
), span=("starts_on", "ends_on"), rule=_person_and_dates, record_type="exchange")
create_exchange, update_exchange, delete_exchange = exchanges.create, exchanges.update, exchanges.delete
check_exchange = exchanges.check  # every rule a new or changed exchange must meet, writing nothing (imports)
