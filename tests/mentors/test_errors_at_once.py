"""Every error of a form in one response, beside its field, with a summary at the top linking to
each field: an empty name, an end before the start, a broken e-mail and a broken phone are four
messages after one submit, not four round trips."""
import re

from sqlalchemy import select

from registry.extensions import db
from registry.mentors.models import Mentor
from tests.conftest import text_of
from tests.mentors.test_views import FORM

FOUR_PROBLEMS = {**FORM, "name": "", "starts_on": "2024-05-01", "ends_on": "2024-01-01",
                 "email": "zhao@", "phone": "12345"}


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert summary, "no error summary at the top of the form"
    return re.findall(r'href="#([\w-]+)"', summary.group(0))


def test_four_problems_are_four_messages_in_one_response(client, team, login_as):
    login_as("coord")
    response = client.post("/bases/SF-AP-01/mentors/new", data=FOUR_PROBLEMS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert sorted(_summary_links(html)) == ["email", "ends_on", "name", "phone"]
    # each field shows its own message in place
    for field in ("name", "ends_on", "email", "phone"):
        assert re.search(rf'id="{field}"[^>]*>|class="form-control is-invalid"[^>]*id="{field}"', html)
    assert html.count("invalid-feedback") >= 4
    page = text_of(response)
    assert "2024-01-01" in page and "2024-05-01" in page  # the dates in order, in words
    assert '"12345"' in html
    assert db.session.scalar(select(Mentor).where(Mentor.staff_no == "E777")) is None  # nothing written


def test_the_summary_is_in_english_too(client, team, login_as):
    login_as("coord")
    client.get("/lang/en")
    html = client.post("/bases/SF-AP-01/mentors/new", data=FOUR_PROBLEMS).get_data(as_text=True)
    assert "Problems to fix before saving: 4" in html


def test_a_coordinators_edit_reports_every_broken_field(client, team, login_as):
    login_as("coord")
    mentor = team.mentor_record
    data = {"name": "", "side": "enterprise", "organisation": "", "staff_no": "E001", "email": "a@",
            "phone": "99", "title": "", "degree": "", "expertise": "", "biography": ""}
    response = client.post(f"/mentors/{mentor.id}/edit", data=data)
    assert response.status_code == 200
    assert sorted(_summary_links(response.get_data(as_text=True))) == ["email", "name", "organisation", "phone"]
