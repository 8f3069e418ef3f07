"""Migration `construction_cycles` moves existing data: every recognised base gets cycle 1 (from its
recognition to + 3 years - 1 day), plan targets and annual reports of calendar years move to the
construction years of that cycle, and the step's recorded cycle end loses its extra day. On SQLite,
and on PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from registry import create_app
from tests.foundation.test_migrations import BACKENDS, empty_database, logging_kept

D = dt.date
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _seed(conn):
    stamp = {"c": NOW, "u": NOW}
    conn.execute(text("INSERT INTO university (id, name, kind, province, created_at, updated_at) "
                      "VALUES (1, '示范工业大学', 'ministry', '北京', :c, :u)"), stamp)
    for base_id, code, status in ((1, "OLD-01", "in_construction"), (2, "OLD-02", "rectification"),
                                  (3, "OLD-03", "under_review")):
        conn.execute(text("INSERT INTO base (id, code, name, field, university_id, cooperation_since, status, "
                          "max_students_per_mentor, description, excellent_engineer_programme, created_at, updated_at) "
                          "VALUES (:id, :code, :code, 'ai', 1, :since, :status, 5, '', false, :c, :u)"),
                     {"id": base_id, "code": code, "since": D(2019, 1, 1), "status": status, **stamp})
    steps = [(1, "public_notice", "recognised", D(2022, 12, 27), None, None),
             (1, "recognised", "in_construction", D(2023, 1, 1), D(2025, 12, 27), None),
             (2, "public_notice", "recognised", D(2024, 2, 29), None, None),
             (2, "recognised", "in_construction", D(2024, 3, 1), D(2027, 2, 28), None),
             (2, "in_construction", "rectification", D(2026, 11, 1), None, D(2027, 6, 30))]
    for base_id, frm, to, on, cycle_end, deadline in steps:
        conn.execute(text("INSERT INTO status_change (base_id, from_status, to_status, effective_on, reason, evidence, "
                          "actor_label, cycle_ends_on, deadline, created_at, updated_at) VALUES "
                          "(:b, :frm, :to, :on, 'x', '', 'old', :end, :deadline, :c, :u)"),
                     {"b": base_id, "frm": frm, "to": to, "on": on, "end": cycle_end, "deadline": deadline, **stamp})
    for base_id, year, value in ((1, 2022, 10), (1, 2023, 12), (1, 2024, 14), (2, 2024, 3), (2, 2026, 5)):
        conn.execute(text("INSERT INTO plan_target (base_id, indicator, year, value, created_at, updated_at) "
                          "VALUES (:b, 'mentors_total', :y, :v, :c, :u)"), {"b": base_id, "y": year, "v": value, **stamp})
    conn.execute(text("INSERT INTO annual_report (base_id, year, plan, summary, created_at, updated_at) "
                      "VALUES (1, 2024, '2024计划', '2024总结', :c, :u)"), stamp)


@pytest.mark.parametrize("backend", BACKENDS)
def test_plan_data_moves_to_construction_years(backend, tmp_path):
    from flask_migrate import downgrade, upgrade

    with empty_database(backend, tmp_path) as url:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with logging_kept(), app.app_context():
            upgrade(revision="ab656315a8da")
            engine = create_engine(url)
            with engine.begin() as conn:
                _seed(conn)
            upgrade(revision="construction_cycles")
            with engine.connect() as conn:
                cycles = conn.execute(text("SELECT base_id, number, starts_on, ends_on, state FROM construction_cycle "
                                           "ORDER BY base_id")).all()
                targets = conn.execute(text("SELECT t.base_id, c.number, t.year, t.value FROM plan_target t "
                                            "JOIN construction_cycle c ON c.id = t.cycle_id "
                                            "ORDER BY t.base_id, t.year")).all()
                reports = conn.execute(text("SELECT base_id, year, summary FROM annual_report")).all()
                ends = conn.execute(text("SELECT base_id, cycle_ends_on FROM status_change "
                                         "WHERE to_status = 'in_construction' ORDER BY base_id")).all()
            day = lambda v: v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])  # noqa: E731
            assert [(b, n, day(s), day(e), st) for b, n, s, e, st in cycles] == [
                (1, 1, D(2022, 12, 27), D(2025, 12, 26), "in_construction"),
                (2, 1, D(2024, 2, 29), D(2027, 2, 27), "rectification")]  # base 3 is not recognised: no cycle
            assert [tuple(r) for r in targets] == [(1, 1, 1, 10), (1, 1, 2, 12), (1, 1, 3, 14), (2, 1, 1, 3),
                                                   (2, 1, 3, 5)]
            assert [tuple(r) for r in reports] == [(1, 3, "2024总结")]  # 2024 was the plan's third year
            assert [(b, day(e)) for b, e in ends] == [(1, D(2025, 12, 26)), (2, D(2027, 2, 27))]
            downgrade(revision="ab656315a8da")
            with engine.connect() as conn:
                back = conn.execute(text("SELECT base_id, year, value FROM plan_target ORDER BY base_id, year")).all()
            assert [tuple(r) for r in back] == [(1, 2022, 10), (1, 2023, 12), (1, 2024, 14), (2, 2024, 3),
                                                (2, 2026, 5)]
            engine.dispose()
