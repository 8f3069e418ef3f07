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
