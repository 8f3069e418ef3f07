import datetime as dt

import pytest

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor


def add_team(base, enterprise: int, university: int, prefix: str, start=dt.date(2023, 1, 1), phone="13812345678"):
    people = []
    for side, count in (("enterprise", enterprise), ("university", university)):
        for i in range(count):
            person = Mentor(name=f"{prefix}{side[0]}{i}", side=side, organisation=f"{prefix}-{side}",
                            staff_no=f"{prefix}-{side[0]}-{i}", phone=phone, email=f"{prefix}{i}@example.com")
            db.session.add(person)
            people.append(person)
    db.session.flush()
    db.session.add_all(Appointment(base_id=base.id, mentor_id=p.id, starts_on=start) for p in people)
    db.session.flush()
    return people


@pytest.fixture
def ratio_world(world):
    """SF-AP-01: 10 enterprise (the world's own mentor + 9) of 30 → meets; SL-SO-01: 1 of 4 → fails."""
    add_team(world.base, 9, 20, "A")
    add_team(world.base2, 1, 3, "B")
    db.session.commit()
    return world
