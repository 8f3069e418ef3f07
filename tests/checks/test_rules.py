"""One test per rule at its boundaries, plus the rule registry itself."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.audit.services import set_actor
from registry.checks import rules, services
from registry.checks.queries import eligibility_many, eligibility_of
from registry.errors import EN, ZH, DomainError, in_locale
from registry.extensions import db
from tests.checks.conftest import (eligible_base, make_base, new_round, people, platform, postgraduate,
                                   regulations)

D = dt.date


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


def test_registry_holds_r1_to_r8_in_order():
    assert [r.id for r in rules.rules_in_order()] == [f"R{i}" for i in range(1, 9)]
    assert [r.name for r in rules.rules_in_order()] == [
        "joint-training-experience", "enterprise-mentor-ratio", "cooperation-years", "platform-in-place",
        "regulations-complete", "university-quota", "application-deadline", "enterprise-capacity"]
    assert [r.clause for r in rules.rules_in_order()] == ["四(一)", "四(二)", "四(四)", "四(二)", "四(四)", "五(一)",
                                                          "七", "四(一)"]


def test_adding_a_rule_is_adding_one_unit(world):
    @rules.rule("R99", "always-fails", "—", "A rule for this test")
    def _always_fails(base, facts):
        return rules.Outcome(False, "0", "1", rules.Msg("Add one thing."))

    try:
        check = eligibility_of(world.base, D(2024, 9, 1))
        assert check.as_json()["rules"][-1]["id"] == "R99"
        assert not check.eligible
    finally:
        del rules.RULES["R99"]


# ---- R1 --------------------------------------------------------------------------------------

def test_r1_needs_a_postgraduate_or_the_excellent_engineer_programme(world):
    base = make_base("R1-TEST", world.uni, world.ent)
    r1 = eligibility_of(base, D(2024, 1, 1)).result("R1")
    assert not r1.passed
    assert "student roster" in r1.message.en and "学生" in r1.message.zh
    postgraduate(base, starts_on=D(2023, 9, 1), level="undergraduate")
    assert not eligibility_of(base, D(2024, 1, 1)).result("R1").passed  # undergraduates do not count
    postgraduate(base, starts_on=D(2024, 1, 2), level="doctoral")
    assert not eligibility_of(base, D(2024, 1, 1)).result("R1").passed  # not yet on the day
    r1 = eligibility_of(base, D(2024, 1, 2)).result("R1")
    assert r1.passed and r1.measured == "postgraduates=1, excellent_engineer=no"


def test_r1_passes_with_the_excellent_engineer_programme(world):
    base = make_base("R1-EEP", world.uni, world.ent)
    base.excellent_engineer_programme = True
    db.session.flush()
    r1 = eligibility_of(base, D(2024, 1, 1)).result("R1")
    assert r1.passed and "excellent_engineer=yes" in r1.measured


# ---- R2 --------------------------------------------------------------------------------------

def test_r2_ten_of_thirty_passes(world):
    base = make_base("R2-A", world.uni, world.ent)
    people(base, "enterprise", 10)
    people(base, "university", 20)
    r2 = eligibility_of(base, D(2024, 1, 1)).result("R2")
    assert (r2.passed, r2.measured, r2.required) == (True, "10/30", "≥ 1/3")


def test_r2_thirty_three_of_hundred_fails_and_says_how_many_to_add(world):
    base = make_base("R2-B", world.uni, world.ent)
    people(base, "enterprise", 33)
    people(base, "university", 67)
    r2 = eligibility_of(base, D(2024, 1, 1)).result("R2")
    assert (r2.passed, r2.measured) == (False, "33/100")
    assert "Enterprise mentors to add to the roster: 1." in r2.message.en  # 3 × 34 ≥ 101
    assert "33" in r2.message.zh and "1 名企业导师" in r2.message.zh
    assert [link.endpoint for link in r2.links] == ["mentors.roster", "mentors.mentor_add"]


def test_r2_with_no_team_fails_and_asks_for_appointments(world):
    base = make_base("R2-C", world.uni, world.ent)
    r2 = eligibility_of(base, D(2024, 1, 1)).result("R2")
    assert (r2.passed, r2.measured) == (False, "0/0")
    assert "appointments" in r2.message.en


# ---- R3 --------------------------------------------------------------------------------------

def test_r3_from_29_february_reaches_three_years_on_28_february(world):
    base = make_base("R3-LEAP", world.uni, world.ent, cooperation_since=D(2020, 2, 29))
    before = eligibility_of(base, D(2023, 2, 27)).result("R3")
    on = eligibility_of(base, D(2023, 2, 28)).result("R3")
    assert not before.passed and on.passed
    assert on.measured == "2020-02-29 + 3y = 2023-02-28"
    assert "2023-02-28" in before.message.en and "2023-02-28" in before.message.zh


# ---- R4 --------------------------------------------------------------------------------------

def test_r4_needs_agreement_plan_and_arrangement(world):
    base = make_base("R4-A", world.uni, world.ent)
    platform(base, on=D(2021, 1, 1), training_plan=False)
    r4 = eligibility_of(base, D(2022, 1, 1)).result("R4")
    assert (r4.passed, r4.measured, r4.required) == (False, "2/3", "3/3")
    assert "training plan" in r4.message.en and "培养方案" in r4.message.zh
    assert "governance.training_plan_new" in [link.endpoint for link in r4.links]
    platform(base, on=D(2021, 6, 1), agreement=False, exchange_arrangement=False)
    assert not eligibility_of(base, D(2021, 5, 31)).result("R4").passed
    assert eligibility_of(base, D(2021, 6, 1)).result("R4").passed


# ---- R5 --------------------------------------------------------------------------------------

def test_r5_needs_a_regulation_in_each_of_the_seven_areas(world):
    from registry.governance.models import REGULATION_AREAS

    base = make_base("R5-A", world.uni, world.ent)
    areas = list(REGULATION_AREAS)
    regulations(base, on=D(2021, 1, 1), areas=areas[:-1])
    r5 = eligibility_of(base, D(2022, 1, 1)).result("R5")
    assert (r5.passed, r5.measured, r5.required) == (False, "6/7", "7/7")
    assert in_locale(EN, REGULATION_AREAS[areas[-1]]) in r5.message.en
    assert in_locale(ZH, REGULATION_AREAS[areas[-1]]) in r5.message.zh
    regulations(base, on=D(2022, 1, 1), areas=areas[-1:])
    assert eligibility_of(base, D(2022, 1, 1)).result("R5").passed


# ---- R6 --------------------------------------------------------------------------------------

def _submit(round_, base, actor, on=D(2022, 11, 1)):
    return services.submit_base(round_, base, actor=actor, on=on)


def test_r6_ministry_university_three_pass_the_fourth_is_refused(world):
    r = new_round(world.admin)
    bases = [eligible_base(f"MIN-{i}", world.uni, world.ent) for i in range(4)]
    for base in bases[:2]:
        _submit(r, base, world.unicoord)
    third = eligibility_of(bases[2], D(2022, 11, 1), round=r).result("R6")
    assert (third.passed, third.measured, third.required) == (True, "3/3", "≤ 3")
    _submit(r, bases[2], world.unicoord)
    fourth = eligibility_of(bases[3], D(2022, 11, 1), round=r).result("R6")
    assert (fourth.passed, fourth.measured) == (False, "4/3")
    with pytest.raises(DomainError) as exc:
        _submit(r, bases[3], world.unicoord)
    assert "R6 University quota (clause 五(一))" in exc.value.en and "3 are already in" in exc.value.en
    assert "R6" in exc.value.zh and "已有 3 个" in exc.value.zh
    assert bases[3].status == "preparing"


def test_r6_co_built_university_two_pass_the_third_is_refused(world):
    r = new_round(world.admin)
    bases = [eligible_base(f"COB-{i}", world.uni2, world.ent) for i in range(3)]
    _submit(r, bases[0], world.admin)
    second = eligibility_of(bases[1], D(2022, 11, 1), round=r).result("R6")
    assert (second.passed, second.measured, second.required) == (True, "2/2", "≤ 2")
    _submit(r, bases[1], world.admin)
    with pytest.raises(DomainError) as exc:
        _submit(r, bases[2], world.admin)
    assert "at most 2 bases" in exc.value.en and "2 are already in" in exc.value.en


def test_r6_quota_is_per_round_and_editable(world):
    r = new_round(world.admin, quota_co_built=3)
    bases = [eligible_base(f"ED-{i}", world.uni2, world.ent) for i in range(3)]
    for base in bases:
        _submit(r, base, world.admin)  # three fit a quota raised to 3
    with pytest.raises(DomainError) as exc:
        services.update_round(r, actor=world.admin, deadline=r.deadline, opens_on=r.opens_on, quota_ministry=3,
                              quota_co_built=2)
    assert "already has 3 submissions" in exc.value.en


# ---- R7 --------------------------------------------------------------------------------------

def test_r7_on_the_deadline_day_passes_the_day_after_is_refused(world):
    r = new_round(world.admin)
    on_time = eligible_base("DL-1", world.uni, world.ent)
    late = eligible_base("DL-2", world.uni, world.ent)
    sub = _submit(r, on_time, world.unicoord, on=D(2022, 11, 15))
    assert sub.snapshot["eligibility"]["rules"][6] == {
        **sub.snapshot["eligibility"]["rules"][6], "id": "R7", "passed": True, "measured": "2022-11-15",
        "required": "≤ 2022-11-15"}
    r7 = eligibility_of(late, D(2022, 11, 16), round=r).result("R7")
    assert (r7.passed, r7.measured) == (False, "2022-11-16")
    with pytest.raises(DomainError) as exc:
        _submit(r, late, world.unicoord, on=D(2022, 11, 16))
    assert "R7 Application deadline" in exc.value.en and "2022-11-15" in exc.value.en
    assert "截止" in exc.value.zh


# ---- R6/R7 outside a round ----------------------------------------------------------------------

def test_r6_r7_outside_a_round(world):
    base = eligible_base("OUT-1", world.uni, world.ent)
    check = eligibility_of(base, D(2022, 6, 1))
    r6, r7 = check.result("R6"), check.result("R7")
    assert r6.passed and r7.passed and not r6.applicable and not r7.applicable
    assert "No application round is open" in r7.message.en
    r = new_round(world.admin)  # opens 2022-09-01, deadline 2022-11-15
    r7 = eligibility_of(base, D(2022, 10, 1)).result("R7")
    assert r7.applicable and r7.passed and r7.measured == "2022-10-01"
    _submit(r, base, world.unicoord, on=D(2022, 10, 1))
    later = eligibility_of(base, D(2024, 1, 1))  # judged on its submission, not on the day
    assert later.result("R7").measured == "2022-10-01" and later.result("R7").passed
    assert later.result("R6").measured == "1/3"


# ---- R8 --------------------------------------------------------------------------------------

def test_r8_partner_must_state_scale_focus_and_practice_conditions(world):
    base = make_base("R8-A", world.uni, world.ent2)  # 远帆船舶集团 states nothing
    r8 = eligibility_of(base, D(2024, 1, 1)).result("R8")
    assert (r8.passed, r8.measured, r8.required) == (False, "0/1", "1/1")
    assert "远帆船舶集团: scale, R&D focus, practice conditions" in r8.message.en
    assert "远帆船舶集团" in r8.message.zh and "规模" in r8.message.zh
    assert r8.links[0].endpoint == "orgs.enterprise_edit"
    world.ent2.scale, world.ent2.rd_focus, world.ent2.practice_conditions = "500人", "船舶设计", "实习岗位"
    db.session.flush()
    assert eligibility_of(base, D(2024, 1, 1)).result("R8").passed


# ---- the whole check ---------------------------------------------------------------------------

def test_a_complete_base_is_eligible_and_the_json_is_the_contract(world):
    base = eligible_base("ALL-1", world.uni, world.ent)
    check = eligibility_of(base, D(2022, 6, 1))
    assert check.eligible
    body = check.as_json()
    assert list(body) == ["base", "as_of", "eligible", "rules"]
    assert body["base"] == "ALL-1" and body["as_of"] == "2022-06-01" and body["eligible"] is True
    for row in body["rules"]:
        assert list(row) == ["id", "name", "clause", "passed", "measured", "required", "message_zh", "message_en"]
        assert row["message_zh"] != row["message_en"]


def test_many_bases_are_checked_in_a_fixed_number_of_queries(world, query_counter):
    few = [eligible_base(f"QC-{i}", world.uni, world.ent).id for i in range(2)]
    more = few + [eligible_base(f"QD-{i}", world.uni2, world.ent).id for i in range(6)]
    new_round(world.admin)
    counts = []
    for ids in (few, more):
        db.session.expire_all()
        with query_counter() as n:
            checks = eligibility_many(ids, D(2022, 10, 1))
            assert all(c.eligible for c in checks.values())
        counts.append(n())
    assert counts[0] == counts[1], counts
