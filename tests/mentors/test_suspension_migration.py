"""The `suspension_periods` migration: today's suspended flags become open periods starting on the day the
audit log shows the suspension was made (in the registry's time zone), else on the day the appointment row
was last changed; the appointment becomes active again and its reason moves to the period."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, String, insert, select

from registry import create_app
from registry.extensions import db
from tests.foundation.test_migrations import BACKENDS, empty_database, logging_kept


def _row(_table, **values):
    """Values for every NOT NULL column the test does not care about."""
    now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for column in _table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        t = column.type
        values[column.name] = (now if isinstance(t, DateTime) else dt.date(2020, 1, 1) if isinstance(t, Date)
                               else False if isinstance(t, Boolean) else 0 if isinstance(t, Integer) else "")
    return values


@pytest.mark.parametrize("backend", BACKENDS)
def test_suspended_flags_become_open_periods_dated_from_the_audit_log(backend, tmp_path):
    from flask_migrate import downgrade, upgrade

    with empty_database(backend, tmp_path) as url:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with logging_kept(), app.app_context():
            engine = db.engine
            upgrade(revision="ab656315a8da")
            meta = MetaData()
            meta.reflect(engine)
            t = meta.tables
            with engine.begin() as conn:
                conn.execute(insert(t["user"]).values(_row(t["user"], id=1, username="coord", role="base_coordinator")))
                conn.execute(insert(t["university"]).values(_row(t["university"], id=1, name="示范工业大学",
                                                                 kind="ministry")))
                conn.execute(insert(t["base"]).values(_row(t["base"], id=1, code="SF-AP-01", university_id=1,
                                                           field="ai", status="preparing")))
                for i in (1, 2, 3):
                    conn.execute(insert(t["mentor"]).values(_row(t["mentor"], id=i, name=f"人{i}", side="enterprise",
                                                                 organisation="星海", staff_no=f"E{i}")))
                rows = [  # id, start, state, reason, updated_at
                    (1, dt.date(2020, 1, 1), "suspended", "出国", dt.datetime(2025, 6, 1, 3, tzinfo=dt.timezone.utc)),
                    (2, dt.date(2020, 1, 1), "suspended", "病休", dt.datetime(2025, 8, 1, 3, tzinfo=dt.timezone.utc)),
                    (3, dt.date(2020, 1, 1), "active", "", dt.datetime(2025, 8, 1, 3, tzinfo=dt.timezone.utc)),
                ]
                for i, start, state, reason, updated in rows:
                    conn.execute(insert(t["appointment"]).values(_row(
                        t["appointment"], id=i, base_id=1, mentor_id=i, starts_on=start, state=state, reason=reason,
                        updated_at=updated)))
                audit = t["audit_entry"]
                # Appointment 1 was suspended at 17:30 UTC on 29 Feb 2024: 1 March in Beijing. An earlier
                # suspension (resumed since) must not count; nor must other tables' entries.
                for at, record, table, changes in (
                        (dt.datetime(2022, 5, 1, 2, tzinfo=dt.timezone.utc), 1, "appointment",
                         {"state": ["active", "suspended"]}),
                        (dt.datetime(2022, 9, 1, 2, tzinfo=dt.timezone.utc), 1, "appointment",
                         {"state": ["suspended", "active"]}),
                        (dt.datetime(2024, 2, 29, 17, 30, tzinfo=dt.timezone.utc), 1, "appointment",
                         {"state": ["active", "suspended"], "reason": ["", "出国"]}),
                        (dt.datetime(2024, 3, 5, 2, tzinfo=dt.timezone.utc), 2, "mentor",
                         {"state": ["active", "suspended"]})):
                    conn.execute(insert(audit).values(_row(audit, at=at, actor_id=1, actor_label="coord",
                                                           action="update", table=table, record_id=record,
                                                           changes=changes)))
            upgrade()
            meta = MetaData()
            meta.reflect(engine)
            with engine.connect() as conn:
                periods = {r.appointment_id: r for r in conn.execute(select(meta.tables["suspension"]))}
                states = dict(conn.execute(select(meta.tables["appointment"].c.id, meta.tables["appointment"].c.state)).all())
            downgrade(revision="ab656315a8da")
            with engine.connect() as conn:
                back = dict(conn.execute(select(t["appointment"].c.id, t["appointment"].c.state)).all())
            engine.dispose()
    assert set(periods) == {1, 2}
    one, two = periods[1], periods[2]
    assert (str(one.starts_on)[:10], one.ends_on, one.reason, one.recorded_by_id) == ("2024-03-01", None, "出国", 1)
    # No audit entry of appointment 2: the day it was last changed (updated_at, 1 August 2025 in Beijing).
    assert (str(two.starts_on)[:10], two.ends_on, two.reason, two.recorded_by_id) == ("2025-08-01", None, "病休", None)
    assert states == {1: "active", 2: "active", 3: "active"}
    assert back == {1: "suspended", 2: "suspended", 3: "active"}
