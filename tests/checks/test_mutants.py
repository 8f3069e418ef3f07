"""Tests that kill the mutants `scripts/mutate.py` found surviving in the rules and the life cycle
(issue 9 point 11; docs/mutation.md): each one pins a boundary or a branch a wrong rule would move."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.audit.services import set_actor
from registry.checks import rules, services
from registry.checks.queries import eligibility_of
from registry.errors import EN, in_locale
from registry.extensions import db
from tests.checks.conftest import eligible_base, make_base, platform, postgraduate

D = dt.date


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


# ---- rules.py ---------------------------------------------------------------------------------

def test_r6_a_ministry_universitys_third_submission_is_within_quota_when_judged_later(world):
    """R6's `place <= quota`: judged on its own submission, the third base of a ministry university
    (quota 3) passes; `place < quota` would refuse it."""
    r = services.open_round(actor=world.admin, year=2022, deadline=D(2022, 11, 15), opens_on=D(2022, 9, 1))
    bases = [eligible_base(f"MQ-{i}", world.uni, world.ent) for i in range(3)]
    for base in bases[:2]:
        services.submit_base(r, base, actor=world.unicoord, on=D(2022, 11, 1))
    before = eligibility_of(bases[2], D(2022, 11, 1), round=r).result("R6")
    assert "this base would be number 3" in before.message.en
    services.submit_base(r, bases[2], actor=world.unicoord, on=D(2022, 11, 1))
    third = eligibility_of(bases[2], D(2023, 3, 1)).result("R6")  # its latest submission, judged later
    assert (third.passed, third.measured, third.required) == (True, "3/3", "≤ 3")
    assert "Submission 3 of the 3" in third.message.en
    first = eligibility_of(bases[0], D(2023, 3, 1)).result("R6")
    assert (first.passed, first.measured) == (True, "1/3")


def test_rules_are_ordered_by_number_then_unnumbered_last(world):
    """Rule.order: R10 sorts after R8 (by its number, not as text), an unnumbered id after all."""
    for rid in ("R10", "RX"):
        rules.rule(rid, f"test-{rid}", "—", "A rule for this test")(
            lambda base, facts: rules.Outcome(True, "1", "1", rules.Msg("fine")))
    try:
        assert [r.id for r in rules.rules_in_order()] == [f"R{i}" for i in range(1, 9)] + ["R10", "RX"]
        assert rules.RULES["R10"].order == 10 and rules.RULES["R1"].order == 1
    finally:
        del rules.RULES["R10"], rules.RULES["RX"]


def test_r1_links_the_student_form_only_when_it_fails(world):
    base = make_base("R1-LINK", world.uni, world.ent)
    failing = eligibility_of(base, D(2024, 1, 1)).result("R1")
    assert [link.endpoint for link in failing.links] == ["mentors.students", "mentors.student_add"]
    postgraduate(base, starts_on=D(2023, 9, 1))
    passing = eligibility_of(base, D(2024, 1, 1)).result("R1")
    assert passing.passed and [link.endpoint for link in passing.links] == ["mentors.students"]
    assert failing.applicable and passing.applicable  # only R6/R7 outside a round are "not applicable"
    assert "Postgraduates jointly trained by 2024-01-01: 1." in passing.message.en


def test_r4_links_the_records_present_and_the_forms_for_the_missing(world):
    base = make_base("R4-LINK", world.uni, world.ent)
    platform(base, on=D(2021, 1, 1), training_plan=False)
    r4 = eligibility_of(base, D(2022, 1, 1)).result("R4")
    assert [link.endpoint for link in r4.links] == ["governance.cooperation_agreement_list",
                                                    "governance.training_plan_new",
                                                    "governance.exchange_arrangement_list"]
    assert [in_locale(EN, link.label) for link in r4.links] == ["Cooperation agreements", "Add a training plan",
                                                                "Exchange arrangements"]


def test_r3_without_a_start_date_and_r8_without_an_enterprise_fail(world):
    """Records the database cannot hold today (a base without its cooperation start or partner),
    judged directly by the rules: both fail and say what to enter."""
    from types import SimpleNamespace

    facts = SimpleNamespace(as_of=D(2024, 1, 1))
    r3 = rules.cooperation_years(SimpleNamespace(cooperation_since=None, code="X"), facts)
    assert (r3.passed, r3.measured) == (False, "—") and "not recorded" in r3.message.en
    r8 = rules.enterprise_capacity(SimpleNamespace(enterprises=[], code="X"), facts)
    assert (r8.passed, r8.measured, r8.applicable) == (False, "0/0", True)


# ---- lifecycle.py -----------------------------------------------------------------------------

def _in(world, code, state):
    from tests.checks.conftest import walk_to

    base = eligible_base(code, world.uni, world.ent)
    walk_to(base, state, world)
    return base


def test_rectification_is_due_from_30_days_before_its_deadline():
    from registry.checks.lifecycle import LifecycleState

    state = LifecycleState("rectification", rectification_deadline=D(2026, 6, 30))
    assert state.rectification_due(D(2026, 5, 31))  # deadline = the day + 30: due (default 30 days)
    assert not state.rectification_due(D(2026, 5, 30))  # 31 days ahead: not yet
    assert state.rectification_due(D(2026, 6, 20), within_days=10) and not state.rectification_due(D(2026, 6, 19), 10)
    assert not LifecycleState("passed", rectification_deadline=D(2026, 6, 30)).rectification_due(D(2026, 6, 30))
    assert not LifecycleState("rectification").rectification_due(D(2026, 6, 30))


def test_state_on_a_day_includes_the_step_and_the_cycle_of_that_day(world):
    from registry.checks import lifecycle

    base = _in(world, "AS-OF", "recognised")  # recognised 2022-12-27
    on = lifecycle.state_of(base, D(2022, 12, 27))
    assert (on.status, on.cycle_number, on.recognised_on) == ("recognised", 1, D(2022, 12, 27))
    before = lifecycle.state_of(base, D(2022, 12, 26))
    assert (before.status, before.cycle_number) == ("public_notice", None)
    body = lifecycle.show(base, D(2022, 12, 27))
    assert (body["status"], body["cycle"], body["cycle_ends_on"]) == ("recognised", 1, "2025-12-26")


def test_a_step_dated_today_is_accepted_and_one_on_the_previous_steps_day_too(world, monkeypatch):
    from registry.checks import lifecycle

    monkeypatch.setattr(lifecycle, "today", lambda: D(2022, 11, 20))
    base = _in(world, "TODAY", "submitted")  # submitted 2022-11-01
    lifecycle.transition(base, "under_review", actor=world.admin, effective_on=D(2022, 11, 20), reason="今天")
    assert base.status == "under_review"
    other = _in(world, "SAMEDAY", "submitted")
    lifecycle.transition(other, "under_review", actor=world.admin, effective_on=D(2022, 11, 1), reason="同日")
    assert other.status == "under_review"


def test_the_notice_end_recorded_with_the_step_holds_recognition(world):
    """A public notice recorded with a longer end than 7 days (as older records may have) holds
    recognition until the day after that end."""
    from registry.checks import lifecycle
    from registry.errors import DomainError

    base = _in(world, "LONGNOTICE", "under_review")
    state = lifecycle.state_of(base)
    lifecycle.record_change(base, "public_notice", actor=world.admin, effective_on=D(2022, 12, 20), reason="公示",
                            notice_ends_on=D(2022, 12, 30), submission_id=state.submission_id, state=state)
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 30), reason="认定")
    assert "from 2022-12-31" in exc.value.en
    lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 31), reason="认定")
    assert base.status == "recognised"


def test_a_base_under_review_without_a_submission_cannot_go_to_public_notice(world):
    from registry.checks import lifecycle
    from registry.errors import DomainError

    base = make_base("NOSUB", world.uni, world.ent)
    base.status = "under_review"  # e.g. entered before submissions were recorded
    db.session.flush()
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "public_notice", actor=world.admin, effective_on=D(2022, 12, 20), reason="公示")
    assert "No reviewer has recorded an opinion" in exc.value.en


def test_a_step_starts_from_the_state_in_the_database_not_a_stale_copy(world):
    from sqlalchemy import update

    from registry.checks import lifecycle
    from registry.errors import DomainError
    from registry.orgs.models import Base

    base = _in(world, "STALE", "recognised")
    db.session.execute(update(Base).where(Base.id == base.id).values(status="in_construction")
                       .execution_options(synchronize_session=False))
    assert base.status == "recognised"  # the loaded object is stale
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "in_construction", actor=world.admin, effective_on=D(2023, 1, 1), reason="x")
    assert "cannot go from" in exc.value.en
    assert base.status == "in_construction"


def test_a_rectification_deadline_on_the_evaluation_day_is_refused(world):
    from registry.checks import lifecycle
    from registry.errors import DomainError
    from tests.checks.conftest import summary_report

    base = _in(world, "DL-SAME", "in_construction")
    summary_report(base, world.admin)
    kw = dict(actor=world.admin, effective_on=D(2025, 12, 27), reason="评估", grade="fail")
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "rectification", deadline=D(2025, 12, 27), **kw)
    assert exc.value.field == "deadline" and "after 2025-12-27" in exc.value.en
    lifecycle.transition(base, "rectification", deadline=D(2025, 12, 28), **kw)  # the next day is the earliest
    assert lifecycle.state_of(base).rectification_deadline == D(2025, 12, 28)


@pytest.mark.parametrize("field, value, limit", [("reason", "因" * 4000, 4000), ("evidence", "E" * 500, 500)])
def test_step_text_at_its_length_limit_is_accepted_and_one_more_refused(world, field, value, limit):
    from registry.checks import lifecycle
    from registry.errors import DomainError

    base = _in(world, f"LEN-{field}", "submitted")
    kw = dict(actor=world.admin, effective_on=D(2022, 11, 20), reason="评审", evidence="")
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "under_review", **{**kw, field: value + "x"})
    assert exc.value.field == field and f"at most {limit} characters" in exc.value.en
    change = lifecycle.transition(base, "under_review", **{**kw, field: value})
    assert len(getattr(change, field)) == limit


def _evaluate(world, code, **kw):
    from registry.checks import lifecycle
    from tests.checks.conftest import summary_report

    base = _in(world, code, "in_construction")
    summary_report(base, world.admin)
    return base, dict(actor=world.admin, effective_on=D(2025, 12, 27), reason="评估", grade="good", **kw)


def test_expert_lines_at_their_limits(world):
    from registry.checks import lifecycle
    from registry.checks.models import CycleEvaluation
    from registry.errors import DomainError
    from sqlalchemy import select

    base, kw = _evaluate(world, "EXP-LIM")
    refused = [
        ([{"name": "甲", "score": 90}, {"name": "", "score": 80}], "Expert 2: the name is required."),
        ([{"name": "名" * 121}], "Expert 1: the name may have at most 120 characters."),
        ([{"name": "甲", "score": 101}], "Expert 1: the score must be a whole number from 0 to 100."),
        ([{"name": "甲", "score": -1}], "the score must be a whole number"),
        ([{"name": "甲", "score": "九十"}], "the score must be a whole number"),
        ([{"name": "甲", "opinion": "意" * 10001}], "Expert 1: the opinion may have at most 10000 characters."),
    ]
    for experts, message in refused:
        with pytest.raises(DomainError) as exc:
            lifecycle.transition(base, "passed", experts=experts, **kw)
        assert message in exc.value.en, (experts[0].get("name", "")[:3], exc.value.en)
    for name in ("support_conditions", "support_enrolment", "support_other"):
        with pytest.raises(DomainError) as exc:
            lifecycle.transition(base, "passed", **{**kw, name: "支" * 4001})
        assert exc.value.field == name and "at most 4000 characters" in exc.value.en
    lifecycle.transition(base, "passed", experts=[
        {"name": "名" * 120, "score": 0, "opinion": "意" * 10000},  # every limit, exactly
        {"name": "乙", "score": 100},  # no opinion
        {"name": "丙"},  # a name only
    ], support_conditions="支" * 4000, support_enrolment="招" * 4000, support_other="他" * 4000, **kw)
    ev = db.session.scalar(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id))
    assert [(len(x.name), x.score, len(x.opinion)) for x in ev.experts] == [(120, 0, 10000), (1, 100, 0), (1, None, 0)]
    assert len(ev.support_conditions) == len(ev.support_enrolment) == len(ev.support_other) == 4000


def test_the_actor_label_keeps_the_first_120_characters(world):
    from types import SimpleNamespace

    from registry.checks import lifecycle

    base = _in(world, "LABEL", "submitted")
    actor = SimpleNamespace(id=None, username="u" * 119 + "VW" + "x" * 9, role="admin")
    change = lifecycle.record_change(base, "under_review", actor=actor, effective_on=D(2022, 11, 20), reason="x")
    assert change.actor_label == "u" * 119 + "V"
    anonymous = lifecycle.record_change(base, "not_recognised", actor=None, effective_on=D(2022, 12, 1), reason="x")
    assert anonymous.actor_label == "system"


def test_objections_are_open_from_the_day_received_until_the_day_resolved(world):
    from registry.checks import lifecycle

    base = _in(world, "OBJ-EDGE", "public_notice")  # notice 2022-12-20 to 2022-12-26
    objection = services.record_objection(base, actor=world.admin, raised_by="某单位", received_on=D(2022, 12, 22),
                                          content="导师信息有误")
    services.resolve_objection(objection, actor=world.admin, resolved_on=D(2022, 12, 24), resolution="已核实")
    counts = {day: lifecycle.open_objections([base.id], D(2022, 12, day))[base.id] for day in (21, 22, 23, 24)}
    assert counts == {21: 0, 22: 1, 23: 1, 24: 0}
    assert lifecycle.open_objections([base.id])[base.id] == 0


def test_the_rectification_deadline_is_shown_only_during_rectification(world):
    from registry.checks import lifecycle

    base = _in(world, "RD-SHOW", "rectification")  # deadline 2026-06-30
    assert lifecycle.show(base)["rectification_deadline"] == "2026-06-30"
    lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2026, 1, 15), reason="整改通过")
    assert lifecycle.show(base)["rectification_deadline"] is None


def test_steps_record_the_end_of_the_cycle_they_open_or_build_and_no_other(world):
    from sqlalchemy import select

    from registry.checks import lifecycle
    from registry.checks.models import StatusChange

    base = _in(world, "CYC-END", "passed")
    ends = {c.to_status: c.cycle_ends_on for c in db.session.scalars(
        select(StatusChange).where(StatusChange.base_id == base.id))}
    assert ends["recognised"] == ends["in_construction"] == D(2025, 12, 26)
    assert ends["passed"] is None and ends["public_notice"] is None


def test_a_base_recognised_before_cycles_were_recorded_gets_cycle_1_from_its_recognition(world):
    from sqlalchemy import delete

    from registry.checks import lifecycle
    from registry.checks.models import Cycle

    base = _in(world, "LEGACY", "recognised")  # recognised 2022-12-27
    db.session.execute(delete(Cycle).where(Cycle.base_id == base.id))
    db.session.expire_all()
    lifecycle.transition(base, "in_construction", actor=world.admin, effective_on=D(2023, 1, 5), reason="建设")
    cycle = lifecycle.state_of(base).cycle
    assert (cycle.number, cycle.starts_on, cycle.ends_on) == (1, D(2022, 12, 27), D(2025, 12, 26))


def test_a_base_in_public_notice_without_its_step_on_record_is_refused_not_crashed(world):
    from registry.checks import lifecycle
    from registry.errors import DomainError

    base = make_base("NOTICE-LEGACY", world.uni, world.ent)
    base.status = "public_notice"
    db.session.flush()
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 27), reason="认定")
    assert "public notice runs until 2023-01-02" in exc.value.en
