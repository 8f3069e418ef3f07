"""Mentor lists and counts other areas read. The ratio lives here too (one source of truth)."""
from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor


def find_mentor(organisation: str, staff_no: str) -> Mentor | None:
    return db.session.scalar(select(Mentor).where(Mentor.organisation == organisation, Mentor.staff_no == staff_no))


def base_ids_of_mentor(mentor_id: int) -> list[int]:
    return list(db.session.scalars(select(Appointment.base_id).where(Appointment.mentor_id == mentor_id).distinct()))
