"""What the services of every record kind share (exchanges, teaching, governance, quality): write a
record's checked values, and delete a record together with the evidence files hung on it.

Each kind's own services check the values (`registry.values`) and then call these; like every
service they flush, never commit, and take the acting user as keyword-only `actor`.
"""
from __future__ import annotations

from sqlalchemy import select

from registry import values as v
from registry.errors import Checks, DomainError
from registry.evidence import services as evidence
from registry.extensions import db
from registry.mentors.queries import mentor_of_base


def create(record, *, actor):
    """Add a new record whose values are already checked."""
    db.session.add(record)
    db.session.flush()
    return record


def update(record, values: dict, *, actor):
    """Give a record its newly checked values."""
    for key, value in values.items():
        setattr(record, key, value)
    db.session.flush()
    return record


def delete(record_type: str, record, *, actor) -> None:
    """Delete a record of any kind and, with it, every evidence file hung on it."""
    evidence.delete_for_record(record_type, record.id, actor=actor)
    db.session.delete(record)
    db.session.flush()


def unlink(model, column: str, parent_id: int) -> None:
    """Clear links to a record being deleted, through the ORM so the audit log records each."""
    for obj in db.session.scalars(select(model).where(getattr(model, column) == parent_id)):
        setattr(obj, column, None)


def roster_person(check: Checks, data: dict, base_id: int, labels: dict, sides: dict) -> dict:
    """Name, side and organisation of a member: from the roster when a mentor is chosen (`mentor_id`),
    else as typed."""
    try:
        mentor = mentor_of_base(data, "mentor_id", base_id)
    except DomainError as exc:  # an unknown mentor: the typed person is not asked for
        check.add(exc)
        return {"mentor_id": None, "name": None, "organisation": None, "side": None}
    if mentor is not None:
        return {"mentor_id": mentor.id, "name": mentor.name, "organisation": mentor.organisation,
                "side": mentor.side}
    typed = (v.Text("name", 100, required=True), v.Text("organisation", 200, required=True), v.Choice("side", sides))
    return {"mentor_id": None, **v.read(check, typed, data, labels, base_id)}


class Kind:
    """The create/update/delete services of one record kind, and its check without writing.

    `values(owner, data, record=None)` checks a data dict and returns the record's values; the owner
    is the base's id for a record of a base (`owner="base_id"`), or the parent record for a member
    (`owner="group"`, "team", "project"). Every broken rule is reported at once (a DomainErrors):

    - `fields`: the record's values (`registry.values.Text`, `Date`, `Link`…), labelled from `labels`;
    - `person` (the sides a member may take): a member's name, organisation and side, or its roster mentor;
    - `span` = (start, end): the end date is not before the start;
    - `unique` = (column, message): no two records of the base share that column;
    - `rule(check, owner, data, values, record)`: the kind's own rules, reported to `check`
      (a `registry.errors.Checks`); `check.ok` says whether every value so far is sound.

    A kind with a `record_type` carries evidence files, deleted with it; `unlinks` lists the
    (model, column) links to clear first.
    """

    def __init__(self, model, labels: dict, fields: tuple = (), *, person: dict | None = None, rule=None,
                 owner: str = "base_id", record_type: str | None = None, unique: tuple | None = None,
                 span: tuple | None = None, unlinks: tuple = ()):
        self.model, self.labels, self.fields, self.person, self.rule = model, labels, fields, person, rule
        self.owner, self.record_type, self.unique, self.span, self.unlinks = owner, record_type, unique, span, unlinks

    def values(self, owner, data: dict, record=None) -> dict:
        base_id = owner if self.owner == "base_id" else owner.base_id
        check = Checks()
        values = roster_person(check, data, base_id, self.labels, self.person) if self.person is not None else {}
        values.update(v.read(check, self.fields, data, self.labels, base_id))
        if self.span is not None:
            start, end = self.span
            check(v.end_not_before_start, values[start], values[end], end)
        if self.unique is not None and values[self.unique[0]] is not None:
            column, message = self.unique
            check(v.unique, self.model, owner, record, column, message, **{column: values[column]})
        if self.rule is not None:
            self.rule(check, owner, data, values, record)
        check.done()
        return values

    def _owner_of(self, parent):
        return parent.id if self.owner == "base_id" else parent

    def create(self, parent, data: dict, *, actor):
        owner = self._owner_of(parent)
        values = self.values(owner, data)  # before the new record joins its parent's collection
        return create(self.model(**{self.owner: owner}, **values), actor=actor)

    def update(self, record, data: dict, *, actor):
        return update(record, self.values(getattr(record, self.owner), data, record), actor=actor)

    def delete(self, record, *, actor) -> None:
        for model, column in self.unlinks:
            unlink(model, column, record.id)
        if self.record_type is None:
            db.session.delete(record)
            db.session.flush()
        else:
            delete(self.record_type, record, actor=actor)

    def check(self, base, data: dict, record=None) -> dict:
        return self.values(base.id, data, record)
