"""Issue 10 points 1-2 on the web: the coordinator writes the application (narrative and targets),
downloads the form from the base page and the submission page; reviewers outside the round get
404; a submitted application cannot be changed."""
from __future__ import annotations

import datetime as dt
import io

import docx
from sqlalchemy import select

from registry.application import queries
from registry.audit.services import set_actor
from registry.checks.models import Submission
from registry.extensions import db
from tests.checks.conftest import eligible_base, walk_to
from tests.conftest import text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_coordinator_writes_the_application_and_downloads_the_form(world, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = login_as("coord")
    page = client.get(f"/bases/{world.base.code}")
    assert "application-docx" in page.get_data(as_text=True)
    response = client.post(f"/bases/{world.base.code}/application",
                           data={"goals": "建成一流示范基地", "contact_name": "王老师", "t-textbooks-2": "3",
                                 "t-industry_courses-1": ""})
    assert response.status_code == 302, text_of(response)[:2000]
    plan = queries.plan_of(world.base.id)
    assert plan.goals == "建成一流示范基地" and plan.targets == {"textbooks": {"2": 3}}
    bad = client.post(f"/bases/{world.base.code}/application", data={"goals": "改", "t-textbooks-2": "-5"})
    assert bad.status_code == 422
    db.session.refresh(plan)
    assert plan.goals == "建成一流示范基地"
    download = client.get(f"/bases/{world.base.code}/application.docx")
    assert download.status_code == 200 and download.mimetype == DOCX
    texts = [p.text for p in docx.Document(io.BytesIO(download.data)).paragraphs]
    assert world.base.name in "\n".join(texts) and "建成一流示范基地" in texts


def test_other_bases_coordinator_and_mentor_cannot(world, login_as):
    client = login_as("coord")
    assert client.get(f"/bases/{world.base2.code}/application").status_code == 404
    assert client.get(f"/bases/{world.base2.code}/application.docx").status_code == 404


def test_submission_download_is_the_frozen_form_reviewer_outside_round_gets_404(world, login_as, app, monkeypatch):
    from registry.auth.services import create_user

    set_actor(db.session, None, "fixture")
    base = eligible_base("AP-WEB-1", world.uni, world.ent)
    walk_to(base, "submitted", world)
    create_user("outsider", "reviewer", "correct-horse-battery", actor=None)
    db.session.commit()
    sub = db.session.scalar(select(Submission).where(Submission.base_id == base.id))
    client = login_as("reviewer")  # assigned to the round by walk_to
    page = client.get(f"/submissions/{sub.id}")
    assert "submission-application-docx" in page.get_data(as_text=True)
    form_page = client.get(f"/submissions/{sub.id}/form")
    assert form_page.status_code == 200
    assert base.name in text_of(form_page) and "工业和信息化部校企协同育人示范基地建设申请书" in text_of(form_page)
    response = client.get(f"/submissions/{sub.id}/application.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    client.get("/auth/logout")
    client.post("/auth/login", data={"username": "outsider", "password": "correct-horse-battery"})
    assert client.get(f"/submissions/{sub.id}/application.docx").status_code == 404
    # Submitted: the application page shows it frozen and refuses changes.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    coord = login_as("admin")
    page = coord.get(f"/bases/{base.code}/application")
    assert page.status_code == 200 and "application-frozen" in page.get_data(as_text=True)
    assert coord.post(f"/bases/{base.code}/application", data={"goals": "x"}).status_code == 403
