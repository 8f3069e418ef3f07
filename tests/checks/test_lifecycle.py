"""The life cycle as a table: every allowed step passes for the administrator; every other step,
and every step by any other role, is refused with a message; each step is dated, reasoned, audited."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.authz import ROLES
from registry.checks import lifecycle, services
from registry.checks.models import StatusChange
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from registry.orgs.models import BASE_STATUSES
from tests.checks.conftest import eligible_base, summary_report, walk_to

D = dt.date
STATES = list(BASE_STATUSES)


# The life of a base as issue 5 states it, written out here rather than read from the code under test:
# submitted → under review → public notice → recognised → in construction → passed, or rectification
# → passed or revoked; not recognised after the review or the notice.
ALLOWED = {
    ("submitted", "under_review"), ("under_review", "public_notice"), ("under_review", "not_recognised"),
    ("public_notice", "recognised"), ("public_notice", "not_recognised"), ("recognised", "in_construction"),
    ("in_construction", "passed"), ("in_construction", "rectification"), ("rectification", "passed"),
    ("rectification", "revoked"), ("passed", "in_construction"),  # issue 9: a passed base starts its next cycle
}


def test_the_code_allows_exactly_the_life_cycle_of_the_issue():
    assert set(lifecycle.TRANSITIONS) == ALLOWED


def _valid_date(state: lifecycle.LifecycleState) -> dt.date:
    """A date that satisfies every date rule of the next step from `state`."""
    day = (state.last_date or D(2022, 11, 1)) + dt.timedelta(days=1)
    if state.status == "public_notice":
        day = state.notice_ends_on + dt.timedelta(days=1)
    if state.status == "in_construction":
        day = state.cycle_ends_on + dt.timedelta(days=1)  # the evaluation, from the day after the cycle
    if state.status == "rectification":
        day = state.rectification_deadline  # a revocation, from the deadline on
    return day


@pytest.mark.parametrize("from_status", STATES)
def test_transition_table(world, from_status):
    set_actor(db.session, None, "fixture")
    base = eligible_base(f"LC-{STATES.index(from_status)}", world.uni, world.ent)
    walk_to(base, from_status, world)
    assert base.status == from_status
    state = lifecycle.state_of(base)
    if from_status == "under_review":  # the public notice follows a review (tested on its own below)
        services.record_review(lifecycle.submission_of_state(state), actor=world.reviewer, score=80, opinion="同意")
    if from_status == "in_construction":  # the evaluation needs the summary report (tested on its own)
        summary_report(base, world.admin)
    day = _valid_date(state)
    outcomes = []
    for to_status in STATES:
        for role in ROLES:
            user = world.users[role]
            savepoint = db.session.begin_nested()
            try:
                change = lifecycle.transition(base, to_status, actor=user, effective_on=day, reason="表驱动测试",
                                              deadline=day + dt.timedelta(days=90),
                                              grade="fail" if to_status == "rectification" else "good")
                outcomes.append((to_status, role, "passed"))
                assert base.status == to_status and change.from_status == from_status
            except Forbidden as exc:
                outcomes.append((to_status, role, "forbidden"))
                assert exc.zh and exc.en and exc.zh != exc.en
            except DomainError as exc:
                outcomes.append((to_status, role, "refused"))
                assert exc.zh and exc.en
                assert base.status == from_status
            finally:
                savepoint.rollback()
                db.session.expire_all()
    expected = []
    for to_status in STATES:
        for role in ROLES:
            if role != "admin":
                expected.append((to_status, role, "forbidden"))
            elif (from_status, to_status) in ALLOWED:
                expected.append((to_status, role, "passed"))
            else:
                expected.append((to_status, role, "refused"))
    assert outcomes == expected


def test_only_the_university_coordinator_or_the_administrator_submits(world):
    from tests.checks.conftest import new_round

    set_actor(db.session, None, "fixture")
    r = new_round(world.admin)
    other_uni_base = eligible_base("SUB-2", world.uni2, world.ent)
    for role in ROLES:
        base = eligible_base(f"SUB-R{ROLES.index(role)}", world.uni, world.ent)
        savepoint = db.session.begin_nested()
        try:
            if role in ("admin", "university_coordinator"):
                services.submit_base(r, base, actor=world.users[role], on=D(2022, 11, 1))
                assert base.status == "submitted"
            else:
                with pytest.raises(Forbidden):
                    services.submit_base(r, base, actor=world.users[role], on=D(2022, 11, 1))
        finally:
            savepoint.rollback()
    with pytest.raises(Forbidden):  # another university's base
        services.submit_base(r, other_uni_base, actor=world.unicoord, on=D(2022, 11, 1))


def test_an_illegal_step_names_the_allowed_ones(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("LC-ILL", world.uni, world.ent)
    walk_to(base, "submitted", world)
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 11, 2), reason="跳过")
    assert "cannot go from Submitted to Recognised" in exc.value.en and "Under review" in exc.value.en
    assert "已申报" in exc.value.zh and "评审中" in exc.value.zh
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "submitted", actor=world.admin, effective_on=D(2022, 11, 2), reason="x")
    assert "only by a submission" in exc.value.en


def test_each_step_is_dated_reasoned_recorded_and_audited(world):
    set_actor(db.session, world.admin)
    base = eligible_base("LC-AUD", world.uni, world.ent)
    walk_to(base, "public_notice", world)
    state = lifecycle.state_of(base)
    assert (state.notice_starts_on, state.notice_ends_on) == (D(2022, 12, 20), D(2022, 12, 26))  # 7 days
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 26), reason="x")
    assert "until 2022-12-26" in exc.value.en and "from 2022-12-27" in exc.value.en
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 27), reason="  ")
    assert exc.value.field == "reason"
    change = lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 27),
                                  reason="公示无异议", evidence="工信部人〔2022〕1号")
    assert (change.actor_label, change.reason, change.evidence) == ("admin", "公示无异议", "工信部人〔2022〕1号")
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "status_change",
                                                          AuditEntry.record_id == change.id)).all()
    assert len(audited) == 1 and audited[0].actor_label == "admin" and audited[0].base_id == base.id
    base_audit = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "base",
                                                             AuditEntry.record_id == base.id,
                                                             AuditEntry.action == "update")).all()
    assert ["public_notice", "recognised"] in [a.changes.get("status") for a in base_audit]
    history = db.session.scalars(select(StatusChange).where(StatusChange.base_id == base.id)
                                 .order_by(StatusChange.id)).all()
    assert [(c.from_status, c.to_status) for c in history] == [
        ("preparing", "submitted"), ("submitted", "under_review"), ("under_review", "public_notice"),
        ("public_notice", "recognised")]


def test_dates_never_go_back_nor_into_the_future(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("LC-DATE", world.uni, world.ent)
    walk_to(base, "submitted", world)
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "under_review", actor=world.admin, effective_on=D(2022, 10, 31), reason="x")
    assert "before the previous step (2022-11-01)" in exc.value.en
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "under_review", actor=world.admin,
                             effective_on=dt.date.today() + dt.timedelta(days=1), reason="x")
    assert "in the future" in exc.value.en


def test_public_notice_follows_a_review(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("LC-REV", world.uni, world.ent)
    walk_to(base, "under_review", world)
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "public_notice", actor=world.admin, effective_on=D(2022, 12, 20), reason="x")
    assert "No reviewer has recorded an opinion" in exc.value.en


def test_cycle_is_three_years_from_recognition_less_a_day_and_evaluation_waits_for_the_day_after(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("LC-CYC", world.uni, world.ent)
    walk_to(base, "in_construction", world)
    state = lifecycle.state_of(base)
    assert (state.recognised_on, state.cycle_starts_on, state.cycle_ends_on) == (
        D(2022, 12, 27), D(2022, 12, 27), D(2025, 12, 26))
    assert state.cycle_number == 1
    assert [(y.number, y.starts_on, y.ends_on) for y in state.construction_years] == [
        (1, D(2022, 12, 27), D(2023, 12, 26)), (2, D(2023, 12, 27), D(2024, 12, 26)),
        (3, D(2024, 12, 27), D(2025, 12, 26))]
    summary_report(base, world.admin)
    with pytest.raises(DomainError) as exc:  # the cycle's last day
        lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2025, 12, 26), reason="x",
                             grade="good")
    assert "ends on 2025-12-26" in exc.value.en and "from 2025-12-27" in exc.value.en
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "rectification", actor=world.admin, effective_on=D(2025, 12, 27), reason="x",
                             grade="fail")
    assert exc.value.field == "deadline"
    with pytest.raises(DomainError):
        lifecycle.transition(base, "rectification", actor=world.admin, effective_on=D(2025, 12, 27), reason="x",
                             grade="fail", deadline=D(2025, 12, 27))
    lifecycle.transition(base, "rectification", actor=world.admin, effective_on=D(2025, 12, 27),
                         reason="部分指标未达标", grade="fail", deadline=D(2026, 6, 30))
    assert lifecycle.state_of(base).rectification_deadline == D(2026, 6, 30)


@pytest.mark.parametrize("start, ends, years", [
    (D(2020, 2, 29), D(2023, 2, 27), [(D(2020, 2, 29), D(2021, 2, 27)), (D(2021, 2, 28), D(2022, 2, 27)),
                                      (D(2022, 2, 28), D(2023, 2, 27))]),
    (D(2024, 2, 29), D(2027, 2, 27), [(D(2024, 2, 29), D(2025, 2, 27)), (D(2025, 2, 28), D(2026, 2, 27)),
                                      (D(2026, 2, 28), D(2027, 2, 27))]),
    (D(2023, 3, 1), D(2026, 2, 28), [(D(2023, 3, 1), D(2024, 2, 29)), (D(2024, 3, 1), D(2025, 2, 28)),
                                     (D(2025, 3, 1), D(2026, 2, 28))]),
    (D(2023, 1, 1), D(2025, 12, 31), [(D(2023, 1, 1), D(2023, 12, 31)), (D(2024, 1, 1), D(2024, 12, 31)),
                                      (D(2025, 1, 1), D(2025, 12, 31))]),
    (D(2022, 12, 31), D(2025, 12, 30), [(D(2022, 12, 31), D(2023, 12, 30)), (D(2023, 12, 31), D(2024, 12, 30)),
                                        (D(2024, 12, 31), D(2025, 12, 30))]),
])
def test_cycle_and_construction_years_at_29_february_and_year_ends(start, ends, years):
    assert lifecycle.cycle_end(start) == ends
    got = lifecycle.construction_years(start)
    assert [(y.starts_on, y.ends_on) for y in got] == years
    # the three years tile the cycle: no day left out, none counted twice
    assert got[0].starts_on == start and got[-1].ends_on == ends
    assert all(a.ends_on + dt.timedelta(days=1) == b.starts_on for a, b in zip(got, got[1:]))


def test_a_base_not_recognised_may_apply_again_in_a_later_round(world):
    from tests.checks.conftest import new_round

    set_actor(db.session, None, "fixture")
    base = eligible_base("LC-AGAIN", world.uni, world.ent)
    walk_to(base, "not_recognised", world)
    later = new_round(world.admin, year=2023, opens_on=D(2023, 9, 1), deadline=D(2023, 11, 15))
    services.submit_base(later, base, actor=world.unicoord, on=D(2023, 10, 1))
    state = lifecycle.state_of(base)
    assert base.status == "submitted" and state.submitted_on == D(2023, 10, 1) and state.review_started_on is None
