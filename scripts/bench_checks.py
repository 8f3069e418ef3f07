"""The checks area's benchmarks, run by scripts/bench.py on its national-scale data set.

`run(ctx)` first gives the 200 bases what the rules read besides the mentors (governance records,
a jointly trained postgraduate, enterprise capacity, a 2022 application round with submissions,
and a life-cycle history), written with Core statements, then measures, each as the best of N runs
against a floor measured in the same run, the two sides interleaved:

1. eligibility_200: `checks.queries.eligibility_many` of all 200 bases (rules R1–R8) and the
   contract's JSON of each (messages in Chinese and English), against the plain SQL aggregates
   the check needs, only fetched;
2. dashboard_figures: `checks.queries.dashboard` (every base's state, ratio, failing rules, quota
   per university and round) against the same aggregates plus the history and quota SQL;

and reports query counts that must not grow with the number of bases: the check of 20 bases vs
200, the dashboard's figures and the dashboard page (rendered through the app, as an
administrator) for one key field (20 bases) vs all 200.
"""
from __future__ import annotations

import datetime as dt
import random

TARGETS = {"eligibility_200": 3.0, "dashboard_figures": 3.0}

FLOOR_SQL = {
    "bases": """SELECT b.id, b.code, b.cooperation_since, b.excellent_engineer_programme, b.status, u.kind,
                       e.scale, e.rd_focus, e.practice_conditions
                FROM base b JOIN university u ON u.id = b.university_id
                JOIN base_enterprise be ON be.base_id = b.id JOIN enterprise e ON e.id = be.enterprise_id""",
    "ratio": """SELECT b.id, COUNT(DISTINCT CASE WHEN m.side = 'enterprise' THEN a.mentor_id END),
                      COUNT(DISTINCT CASE WHEN m.side = 'university' THEN a.mentor_id END)
                FROM base b
                LEFT JOIN appointment a ON a.base_id = b.id AND a.starts_on <= :d
                     AND (a.ends_on IS NULL OR a.ends_on >= :d)
                     AND NOT EXISTS (SELECT 1 FROM suspension s WHERE s.appointment_id = a.id
                                     AND s.starts_on <= :d AND (s.ends_on IS NULL OR s.ends_on >= :d))
                LEFT JOIN mentor m ON m.id = a.mentor_id
                GROUP BY b.id""",
    "postgraduates": """SELECT s.base_id, COUNT(DISTINCT s.id) FROM student s
                        JOIN mentor_assignment a ON a.student_id = s.id
                        WHERE s.level IN ('master', 'doctoral') AND a.starts_on <= :d GROUP BY s.base_id""",
    "agreements": """SELECT base_id, MAX(signed_on) FROM cooperation_agreement
                     WHERE signed_on <= :d AND (valid_until IS NULL OR valid_until >= :d) GROUP BY base_id""",
    "plans": "SELECT base_id, MAX(adopted_on) FROM training_plan WHERE adopted_on <= :d GROUP BY base_id",
    "arrangements": """SELECT base_id, MAX(established_on) FROM exchange_arrangement
                       WHERE established_on <= :d AND (valid_until IS NULL OR valid_until >= :d) GROUP BY base_id""",
    "regulations": """SELECT DISTINCT base_id, area FROM regulation
                      WHERE issued_on <= :d AND (valid_until IS NULL OR valid_until >= :d)""",
    "submissions": """SELECT s.base_id, s.id, s.round_id, s.university_id, s.submitted_on, r.deadline,
                             r.quota_ministry, r.quota_co_built
                      FROM submission s JOIN application_round r ON r.id = s.round_id WHERE s.submitted_on <= :d""",
    "arrivals": "SELECT round_id, university_id, id FROM submission ORDER BY id",
}
DASHBOARD_SQL = {
    "history": "SELECT * FROM status_change ORDER BY base_id, effective_on, id",
    "quota": "SELECT round_id, university_id, COUNT(*) FROM submission GROUP BY round_id, university_id",
    "rounds": "SELECT * FROM application_round ORDER BY year DESC",
}


def _now():
    return dt.datetime.now(dt.timezone.utc)


def enrich(base_ids: list[int], seed: int = 2022) -> dict:
    """Give every base what R1, R4, R5, R8 and R6/R7 read, and a life-cycle history (Core inserts)."""
    from sqlalchemy import insert, select, update

    from registry.checks.models import ApplicationRound, Cycle, StatusChange, Submission
    from registry.extensions import db
    from registry.governance.models import (REGULATION_AREAS, CooperationAgreement, ExchangeArrangement, Regulation,
                                            TrainingPlan)
    from registry.mentors.models import Appointment, Mentor, MentorAssignment, Student
    from registry.orgs.models import Base, Enterprise

    rng = random.Random(seed)
    stamp = {"created_at": _now(), "updated_at": _now()}
    d0 = dt.date(2020, 3, 1)
    db.session.execute(update(Enterprise).values(scale="约2000人", rd_focus="航空发动机", practice_conditions="项目、实验室"))
    agreements, plans, arrangements, regulations, students = [], [], [], [], []
    for b in base_ids:
        agreements.append({"base_id": b, "title": "合作协议", "document_no": "", "parties": "", "signed_on": d0,
                           "valid_until": None, "notes": "", **stamp})
        plans.append({"base_id": b, "title": "培养方案", "version": "v1", "adopted_on": d0, "authors": "", "notes": "",
                      **stamp})
        if rng.random() < 0.9:  # a tenth lack the exchange arrangement: R4 fails there
            arrangements.append({"base_id": b, "title": "双向交流机制", "established_on": d0, "valid_until": None,
                                 "description": "", **stamp})
        for area in REGULATION_AREAS:
            if area == "quality_evaluation" and rng.random() < 0.2:  # a fifth miss one area: R5 fails
                continue
            regulations.append({"base_id": b, "area": area, "title": area, "document_no": "", "issued_on": d0,
                                "valid_until": None, "summary": "", **stamp})
    for model, rows in ((CooperationAgreement, agreements), (TrainingPlan, plans), (ExchangeArrangement, arrangements),
                        (Regulation, regulations)):
        db.session.execute(insert(model), rows)
    # One jointly trained postgraduate per base, with a university and an enterprise mentor of that base.
    pairs = {}
    for base_id, side, mentor_id in db.session.execute(
            select(Appointment.base_id, Mentor.side, Appointment.mentor_id).join(Mentor, Mentor.id == Appointment.mentor_id)
            .where(Appointment.base_id.in_(base_ids)).order_by(Appointment.id)):
        pairs.setdefault(base_id, {}).setdefault(side, mentor_id)
    for i, b in enumerate(base_ids):
        students.append({"id": i + 1, "base_id": b, "name": f"学生{i}", "student_no": f"BS{i:05d}", "level": "master",
                         "enrolment_year": 2021, "programme": "", "major_project": "", "graduated_on": None,
                         "employment": None, "employer": "", **stamp})
    db.session.execute(insert(Student), students)
    db.session.execute(insert(MentorAssignment), [
        {"base_id": s["base_id"], "student_id": s["id"], "university_mentor_id": pairs[s["base_id"]]["university"],
         "enterprise_mentor_id": pairs[s["base_id"]]["enterprise"], "starts_on": dt.date(2021, 9, 1), "ends_on": None,
         "note": "", **stamp} for s in students])
    # The 2022 round: each university submits what its quota allows; history through to the cycle.
    db.session.execute(insert(ApplicationRound), [{"id": 1, "year": 2022, "name": "2022", "opens_on": dt.date(2022, 9, 1),
                                                   "deadline": dt.date(2022, 11, 15), "quota_ministry": 3,
                                                   "quota_co_built": 2, "notes": "", **stamp}])
    used, subs, history = {}, [], []
    steps = [("preparing", "submitted", dt.date(2022, 11, 1)), ("submitted", "under_review", dt.date(2022, 11, 20)),
             ("under_review", "public_notice", dt.date(2022, 12, 20)), ("public_notice", "recognised", dt.date(2022, 12, 27)),
             ("recognised", "in_construction", dt.date(2023, 1, 1))]
    bases = db.session.execute(select(Base.id, Base.university_id).where(Base.id.in_(base_ids)).order_by(Base.id)).all()
    for base_id, university_id in bases:
        used[university_id] = used.get(university_id, 0) + 1
        subs.append({"id": len(subs) + 1, "round_id": 1, "base_id": base_id, "university_id": university_id,
                     "submitted_on": dt.date(2022, 11, 1), "submitted_by_id": None, "eligible": True,
                     "snapshot": {"version": 1}, **stamp})
        for frm, to, on in steps:
            history.append({"base_id": base_id, "submission_id": len(subs), "from_status": frm, "to_status": to,
                            "effective_on": on, "reason": "bench", "evidence": "", "actor_id": None,
                            "actor_label": "bench", "notice_ends_on": on + dt.timedelta(days=6) if to == "public_notice"
                            else None, "cycle_ends_on": dt.date(2025, 12, 26) if to in ("recognised", "in_construction") else None,
                            "deadline": None, **stamp})
    db.session.execute(insert(Submission), subs)
    db.session.execute(insert(StatusChange), history)
    db.session.execute(insert(Cycle), [{"base_id": base_id, "number": 1, "starts_on": dt.date(2022, 12, 27),
                                        "ends_on": dt.date(2025, 12, 26), "state": "in_construction", **stamp}
                                       for base_id, _university_id in bases])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("student", "submission", "application_round"):
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
    db.session.remove()
    # Freshly written rows cost extra on their first reads (PostgreSQL sets hint bits then): vacuum
    # and analyse first, so that neither side of a comparison pays for the data set's creation.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
    return {"regulations": len(regulations), "students": len(students), "submissions": len(subs),
            "status_changes": len(history)}


class QueryCount:
    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def _count(self, *args):
        self.n += 1

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)


def _fetch_all(statements: dict, as_of):
    from sqlalchemy import text

    from registry.extensions import db

    return {name: db.session.execute(text(sql), {"d": as_of}).all() for name, sql in statements.items()}


def _page_queries(app, engine, path: str) -> int:
    """Queries of one GET of `path` as an administrator (a bench account, dropped with the database)."""
    from sqlalchemy import select

    from registry.auth.models import User
    from registry.extensions import db

    admin = db.session.scalar(select(User).where(User.username == "bench-admin"))
    if admin is None:
        from registry.auth.services import create_user

        admin = create_user("bench-admin", "admin", "bench-password-2026", actor=None)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin.get_id(), True  # id and session generation
    assert client.get(path).status_code == 200  # warm: templates, catalogues
    db.session.remove()
    with QueryCount(engine) as counter:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    db.session.remove()
    return counter.n


def run(ctx: dict) -> dict:
    from registry.checks import queries
    from registry.extensions import db

    compare, repeat, engine = ctx["compare"], ctx["repeat"], ctx["engine"]
    as_of, base_ids = ctx["as_of"], list(ctx["base_ids"])
    added = enrich(base_ids)
    db.session.remove()

    for _ in range(2):  # warm both sides (caches, plans) before any timing
        _fetch_all({**FLOOR_SQL, **DASHBOARD_SQL}, as_of)
        queries.dashboard(as_of)
        db.session.remove()
    checks = queries.eligibility_many(base_ids, as_of)  # and a sanity check of the figures
    failing = {}
    for check in checks.values():
        for result in check.failing:
            failing[result.id] = failing.get(result.id, 0) + 1
    floor = _fetch_all(FLOOR_SQL, as_of)
    assert len(floor["ratio"]) == len(checks) == len(base_ids)
    db.session.remove()

    def ours_check():  # the check and its full output: the contract's JSON, messages in both languages
        [check.as_json() for check in queries.eligibility_many(base_ids, as_of).values()]
        db.session.remove()

    def floor_check():
        _fetch_all(FLOOR_SQL, as_of)
        db.session.remove()

    t_ours, t_floor = compare(repeat * 2, ours_check, floor_check)  # interleaved
    with QueryCount(engine) as q20:
        queries.eligibility_many(base_ids[:20], as_of)
    db.session.remove()
    with QueryCount(engine) as q200:
        queries.eligibility_many(base_ids, as_of)
    db.session.remove()
    results = {"eligibility_200": _entry(t_ours, t_floor, TARGETS["eligibility_200"], bases=len(base_ids),
                                         failing_rules=failing, queries_20_bases=q20.n, queries_200_bases=q200.n,
                                         queries_passed=q20.n == q200.n, data_added=added)}

    def ours_dashboard():
        data = queries.dashboard(as_of)
        data.status_counts, data.failing_counts, data.ratio_counts  # noqa: B018 (what the page reads)
        db.session.remove()

    def floor_dashboard():
        _fetch_all({**FLOOR_SQL, **DASHBOARD_SQL}, as_of)
        db.session.remove()

    t_ours, t_floor = compare(repeat * 2, ours_dashboard, floor_dashboard)  # interleaved
    with QueryCount(engine) as f20:
        queries.dashboard(as_of, field="ai")  # 20 of the 200 bases
    db.session.remove()
    with QueryCount(engine) as f200:
        queries.dashboard(as_of)
    db.session.remove()
    page20 = _page_queries(ctx["app"], engine, f"/dashboard?as_of={as_of.isoformat()}&field=ai")
    page200 = _page_queries(ctx["app"], engine, f"/dashboard?as_of={as_of.isoformat()}")
    results["dashboard_figures"] = _entry(t_ours, t_floor, TARGETS["dashboard_figures"], bases=len(base_ids),
                                          queries_20_bases=f20.n, queries_200_bases=f200.n,
                                          page_queries_20_bases=page20, page_queries_200_bases=page200,
                                          queries_passed=f20.n == f200.n and page20 == page200)
    return results


def _entry(ours: float, floor: float, target: float, **extra) -> dict:
    ratio = ours / floor if floor else float("inf")
    passed = ratio <= target and all(v for k, v in extra.items() if k.endswith("_passed"))
    return {"ours_s": round(ours, 4), "baseline_s": round(floor, 4), "ratio": round(ratio, 3), "target": target,
            "passed": passed, **extra}
