"""The demo data: the 2022 round and SF-AP-01's life through to the construction cycle, loaded by
`flask demo load` after the other areas' demo records."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry.checks import lifecycle
from registry.checks.models import ApplicationRound, PlanTarget, Submission
from registry.checks.queries import eligibility_of
from registry.extensions import db
from registry.orgs.models import Base


def test_demo_round_and_history(runner, monkeypatch):
    monkeypatch.setattr("registry.demo.ensure_schema", lambda: None)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    r = db.session.scalar(select(ApplicationRound).where(ApplicationRound.year == 2022))
    assert r.deadline == dt.date(2022, 11, 15) and (r.quota_ministry, r.quota_co_built) == (3, 2)
    base = db.session.scalar(select(Base).where(Base.code == "SF-AP-01"))
    state = lifecycle.state_of(base)
    assert base.status == "in_construction"
    assert [c.to_status for c in state.history] == ["submitted", "under_review", "public_notice", "recognised",
                                                    "in_construction"]
    assert (state.notice_starts_on, state.notice_ends_on) == (dt.date(2022, 12, 26), dt.date(2023, 1, 1))
    assert (state.cycle_starts_on, state.cycle_ends_on) == (dt.date(2023, 1, 5), dt.date(2026, 1, 4))
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    assert sub.snapshot["eligibility"]["eligible"] and sub.submitted_on == dt.date(2022, 11, 10)
    assert db.session.scalar(select(db.func.count()).select_from(PlanTarget).where(PlanTarget.base_id == base.id)) > 0
    preparing = db.session.scalar(select(Base).where(Base.code == "SF-AI-02"))
    check = eligibility_of(preparing, dt.date.today())
    assert preparing.status == "preparing" and [r.id for r in check.failing] == ["R2"]
