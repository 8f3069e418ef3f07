"""Quality assurance: records of a base with their evidence, reviewers' affiliations, and experts
never assigned to a base of their own university or enterprise (the refusal names the affiliation)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.auth.services import create_user
from registry.checks import services as checks
from registry.checks.models import Submission
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from registry.quality import services
from registry.quality.models import ExpertAssignment, QualityRecord, ReviewerAffiliation
from registry.quality.queries import conflicts
from tests.checks.conftest import eligible_base, new_round, walk_to
from tests.conftest import text_of
from tests.evidence.files import pdf

D = dt.date


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


def _form(**kw):
    data = {"kind": "site_visit", "held_on": "2022-11-25", "ends_on": "", "experts": "张教授（某大学）\n王总师（某研究院）",
            "assessor": "", "findings": "实践条件良好，企业导师参与培养方案制定。", "recommendations": "加强双向交流。"}
    data.update(kw)
    return data


# ---- quality records ---------------------------------------------------------------------------

def test_admin_records_a_site_visit_with_its_evidence(world, client, login_as):
    login_as(world.admin)
    response = client.post(f"/bases/{world.base.code}/quality/new", data=_form())
    assert response.status_code == 302, text_of(response)[:800]
    record = db.session.scalar(select(QualityRecord).where(QualityRecord.base_id == world.base.id))
    assert (record.kind, record.held_on) == ("site_visit", D(2022, 11, 25))
    response = client.post(f"/evidence/quality_record/{record.id}/upload",
                           data={"file": (io.BytesIO(pdf("site visit report")), "考察报告.pdf"), "description": "考察报告"},
                           content_type="multipart/form-data")
    assert response.status_code == 303, text_of(response)[:800]
    page = text_of(client.get(f"/bases/{world.base.code}/quality/{record.id}"))
    assert "王总师（某研究院）" in page and "实践条件良好" in page and "考察报告" in page
    listing = text_of(client.get(f"/bases/{world.base.code}/quality?kind=site_visit"))
    assert "张教授（某大学）" in listing
    base_page = client.get(f"/bases/{world.base.code}").get_data(as_text=True)
    assert 'id="panel-quality"' in base_page
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.table == "quality_record")) is not None


def test_the_base_records_its_assessments_but_not_the_ministrys_visits(world, client, login_as):
    login_as(world.coord)
    form = client.get(f"/bases/{world.base.code}/quality/new").get_data(as_text=True)
    assert 'value="self_assessment"' in form and 'value="site_visit"' not in form
    assert client.post(f"/bases/{world.base.code}/quality/new",
                       data=_form(kind="self_assessment", experts="")).status_code == 302
    # A third-party assessment names its assessor.
    response = client.post(f"/bases/{world.base.code}/quality/new", data=_form(kind="third_party_assessment"))
    assert response.status_code == 200 and "第三方" in text_of(response)
    assert client.post(f"/bases/{world.base.code}/quality/new",
                       data=_form(kind="third_party_assessment", assessor="某评估中心")).status_code == 302
    kinds = sorted(db.session.scalars(select(QualityRecord.kind).where(QualityRecord.base_id == world.base.id)))
    assert kinds == ["self_assessment", "third_party_assessment"]
    # The service refuses the ministry's kinds whoever calls it.
    with pytest.raises(Forbidden):
        services.create_record(world.base, _form(kind="supervision_visit"), actor=world.coord)
    visit = services.create_record(world.base, _form(kind="supervision_visit"), actor=world.admin)
    with pytest.raises(Forbidden):
        services.delete_record(visit, actor=world.coord)
    with pytest.raises(Forbidden):
        services.update_record(visit, _form(kind="self_assessment"), actor=world.coord)
    # Another base's coordinator cannot even open the form.
    login_as(world.coord2)
    assert client.get(f"/bases/{world.base.code}/quality/new").status_code in (403, 404)


def test_record_rules(world):
    with pytest.raises(DomainError) as exc:
        services.create_record(world.base, _form(experts=""), actor=world.admin)
    assert exc.value.field == "experts"
    with pytest.raises(DomainError) as exc:
        services.create_record(world.base, _form(ends_on="2022-11-24"), actor=world.admin)
    assert exc.value.field == "ends_on"
    with pytest.raises(DomainError) as exc:
        services.create_record(world.base, _form(findings="  "), actor=world.admin)
    assert exc.value.field == "findings"
    assert services.create_record(world.base, _form(ends_on="2022-11-25"), actor=world.admin).ends_on == D(2022, 11, 25)


# ---- affiliations and conflicts ----------------------------------------------------------------

def test_reviewer_declares_affiliations_on_their_account(world, client, login_as):
    login_as(world.reviewer)
    page = client.get(f"/reviewers/{world.reviewer.id}/affiliations")
    assert page.status_code == 200
    assert client.post(f"/reviewers/{world.reviewer.id}/affiliations",
                       data={"university_id": world.uni.id, "enterprise_id": 0}).status_code == 302
    assert client.post(f"/reviewers/{world.reviewer.id}/affiliations",
                       data={"university_id": 0, "enterprise_id": world.ent2.id}).status_code == 302
    # Neither, both, or the same again: refused with a reason.
    assert client.post(f"/reviewers/{world.reviewer.id}/affiliations",
                       data={"university_id": 0, "enterprise_id": 0}).status_code == 400
    again = client.post(f"/reviewers/{world.reviewer.id}/affiliations",
                        data={"university_id": world.uni.id, "enterprise_id": 0})
    assert again.status_code == 400 and "示范工业大学" in text_of(again)
    listing = text_of(client.get(f"/reviewers/{world.reviewer.id}/affiliations"))
    assert "示范工业大学" in listing and "远帆船舶集团" in listing
    # Another reviewer's affiliations are not theirs to see or change.
    other = create_user("reviewer-b", "reviewer", "correct horse battery", actor=None)
    db.session.commit()
    assert client.get(f"/reviewers/{other.id}/affiliations").status_code == 404
    login_as(world.coord)
    assert client.get(f"/reviewers/{world.reviewer.id}/affiliations").status_code == 403


def test_conflicts_by_university_and_by_partner_enterprise(world):
    services.declare_affiliation(world.reviewer, actor=world.reviewer, university_id=world.uni.id)
    other = create_user("reviewer-e", "reviewer", "correct horse battery", actor=None)
    services.declare_affiliation(other, actor=world.admin, enterprise_id=world.ent2.id)
    found = conflicts([world.reviewer.id, other.id], [world.base.id, world.base2.id])
    assert set(found) == {(world.reviewer.id, world.base.id), (other.id, world.base2.id)}
    assert found[(other.id, world.base2.id)][0].organisation == "远帆船舶集团"
    assert found[(world.reviewer.id, world.base.id)][0].side == "university"
    with pytest.raises(Forbidden):
        services.declare_affiliation(other, actor=world.reviewer, university_id=world.uni.id)


def test_assignment_page_refuses_an_affiliated_reviewer_and_says_why(world, client, login_as):
    services.declare_affiliation(world.reviewer, actor=world.reviewer, enterprise_id=world.ent.id)
    db.session.commit()
    login_as(world.admin)
    page = text_of(client.get(f"/bases/{world.base.code}/experts"))
    assert "星海航天动力研究所" in page  # listed among those who may not review, with the reason
    response = client.post(f"/bases/{world.base.code}/experts",
                           data={"user_id": world.reviewer.id, "purpose": "site_visit"})
    assert response.status_code == 400
    text = text_of(response)
    assert "星海航天动力研究所" in text and "回避" in text
    assert db.session.scalar(select(ExpertAssignment.id)) is None
    # The other base has no tie to the reviewer: assigned.
    assert client.post(f"/bases/{world.base2.code}/experts",
                       data={"user_id": world.reviewer.id, "purpose": "site_visit"}).status_code == 302
    assert db.session.scalar(select(ExpertAssignment.base_id)) == world.base2.id
    with pytest.raises(DomainError):
        services.assign_expert(world.base2, world.reviewer, actor=world.admin, purpose="site_visit")
    with pytest.raises(DomainError) as exc:
        services.assign_expert(world.base, world.reviewer, actor=world.admin, purpose="evaluation")
    assert "星海航天动力研究所" in exc.value.zh and "星海航天动力研究所" in exc.value.en
    login_as(world.reviewer)
    assert client.get(f"/bases/{world.base.code}/experts").status_code == 403


def test_round_reviewer_never_reviews_a_base_of_their_own(world, client, login_as):
    base = eligible_base("COI-1", world.uni, world.ent)
    walk_to(base, "submitted", world)  # world.reviewer assigned to the 2022 round, base submitted
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    # Declared after the assignment: the review itself is refused, naming the university.
    services.declare_affiliation(world.reviewer, actor=world.reviewer, university_id=world.uni.id)
    with pytest.raises(DomainError) as exc:
        checks.record_review(sub, actor=world.reviewer, score=90, opinion="推荐")
    assert "示范工业大学" in exc.value.zh
    # A new reviewer of that university is not assigned to the round at all; the round page says why.
    affiliated = create_user("reviewer-u", "reviewer", "correct horse battery", actor=None)
    services.declare_affiliation(affiliated, actor=world.admin, university_id=world.uni.id)
    db.session.commit()
    login_as(world.admin)
    response = client.post(f"/rounds/{sub.round_id}/reviewers", data={"user_id": affiliated.id})
    assert "示范工业大学" in text_of(response)
    clean = create_user("reviewer-c", "reviewer", "correct horse battery", actor=None)
    checks.assign_reviewer(sub.round, clean, actor=world.admin)
    assert checks.record_review(sub, actor=clean, score=80, opinion="同意").score == 80


def test_withdrawing_an_affiliation(world):
    link = services.declare_affiliation(world.reviewer, actor=world.reviewer, university_id=world.uni.id)
    services.withdraw_affiliation(link, actor=world.reviewer)
    assert db.session.scalar(select(ReviewerAffiliation.id)) is None
    assert services.assign_expert(world.base, world.reviewer, actor=world.admin, purpose="evaluation").purpose \
        == "evaluation"


def test_account_page_links_a_reviewer_to_their_affiliations(world, client, login_as):
    login_as(world.reviewer)
    assert f"/reviewers/{world.reviewer.id}/affiliations" in client.get("/auth/account").get_data(as_text=True)


def test_an_affiliation_declared_after_the_assignment_is_flagged(world, client, login_as):
    services.assign_expert(world.base, world.reviewer, actor=world.admin, purpose="supervision")
    services.declare_affiliation(world.reviewer, actor=world.reviewer, university_id=world.uni.id)
    db.session.commit()
    login_as(world.admin)
    page = text_of(client.get(f"/bases/{world.base.code}/experts"))
    assert "指派后申报了关联单位" in page and "示范工业大学" in page
