"""Rounds, submissions with their frozen snapshot, reviews; and the pages that do them."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from registry.audit.services import set_actor
from registry.checks import lifecycle, services
from registry.checks.models import ApplicationRound, Review, Submission
from registry.checks.queries import eligibility_of
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from tests.checks.conftest import eligible_base, new_round, people, walk_to
from tests.conftest import section_text, text_of

D = dt.date


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


def test_snapshot_freezes_the_figures_judged_on(world):
    r = new_round(world.admin)
    base = eligible_base("SNAP-1", world.uni, world.ent)
    sub = services.submit_base(r, base, actor=world.unicoord, on=D(2022, 11, 1))
    frozen = dict(sub.snapshot)
    assert frozen["eligibility"]["eligible"] is True
    assert frozen["ratio"]["enterprise_mentors"] == 3 and frozen["ratio"]["total_mentors"] == 7
    assert frozen["counts"]["mentors_total"]["2022"] == 7 and set(frozen["counts"]) >= {"industry_courses",
                                                                                      "secondments_to_enterprise"}
    assert frozen["round"] == {"year": 2022, "deadline": "2022-11-15", "quota": 3}
    # Later roster changes do not rewrite it.
    people(base, "university", 20, starts_on=D(2022, 10, 1))
    world.ent.scale = ""
    db.session.flush()
    db.session.expire_all()
    again = db.session.get(Submission, sub.id)
    assert again.snapshot == frozen
    assert not eligibility_of(base, D(2022, 11, 1)).eligible  # today's check sees the change
    with pytest.raises(DomainError):
        again.snapshot = {"tampered": True}
    again.snapshot["eligibility"]["eligible"] = False  # in place, then flagged: refused at flush
    flag_modified(again, "snapshot")
    with pytest.raises(DomainError):
        db.session.flush()
    db.session.rollback()


def test_submission_refuses_an_ineligible_base_naming_the_rules(world):
    r = new_round(world.admin)
    base = eligible_base("SNAP-2", world.uni, world.ent, skip=("R4", "R5"))
    with pytest.raises(DomainError) as exc:
        services.submit_base(r, base, actor=world.unicoord, on=D(2022, 11, 1))
    assert "R4 Cooperation platform" in exc.value.en and "R5 Complete regulations" in exc.value.en
    assert base.status == "preparing"
    assert db.session.scalar(select(Submission).where(Submission.base_id == base.id)) is None


def test_submission_twice_or_before_opening_is_refused(world):
    r = new_round(world.admin)
    base = eligible_base("SNAP-3", world.uni, world.ent)
    with pytest.raises(DomainError) as exc:
        services.submit_base(r, base, actor=world.unicoord, on=D(2022, 8, 31))
    assert "opens on 2022-09-01" in exc.value.en
    services.submit_base(r, base, actor=world.unicoord, on=D(2022, 9, 1))
    with pytest.raises(DomainError):  # no longer preparing
        services.submit_base(r, base, actor=world.unicoord, on=D(2022, 9, 2))


def test_round_validation(world):
    with pytest.raises(Forbidden):
        new_round(world.unicoord)
    with pytest.raises(DomainError) as exc:
        new_round(world.admin, deadline=D(2022, 8, 1))
    assert exc.value.field == "deadline"
    with pytest.raises(DomainError):
        new_round(world.admin, quota_ministry=-1)
    new_round(world.admin)
    with pytest.raises(DomainError) as exc:
        new_round(world.admin)
    assert "exists already" in exc.value.en


def test_reviews_by_assigned_reviewers_only_while_under_review(world):
    from registry.auth.services import create_user

    base = eligible_base("REV-1", world.uni, world.ent)
    walk_to(base, "submitted", world)  # assigns world.reviewer to the round
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    other = create_user("reviewer2", "reviewer", "correct horse battery", actor=None)
    with pytest.raises(Forbidden):
        services.record_review(sub, actor=other, score=70, opinion="x")
    with pytest.raises(Forbidden):
        services.record_review(sub, actor=world.admin, score=70, opinion="x")
    with pytest.raises(DomainError) as exc:
        services.record_review(sub, actor=world.reviewer, score=101, opinion="x")
    assert exc.value.field == "score"
    with pytest.raises(DomainError):
        services.record_review(sub, actor=world.reviewer, score=90, opinion="   ")
    services.record_review(sub, actor=world.reviewer, score=90, opinion="推荐")
    services.record_review(sub, actor=world.reviewer, score=88, opinion="推荐，建议加强企业导师队伍")
    reviews = db.session.scalars(select(Review).where(Review.submission_id == sub.id)).all()
    assert [(rv.score, rv.opinion) for rv in reviews] == [(88, "推荐，建议加强企业导师队伍")]
    lifecycle.transition(base, "under_review", actor=world.admin, effective_on=D(2022, 11, 20), reason="x")
    lifecycle.transition(base, "public_notice", actor=world.admin, effective_on=D(2022, 12, 20), reason="x")
    with pytest.raises(DomainError) as exc:
        services.record_review(sub, actor=world.reviewer, score=50, opinion="改主意")
    assert "under review" in exc.value.en


# ---- pages ---------------------------------------------------------------------------------------

def test_round_pages_open_submit_and_refuse(world, client, login_as):
    base = eligible_base("WEB-1", world.uni, world.ent)
    late = eligible_base("WEB-2", world.uni, world.ent)
    db.session.commit()
    login_as("admin")
    today = lifecycle.today()
    page = client.post("/rounds/new", data={"year": today.year, "opens_on": today.isoformat(),
                                            "deadline": (today + dt.timedelta(days=30)).isoformat(),
                                            "quota_ministry": 3, "quota_co_built": 2})
    assert page.status_code == 302
    r = db.session.scalar(select(ApplicationRound).where(ApplicationRound.year == today.year))
    assert r.name == f"{today.year}年申报批次"
    assert client.post("/rounds/new", data={}).status_code == 200  # the form again, with its errors
    login_as("unicoord")
    detail = client.get(f"/rounds/{r.id}")
    assert detail.status_code == 200 and "WEB-1" in detail.get_data(as_text=True)
    done = client.post(f"/rounds/{r.id}/submit", data={"base_id": base.id})
    assert done.status_code == 302 and "/submissions/" in done.headers["Location"]
    assert base.status == "submitted"
    r.quota_ministry = 1
    db.session.commit()
    refused = client.post(f"/rounds/{r.id}/submit", data={"base_id": late.id})
    assert refused.status_code == 200
    assert "R6 高校申报限额" in text_of(refused) and "已有 1 个" in text_of(refused)
    assert client.post(f"/rounds/{r.id}/submit", data={"base_id": "x"}).status_code == 200
    login_as("coord2")
    assert client.get(f"/rounds/{r.id}").status_code == 403


def test_submission_page_shows_the_snapshot_and_takes_the_review(world, client, login_as):
    base = eligible_base("WEB-3", world.uni, world.ent)
    walk_to(base, "under_review", world)
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    db.session.commit()
    login_as("reviewer")
    page = client.get(f"/submissions/{sub.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "申报时数据（冻结于 2022-11-01）" in text and "R2" in text and "3 / 7" in text
    assert client.post(f"/submissions/{sub.id}/review", data={"score": "abc"}).status_code == 200
    assert client.post(f"/submissions/{sub.id}/review", data={"score": 91, "opinion": "同意推荐"}).status_code == 302
    login_as("admin")
    assert "平均分 91.0" in text_of(client.get(f"/submissions/{sub.id}"))
    login_as("coord2")
    assert client.get(f"/submissions/{sub.id}").status_code == 404


def test_lifecycle_page_records_a_step_and_refuses_others(world, client, login_as):
    base = eligible_base("WEB-4", world.uni, world.ent)
    walk_to(base, "submitted", world)
    db.session.commit()
    login_as("admin")
    page = client.get("/bases/WEB-4/lifecycle")
    assert page.status_code == 200 and "开始专家评审" in text_of(page)
    bad = client.post("/bases/WEB-4/lifecycle", data={"to_status": "recognised", "effective_on": "2022-11-20",
                                                      "reason": "x"})
    assert bad.status_code == 200 and base.status == "submitted"  # not among the choices offered
    empty_reason = client.post("/bases/WEB-4/lifecycle", data={"to_status": "under_review",
                                                               "effective_on": "2022-11-20", "reason": ""})
    assert empty_reason.status_code == 200 and base.status == "submitted"
    data = {"to_status": "under_review", "effective_on": "2022-11-20", "reason": "形式审查通过", "evidence": "评审通知"}
    # A step is confirmed on a page of its own: the first POST asks, changes nothing.
    ask = client.post("/bases/WEB-4/lifecycle", data=data)
    assert ask.status_code == 200 and base.status == "submitted" and 'id="confirm-form"' in ask.get_data(as_text=True)
    assert "形式审查通过" in section_text(ask, "confirm-details")
    ok = client.post("/bases/WEB-4/lifecycle", data={**data, "confirmed": "1"})
    assert ok.status_code == 302 and base.status == "under_review"
    history = text_of(client.get("/bases/WEB-4/lifecycle"))
    assert "形式审查通过" in history and "评审通知" in history and "2022-11-20" in history
    login_as("unicoord")
    assert client.get("/bases/WEB-4/lifecycle").status_code == 200
    assert client.post("/bases/WEB-4/lifecycle", data={"to_status": "public_notice"}).status_code == 403


def test_base_panel_shows_the_check_as_of_any_day(world, client, login_as):
    login_as("coord")
    page = client.get("/bases/SF-AP-01?as_of=2022-08-31")
    text = text_of(page)
    assert page.status_code == 200 and "2022-08-31 不符合申报条件" in text
    assert "2022-09-01" in text  # R3: three years from 2019-09-01
    html = page.get_data(as_text=True)
    assert 'id="rule-R3"' in html and "/bases/SF-AP-01/mentors" in html


def test_round_page_queries_do_not_grow_with_submissions(world, client, login_as, query_counter):
    from registry.auth.services import create_user

    r = new_round(world.admin, quota_ministry=20)
    services.assign_reviewer(r, world.reviewer, actor=world.admin)
    db.session.commit()
    login_as("admin")
    client.get(f"/rounds/{r.id}")
    counts = []
    for batch in range(2):
        for i in range(3):
            base = eligible_base(f"RQ-{batch}-{i}", world.uni, world.ent)
            sub = services.submit_base(r, base, actor=world.admin, on=D(2022, 11, 1))
            services.record_review(sub, actor=world.reviewer, score=80 + i, opinion="同意")
        create_user(f"rev-{batch}", "reviewer", "correct horse battery", actor=None)
        db.session.commit()
        with query_counter() as n:
            page = client.get(f"/rounds/{r.id}")
        assert page.status_code == 200 and f"RQ-{batch}-2" in page.get_data(as_text=True)
        counts.append(n())
    assert counts[0] == counts[1], counts


def test_submission_page_links_the_evidence(world, client, login_as):
    base = eligible_base("EVI-1", world.uni, world.ent)
    walk_to(base, "submitted", world)
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    db.session.commit()
    login_as("reviewer")
    html = client.get(f"/submissions/{sub.id}").get_data(as_text=True)
    assert 'id="evidence-links"' in html and "/bases/EVI-1/mentors?as_of=2022-11-01" in html
