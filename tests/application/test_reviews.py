"""Issue 10 point 4: the administrator sets a round's review indicators and weights; each assigned
reviewer scores every indicator and writes an opinion; the round's results give each base's
totals, the spread between experts and the ranking (also as .xlsx); reviewers see only their
rounds (404 elsewhere) and a home page of what waits for them."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from registry.application import queries, services
from registry.audit.services import set_actor
from registry.auth.services import create_user
from registry.checks import services as checks
from registry.checks.models import ApplicationRound, Review, Submission
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from tests.checks.conftest import eligible_base, walk_to

PASSWORD = "correct-horse-battery"


@pytest.fixture
def scored(world):
    """Two bases submitted into the 2022 round, two reviewers assigned, indicators 60/40."""
    set_actor(db.session, None, "fixture")
    a = eligible_base("AP-RV-1", world.uni, world.ent)
    b = eligible_base("AP-RV-2", world.uni, world.ent)
    walk_to(a, "submitted", world)
    walk_to(b, "submitted", world)
    r = db.session.scalar(select(ApplicationRound).where(ApplicationRound.year == 2022))
    second = create_user("expert2", "reviewer", PASSWORD, actor=None)
    checks.assign_reviewer(r, second, actor=world.admin)
    inds = services.set_indicators(r, [("基础条件", 60), ("建设规划", "40")], actor=world.admin)
    subs = {s.base_id: s for s in db.session.scalars(select(Submission).where(Submission.round_id == r.id))}
    db.session.commit()
    return world, r, inds, subs[a.id], subs[b.id], second


def test_weighted_scores_totals_spread_and_ranking(scored):
    world, r, (basic, plan), sub_a, sub_b, second = scored
    services.score_submission(sub_a, actor=world.reviewer, scores={basic.id: 90, plan.id: 80}, opinion="很好")
    services.score_submission(sub_a, actor=second, scores={basic.id: 70, plan.id: "75"}, opinion="较好")
    services.score_submission(sub_b, actor=world.reviewer, scores={basic.id: 95, plan.id: 95}, opinion="优秀")
    review = db.session.scalar(select(Review).where(Review.submission_id == sub_a.id,
                                                    Review.reviewer_id == world.reviewer.id))
    assert review.score == 86  # 0.6 × 90 + 0.4 × 80
    rows = queries.round_results(r.id)
    assert [(x["code"], x["rank"], x["scores"], x["mean"], x["spread"]) for x in rows] == [
        ("AP-RV-2", 1, [95], 95.0, 0), ("AP-RV-1", 2, [72, 86], 79.0, 14)]
    assert rows[1]["indicators"] == {basic.id: 80.0, plan.id: 77.5}
    # Scoring again replaces the reviewer's scores.
    services.score_submission(sub_a, actor=second, scores={basic.id: 100, plan.id: 100}, opinion="改为优秀")
    again = {x["code"]: x for x in queries.round_results(r.id)}["AP-RV-1"]
    assert (again["scores"], again["mean"], again["spread"], again["rank"]) == ([86, 100], 93.0, 14, 2)
    # Once scored, the indicators cannot change.
    with pytest.raises(DomainError):
        services.set_indicators(r, [("基础条件", 50)], actor=world.admin)


def test_bad_scores_and_outsiders_are_refused(scored):
    world, r, (basic, plan), sub_a, _sub_b, _second = scored
    for bad in ({basic.id: 101, plan.id: 50}, {basic.id: 50}, {basic.id: "x", plan.id: 1}):
        with pytest.raises(DomainError):
            services.score_submission(sub_a, actor=world.reviewer, scores=bad, opinion="意见")
    outsider = create_user("outsider", "reviewer", PASSWORD, actor=None)
    with pytest.raises(Forbidden):
        services.score_submission(sub_a, actor=outsider, scores={basic.id: 1, plan.id: 1}, opinion="意见")
    with pytest.raises(Forbidden):
        services.set_indicators(r, [("x", 1)], actor=world.reviewer)
    for bad in ([], [("", 10)], [("a", 0)], [("a", 10), ("a", 20)], [("a", "多")]):
        with pytest.raises(DomainError):
            services.set_indicators(r, bad, actor=world.admin)
    assert db.session.scalar(select(Review).where(Review.submission_id == sub_a.id)) is None


def test_reviewer_pages_home_score_results_and_404_outside(scored, login_as, client):
    world, r, (basic, plan), sub_a, sub_b, second = scored
    client = login_as("reviewer")
    home = client.get("/review")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert "AP-RV-1" in html and "AP-RV-2" in html and 'id="waiting"' in html
    page = client.get(f"/submissions/{sub_a.id}/score")
    assert page.status_code == 200 and "基础条件" in page.get_data(as_text=True)
    done = client.post(f"/submissions/{sub_a.id}/score",
                       data={f"s-{basic.id}": "90", f"s-{plan.id}": "80", "opinion": "很好"})
    assert done.status_code == 302
    assert client.post(f"/submissions/{sub_b.id}/score",
                       data={f"s-{basic.id}": "900", f"s-{plan.id}": "80", "opinion": "x"}).status_code == 422
    results = client.get(f"/rounds/{r.id}/results")
    assert results.status_code == 200 and "86" in results.get_data(as_text=True)
    xlsx = client.get(f"/rounds/{r.id}/results.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("排名", "基地代码", "基地名称", "评审专家数", "平均分", "专家分差")
    assert rows[2][:5] == (1, "AP-RV-1", "AP-RV-1 示范基地", 1, 86)
    client.get("/auth/logout")
    create_user("outsider", "reviewer", PASSWORD, actor=None)
    db.session.commit()
    client.post("/auth/login", data={"username": "outsider", "password": PASSWORD})
    for url in (f"/submissions/{sub_a.id}/score", f"/rounds/{r.id}/results", f"/rounds/{r.id}/results.xlsx",
                f"/submissions/{sub_a.id}/form"):
        assert client.get(url).status_code == 404, url
    assert "AP-RV-1" not in client.get("/review").get_data(as_text=True)


def test_admin_sets_indicators_on_the_web(world, login_as, client):
    set_actor(db.session, None, "fixture")
    r = checks.open_round(actor=world.admin, year=2023, deadline=__import__("datetime").date(2023, 11, 15),
                          opens_on=__import__("datetime").date(2023, 9, 1))
    db.session.commit()
    client = login_as("admin")
    assert client.get(f"/rounds/{r.id}/indicators").status_code == 200
    response = client.post(f"/rounds/{r.id}/indicators", data={"indicators": "基础条件 60\n建设规划 40\n"})
    assert response.status_code == 302
    assert [(i.name, i.weight) for i in queries.indicators_of(r.id)] == [("基础条件", 60), ("建设规划", 40)]
    assert client.post(f"/rounds/{r.id}/indicators", data={"indicators": "基础条件 abc"}).status_code == 422
    assert login_as("reviewer").get(f"/rounds/{r.id}/indicators").status_code == 403
