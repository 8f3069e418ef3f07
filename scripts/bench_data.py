"""The synthetic national-scale data set of scripts/bench.py (import it; it is not a command).

200 bases (100 universities, 200 partner enterprises), 40,000 mentors (about 40 % enterprise),
120,000 appointments: each person holds two successive appointments (a renewal) at a home base
and one at a second base; about 5 % are suspended (a dated period), some have ended. Written with Core executemany
in chunks, in a few seconds. Deterministic (a fixed random seed), so runs compare.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert

from registry.extensions import db
from registry.mentors.models import Appointment, Mentor, Suspension
from registry.models_common import utcnow
from registry.orgs.models import Base, Enterprise, University, base_enterprise

FIELDS = ("energetic_materials", "aerospace_propulsion", "ict", "key_software", "new_materials",
          "aeroengines_gas_turbines", "ships_ocean", "ai", "integrated_circuits", "ordnance")
TITLES = ("教授", "副教授", "研究员", "正高级工程师", "高级工程师", "工程师")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _chunks(rows, size=5000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(table, rows):
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)


def build(bases: int = 200, mentors: int = 40_000, seed: int = 2024) -> dict:
    """Create the data set in the current app's database; return what the benchmarks need."""
    rng = random.Random(seed)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    universities = bases // 2
    _insert(University.__table__, [{"id": i + 1, "name": f"基准大学{i + 1:03d}", "province": "北京",
                                    "kind": "ministry" if i < 7 else "co_built", **stamp} for i in range(universities)])
    _insert(Enterprise.__table__, [{"id": i + 1, "name": f"基准研究院{i + 1:03d}", "sector": "aerospace", "scale": "",
                                    "rd_focus": "", "practice_conditions": "", **stamp} for i in range(bases)])
    base_rows = [{"id": i + 1, "code": f"BM-{FIELDS[i % 10][:2].upper()}-{i + 1:03d}", "name": f"基准示范基地{i + 1:03d}",
                  "field": FIELDS[i % 10], "university_id": i % universities + 1,
                  "cooperation_since": dt.date(2018 + i % 4, 9, 1), "status": "in_construction",
                  "max_students_per_mentor": 5, "description": "", "excellent_engineer_programme": False, **stamp}
                 for i in range(bases)]
    _insert(Base.__table__, base_rows)
    _insert(base_enterprise, [{"base_id": i + 1, "enterprise_id": i + 1} for i in range(bases)])

    mentor_rows, appointment_rows, suspension_rows = [], [], []
    for i in range(mentors):
        home = i % bases + 1
        enterprise = rng.random() < 0.4
        organisation = (f"基准研究院{home:03d}" if enterprise
                        else f"基准大学{(home - 1) % universities + 1:03d}")
        mentor_rows.append({
            "id": i + 1, "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "side": "enterprise" if enterprise else "university", "organisation": organisation,
            "staff_no": f"S{i + 1:06d}", "title": rng.choice(TITLES), "degree": "博士", "expertise": "",
            "email": f"m{i + 1}@example.com", "phone": f"13{rng.randrange(10 ** 9):09d}", "biography": "", **stamp})
        first = dt.date(2017 + rng.randrange(5), 1 + rng.randrange(12), 1)
        renewal = first.replace(year=first.year + 3)
        ended = rng.random() < 0.15
        suspended = rng.random() < 0.05  # the renewal is suspended from some day on, until resumed
        state = "ended" if ended else "active"
        other = (home + rng.randrange(bases - 1)) % bases + 1  # any base but home
        appointment_rows += [
            {"base_id": home, "mentor_id": i + 1, "starts_on": first, "ends_on": renewal - dt.timedelta(days=1),
             "state": "active", "reason": "", **stamp},
            {"base_id": home, "mentor_id": i + 1, "starts_on": renewal,
             "ends_on": renewal.replace(year=renewal.year + 2) if ended else None, "state": state, "reason": "",
             **stamp},
            {"base_id": other, "mentor_id": i + 1, "starts_on": dt.date(2020 + rng.randrange(4), 3, 1),
             "ends_on": None, "state": "active", "reason": "", **stamp},
        ]
        for offset, row in enumerate(appointment_rows[-3:]):
            row["id"] = len(appointment_rows) - 2 + offset
        if suspended:
            suspension_rows.append({"appointment_id": appointment_rows[-2]["id"], "base_id": home,
                                    "starts_on": renewal + dt.timedelta(days=rng.randrange(300)), "ends_on": None,
                                    "reason": "", "recorded_by_id": None, "recorded_at": stamp["created_at"]})
    _insert(Mentor.__table__, mentor_rows)
    _insert(Appointment.__table__, appointment_rows)
    _insert(Suspension.__table__, suspension_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("base", "mentor", "appointment", "suspension"):
            db.session.execute(db.text(f"ANALYZE {table}"))
            db.session.commit()
    elif db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in ("university", "enterprise", "base", "mentor", "appointment"):
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
    return {"bases": bases, "universities": universities, "enterprises": bases, "mentors": len(mentor_rows),
            "appointments": len(appointment_rows), "base_ids": [b["id"] for b in base_rows],
            "base_codes": [b["code"] for b in base_rows]}
