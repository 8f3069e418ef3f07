"""Issue 10 point 1: the construction plan and the form's narrative parts belong to the
application: written while the base is prepared, frozen with the submission, and the cycle's
targets after recognition (no second typing)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.application import queries, services
from registry.application.models import FrozenForm
from registry.audit.services import set_actor
from registry.checks import lifecycle
from registry.checks.models import PlanTarget
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from tests.checks.conftest import STEPS, eligible_base, walk_to

D = dt.date
NARRATIVE = {"goals": "建成航天动力领域一流示范基地", "content": "共建课程、联合实验室", "safeguards": "学校配套政策",
             "funding": "三年投入 600 万元", "contact_name": "王老师", "contact_phone": "010-12345678",
             "contact_email": "wang@example.edu.cn", "university_opinion": "同意申报", "enterprise_opinion": "全力支持"}
TARGETS = {("industry_courses", 1): 2, ("industry_courses", 2): 4, ("industry_courses", 3): "6",
           ("enterprise_share", 3): 40, ("mentors_total", 1): None}


def test_plan_written_while_preparing_then_frozen_and_becomes_cycle_targets(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("AP-PLAN-1", world.uni, world.ent)
    plan = services.save_plan(base, actor=world.admin, fields=NARRATIVE, targets=TARGETS)
    assert plan.targets == {"industry_courses": {"1": 2, "2": 4, "3": 6}, "enterprise_share": {"3": 40}}
    walk_to(base, "recognised", world)
    frozen = db.session.scalar(select(FrozenForm).where(FrozenForm.base_id == base.id))
    assert frozen.data["plan"]["goals"] == NARRATIVE["goals"]
    assert frozen.data["plan"]["targets"]["industry_courses"] == {"1": 2, "2": 4, "3": 6}
    # Submitted (now recognised): the plan cannot change any more, and the frozen form refuses to be rewritten.
    with pytest.raises(DomainError):
        services.save_plan(base, actor=world.admin, fields={"goals": "改写"})
    with pytest.raises(DomainError):
        frozen.data = {"x": 1}
    # Recognition: the frozen plan is the cycle's targets.
    cycle = lifecycle.state_of(base).cycle
    targets = {(t.indicator, t.year): t.value for t in db.session.scalars(
        select(PlanTarget).where(PlanTarget.cycle_id == cycle.id))}
    assert targets == {("industry_courses", 1): 2, ("industry_courses", 2): 4, ("industry_courses", 3): 6,
                       ("enterprise_share", 3): 40}


def test_bad_plan_values_are_refused_and_nothing_is_written(world):
    set_actor(db.session, None, "fixture")
    base = world.base
    services.save_plan(base, actor=world.coord, fields={"goals": "目标"}, targets={("textbooks", 1): 3})
    for bad in ({("textbooks", 1): "-1"}, {("textbooks", 4): 1}, {("nonsense", 1): 1},
                {("enterprise_share", 1): 101}, {("textbooks", 2): "三"}):
        with pytest.raises(DomainError) as info:
            services.save_plan(base, actor=world.coord, fields={"goals": "改了"}, targets=bad)
        assert info.value.message is not None
    plan = queries.plan_of(base.id)
    db.session.refresh(plan)
    assert plan.goals == "目标" and plan.targets == {"textbooks": {"1": 3}}
    with pytest.raises(DomainError):
        services.save_plan(base, actor=world.coord, fields={"goals": "x" * 20001})


def test_only_those_who_keep_the_base_write_its_plan(world):
    set_actor(db.session, None, "fixture")
    for user in (world.coord2, world.reviewer, world.mentor):
        with pytest.raises(Forbidden):
            services.save_plan(world.base, actor=user, fields={"goals": "x"})
    services.save_plan(world.base, actor=world.unicoord, fields={"goals": "x"})
