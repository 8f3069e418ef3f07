"""Builders for the checks area's tests: bases that pass every rule, or fail one on purpose.

Records are plain ORM rows of the other areas' models (fast; the audit hook still runs)."""
from __future__ import annotations

import pytest

from registry.audit.services import set_actor
from registry.extensions import db
from tests.conftest import D, add_people, add_student


def people(base, side: str, n: int, starts_on=D(2019, 1, 1), ends_on=None):
    """The shared builder (`tests.conftest.add_people`), appointed from 2019 by default."""
    return add_people(base, side, n, starts_on=starts_on, ends_on=ends_on)


def postgraduate(base, starts_on=D(2019, 9, 1), ends_on=None, level="master", university_mentor=None,
                 enterprise_mentor=None):
    return add_student(base, starts_on=starts_on, ends_on=ends_on, level=level, university_mentor=university_mentor,
                       enterprise_mentor=enterprise_mentor)


def platform(base, on=D(2019, 6, 1), agreement=True, training_plan=True, exchange_arrangement=True):
    from registry.governance.models import CooperationAgreement, ExchangeArrangement, TrainingPlan

    if agreement:
        db.session.add(CooperationAgreement(base_id=base.id, title="合作协议", signed_on=on))
    if training_plan:
        db.session.add(TrainingPlan(base_id=base.id, title="联合培养方案", version="v1", adopted_on=on))
    if exchange_arrangement:
        db.session.add(ExchangeArrangement(base_id=base.id, title="双向交流机制", established_on=on))
    db.session.flush()


def regulations(base, on=D(2019, 6, 1), areas=None):
    from registry.governance.models import REGULATION_AREAS, Regulation

    for area in (areas if areas is not None else REGULATION_AREAS):
        db.session.add(Regulation(base_id=base.id, area=area, title=f"{area} 管理办法", issued_on=on))
    db.session.flush()


def make_base(code, university, enterprise, *, cooperation_since=D(2019, 1, 1), field="ai"):
    from registry.orgs import services as orgs

    return orgs.create_base(code, name=f"{code} 示范基地", university=university, enterprises=[enterprise],
                            field=field, cooperation_since=cooperation_since, actor=None)


def eligible_base(code, university, enterprise, *, skip=(), cooperation_since=D(2019, 1, 1)):
    """A base that passes R1–R5 and R8 from 2022-01-01 on (R6/R7 depend on the round); `skip`
    leaves out the records of the named rules."""
    base = make_base(code, university, enterprise, cooperation_since=cooperation_since)
    if "R2" not in skip:
        people(base, "enterprise", 2)
        people(base, "university", 3)
    if "R1" not in skip:
        postgraduate(base)  # + one mentor of each side: 3 enterprise of 7 in all
    if "R4" not in skip:
        platform(base)
    if "R5" not in skip:
        regulations(base)
    return base


@pytest.fixture
def admin_actor(world):
    set_actor(db.session, world.admin)
    return world.admin


@pytest.fixture
def full(world):
    """The world, with SF-AP-01 (world.base, ministry university) made eligible on 2022-11-15."""
    set_actor(db.session, None, "fixture")
    base = world.base
    people(base, "enterprise", 2)
    people(base, "university", 3)
    postgraduate(base)
    platform(base)
    regulations(base)
    return world


def new_round(actor, year=2022, deadline=D(2022, 11, 15), opens_on=D(2022, 9, 1), **kw):
    from registry.checks import services

    return services.open_round(actor=actor, year=year, deadline=deadline, opens_on=opens_on, **kw)


# ---- the life cycle, walked with valid dates ------------------------------------------------------

SUBMITTED_ON = D(2022, 11, 1)
STEPS = {  # state -> (previous state, the step's date, extra arguments)
    "submitted": ("preparing", SUBMITTED_ON, {}),
    "under_review": ("submitted", D(2022, 11, 20), {}),
    "not_recognised": ("under_review", D(2022, 12, 1), {}),
    "public_notice": ("under_review", D(2022, 12, 20), {}),  # ends 2022-12-26
    "recognised": ("public_notice", D(2022, 12, 27), {}),
    "in_construction": ("recognised", D(2023, 1, 1), {}),  # cycle 2022-12-27 – 2025-12-26
    "passed": ("in_construction", D(2025, 12, 27), {"grade": "good"}),
    "rectification": ("in_construction", D(2025, 12, 27), {"grade": "fail", "deadline": D(2026, 6, 30)}),
    "revoked": ("rectification", D(2026, 7, 1), {}),
}


def summary_report(base, actor, reported_on=D(2025, 12, 20), signed=True):
    """The current cycle's summary report, with its signed document attached (unless `signed` is False)."""
    import io

    from registry.checks import services
    from registry.evidence import services as evidence
    from tests.evidence.files import pdf

    report = services.save_summary_report(base, actor=actor, reported_on=reported_on, overview="三年建设总结",
                                          built={"industry_courses": "建成行业精品课程"})
    if signed:
        evidence.attach("summary_report", report, "总结报告（签章）.pdf", io.BytesIO(pdf("signed")),
                        actor=actor)
    return report


def path_to(state: str) -> list[str]:
    path = []
    while state != "preparing":
        path.append(state)
        state = STEPS[state][0]
    return list(reversed(path))


def walk_to(base, state: str, world, round_=None):
    """Move an eligible base from preparing to `state` by the book (submission, review, steps)."""
    from registry.checks import lifecycle, services
    from registry.checks.models import ApplicationRound
    from sqlalchemy import select

    for step in path_to(state):
        _prev, on, extra = STEPS[step]
        if step == "submitted":
            r = round_ or db.session.scalar(select(ApplicationRound).where(ApplicationRound.year == 2022))
            if r is None:
                r = new_round(world.admin)
            if world.reviewer.id not in {link.user_id for link in r.reviewer_links}:
                services.assign_reviewer(r, world.reviewer, actor=world.admin)
            sub = services.submit_base(r, base, actor=world.admin, on=on)
        elif step in ("passed", "rectification") and STEPS[step][0] == "in_construction":
            summary_report(base, world.admin)
            lifecycle.transition(base, step, actor=world.admin, effective_on=on, reason=f"to {step}", **extra)
        elif step == "public_notice":
            services.record_review(sub, actor=world.reviewer, score=85, opinion="基础扎实，同意推荐。")
            lifecycle.transition(base, step, actor=world.admin, effective_on=on, reason="评审通过", **extra)
        else:
            lifecycle.transition(base, step, actor=world.admin, effective_on=on, reason=f"to {step}", **extra)
    return base
