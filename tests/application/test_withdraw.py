"""Issue 10 point 5: the university's view of a round: its bases' applications with the quota's
use, submit and withdraw before the deadline (the place is free again), and the state of each."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.application import services
from registry.application.models import FrozenForm
from registry.audit.services import set_actor
from registry.checks import lifecycle
from registry.checks import services as checks
from registry.checks.models import Submission
from registry.checks.queries import quota_use
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from tests.checks.conftest import eligible_base, new_round

D = dt.date


@pytest.fixture
def round_2022(world, monkeypatch):
    monkeypatch.setattr(lifecycle, "today", lambda: D(2022, 11, 10))
    set_actor(db.session, None, "fixture")
    r = new_round(world.admin)
    bases = [eligible_base(f"AP-WD-{i}", world.uni, world.ent) for i in range(4)]
    db.session.commit()
    return world, r, bases


def _used(r, uni):
    return next(q.used for q in quota_use([r.id], [uni.id]))


def test_withdraw_frees_the_quota_place_and_the_base_can_submit_again(round_2022):
    world, r, bases = round_2022
    subs = [checks.submit_base(r, b, actor=world.unicoord, on=D(2022, 11, 1)) for b in bases[:3]]
    assert _used(r, world.uni) == 3
    with pytest.raises(DomainError):  # a ministry university's quota is 3
        checks.submit_base(r, bases[3], actor=world.unicoord, on=D(2022, 11, 2))
    services.withdraw_submission(subs[0], actor=world.unicoord, on=D(2022, 11, 5))
    assert bases[0].status == "preparing" and _used(r, world.uni) == 2
    assert db.session.scalar(select(FrozenForm).where(FrozenForm.base_id == bases[0].id)) is None
    history = lifecycle.state_of(bases[0]).history
    assert [h.to_status for h in history] == ["submitted", "preparing"]
    checks.submit_base(r, bases[3], actor=world.unicoord, on=D(2022, 11, 6))
    assert _used(r, world.uni) == 3
    services.withdraw_submission(subs[1], actor=world.admin, on=D(2022, 11, 7))
    again = checks.submit_base(r, bases[0], actor=world.unicoord, on=D(2022, 11, 8))  # the same base again
    assert again.base_id == bases[0].id and bases[0].status == "submitted" and _used(r, world.uni) == 3


def test_withdraw_refused_after_deadline_after_review_and_for_others(round_2022, monkeypatch):
    world, r, bases = round_2022
    sub = checks.submit_base(r, bases[0], actor=world.unicoord, on=D(2022, 11, 1))
    for user in (world.coord, world.reviewer, world.mentor):
        with pytest.raises(Forbidden):
            services.withdraw_submission(sub, actor=user)
    with pytest.raises(DomainError):
        services.withdraw_submission(sub, actor=world.unicoord, on=D(2022, 11, 16))
    checks.assign_reviewer(r, world.reviewer, actor=world.admin)
    checks.record_review(sub, actor=world.reviewer, score=80, opinion="同意")
    with pytest.raises(DomainError):
        services.withdraw_submission(sub, actor=world.unicoord, on=D(2022, 11, 10))
    assert db.session.get(Submission, sub.id) is not None and bases[0].status == "submitted"


def test_university_round_page_withdraw_button(round_2022, login_as):
    world, r, bases = round_2022
    sub = checks.submit_base(r, bases[0], actor=world.unicoord, on=D(2022, 11, 1))
    db.session.commit()
    client = login_as("unicoord")
    page = client.get(f"/rounds/{r.id}").get_data(as_text=True)
    assert f"/submissions/{sub.id}/withdraw" in page and "quota-table" in page
    response = client.post(f"/submissions/{sub.id}/withdraw")
    assert response.status_code == 302
    assert db.session.get(Submission, sub.id) is None
    assert login_as("coord2").post(f"/submissions/{sub.id}/withdraw").status_code in (403, 404)
