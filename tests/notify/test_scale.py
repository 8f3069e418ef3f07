"""`notify send` runs a fixed number of queries, whatever the number of bases."""
from __future__ import annotations

import datetime as dt

from registry.extensions import db
from tests.conftest import PASSWORD, count_queries
from tests.notify.conftest import add_mentor, commit, notifications, send, set_status


def add_bases(world, start: int, count: int):
    from sqlalchemy import select

    from registry.auth.services import create_user
    from registry.checks.models import AnnualReport, Cycle, Objection, SummaryReport
    from registry.orgs import services as orgs

    for i in range(start, start + count):
        base = orgs.create_base(f"SC-{i:03d}", name=f"规模基地{i}", university=world.uni, enterprises=[world.ent],
                                field="aerospace_propulsion", cooperation_since=dt.date(2018, 1, 1), actor=None)
        add_mentor(base, f"企业{i}", "enterprise", f"SE{i}", ends_on=dt.date(2024, 9, 15))
        add_mentor(base, f"校内{i}a", "university", f"SU{i}a")
        add_mentor(base, f"校内{i}b", "university", f"SU{i}b")
        set_status(base, ("recognised", dt.date(2023, 1, 10), None), ("in_construction", dt.date(2023, 1, 10), None),
                   ("rectification", dt.date(2024, 6, 1), dt.date(2024, 9, 25)))
        # A base whose cycle ends on 2024-09-19 (its annual reports on record): its summary report is due,
        # missing on even bases, without its signed document on odd ones.
        ending = orgs.create_base(f"SR-{i:03d}", name=f"周期基地{i}", university=world.uni, enterprises=[world.ent],
                                  field="aerospace_propulsion", cooperation_since=dt.date(2018, 1, 1), actor=None)
        set_status(ending, ("recognised", dt.date(2021, 9, 20), None), ("in_construction", dt.date(2021, 9, 20), None))
        cycle = db.session.scalar(select(Cycle).where(Cycle.base_id == ending.id))
        db.session.add_all(AnnualReport(base_id=ending.id, cycle_id=cycle.id, year=k, plan="计划", summary="总结")
                           for k in (1, 2, 3))
        if i % 2:
            db.session.add(SummaryReport(base_id=ending.id, cycle_id=cycle.id, reported_on=dt.date(2024, 8, 1),
                                         overview="总结", built={}, figures={}))
        # A base in its public notice with one open objection (to the administrators).
        notice = orgs.create_base(f"PN-{i:03d}", name=f"公示基地{i}", university=world.uni2, enterprises=[world.ent2],
                                  field="ships_ocean", cooperation_since=dt.date(2018, 1, 1), actor=None)
        set_status(notice, ("submitted", dt.date(2024, 7, 1), None), ("under_review", dt.date(2024, 7, 10), None),
                   ("public_notice", dt.date(2024, 8, 28), None))
        db.session.add(Objection(base_id=notice.id, raised_by=f"异议人{i}", received_on=dt.date(2024, 8, 29),
                                 content="异议"))
        create_user(f"coord-{i}", "base_coordinator", PASSWORD, bases=[base, ending], email=f"coord-{i}@example.edu", actor=None)
    commit()


def test_query_count_does_not_grow_with_bases(runner, world, mail_config):
    world.unicoord.email = "unicoord@example.edu"
    db.session.flush()
    add_bases(world, 0, 2)
    with count_queries() as small:
        result = send(runner)
    # Per pair of bases: 5 events of the base in rectification and 1 summary report due, to its coordinator
    # and the university coordinator; 1 objection to the administrator (no address: in the app only).
    assert "notified: 4 users, 26 messages, 3 emails" in result.output
    add_bases(world, 2, 8)
    with count_queries() as large:
        result = send(runner)
    assert "notified: 10 users, 104 messages, 9 emails" in result.output
    assert len(mail_config.received) == 12
    kinds = {n.kind for n in notifications()}
    assert {"summary_report_due", "objection_recorded"} <= kinds
    assert len(notifications(world.admin, "objection_recorded")) == 10
    assert len(notifications(world.unicoord, "summary_report_due")) == 10
    assert large() == small(), (small(), large())
    assert small() < 40
