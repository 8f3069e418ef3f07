"""`notify send` runs a fixed number of queries, whatever the number of bases."""
from __future__ import annotations

import datetime as dt

from registry.extensions import db
from tests.conftest import PASSWORD, count_queries
from tests.notify.conftest import add_mentor, commit, send, set_status


def add_bases(world, start: int, count: int):
    from registry.auth.services import create_user
    from registry.orgs import services as orgs

    for i in range(start, start + count):
        base = orgs.create_base(f"SC-{i:03d}", name=f"规模基地{i}", university=world.uni, enterprises=[world.ent],
                                field="aerospace_propulsion", cooperation_since=dt.date(2018, 1, 1))
        add_mentor(base, f"企业{i}", "enterprise", f"SE{i}", ends_on=dt.date(2024, 9, 15))
        add_mentor(base, f"校内{i}a", "university", f"SU{i}a")
        add_mentor(base, f"校内{i}b", "university", f"SU{i}b")
        set_status(base, ("recognised", dt.date(2023, 1, 10), None), ("in_construction", dt.date(2023, 1, 10), None),
                   ("rectification", dt.date(2024, 6, 1), dt.date(2024, 9, 25)))
        create_user(f"coord-{i}", "base_coordinator", PASSWORD, bases=[base], email=f"coord-{i}@example.edu")
    commit()


def test_query_count_does_not_grow_with_bases(runner, world, mail_config):
    world.unicoord.email = "unicoord@example.edu"
    db.session.flush()
    add_bases(world, 0, 2)
    with count_queries() as small:
        result = send(runner)
    assert "notified: 3 users, 20 messages, 3 emails" in result.output
    add_bases(world, 2, 8)
    with count_queries() as large:
        result = send(runner)
    assert "notified: 9 users, 80 messages, 9 emails" in result.output
    assert len(mail_config.received) == 12
    assert large() == small(), (small(), large())
    assert small() < 40
