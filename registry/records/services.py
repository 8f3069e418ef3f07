"""What the services of every record kind share (exchanges, teaching, governance, quality): write a
record's checked values, and delete a record together with the evidence files hung on it.

Each kind's own services check the values (`registry.values`) and then call these; like every
service they flush, never commit, and take the acting user as keyword-only `actor`.
"""
from __future__ import annotations

from registry.evidence import services as evidence
from registry.extensions import db


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
