"""Every error of a form in one response, beside its field, with a summary at the top linking to
each field: an empty name, an end before the start, a broken e-mail and a broken phone are four
messages after one submit, not four round trips."""
import re

from sqlalchemy import func, select

from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import Appointment, Mentor, Student
from tests.conftest import error_summary_links, shown_beside, text_of
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


# ---- students and appointments --------------------------------------------------------------

STUDENT = {"name": "李同学", "student_no": "S-1", "level": "master", "enrolment_year": "2023", "programme": "",
           "major_project": "", "graduated_on": "", "employment": "", "employer": ""}


def test_a_student_with_four_problems_gets_four_messages(client, team, login_as):
    services.create_student(team.base, actor=None, **STUDENT)
    login_as("coord")
    data = {**STUDENT, "name": "", "enrolment_year": "2023", "graduated_on": "2021-06-30",
            "employment": "industry", "employer": "x" * 201}
    response = client.post("/bases/SF-AP-01/students/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # the form's own errors (name, employer) and the service's (a taken number, graduation before enrolment)
    assert error_summary_links(html) == ["employer", "graduated_on", "name", "student_no"]
    assert any("S-1" in m for m in shown_beside(html, "student_no"))
    assert any("2021-06-30" in m for m in shown_beside(html, "graduated_on"))
    assert db.session.scalar(select(func.count()).select_from(Student)) == 1  # nothing written


def test_a_suspension_reports_every_problem_at_once(client, team, login_as):
    appt = db.session.scalar(select(Appointment).where(Appointment.base_id == team.base.id))
    login_as("coord")
    response = client.post(f"/appointments/{appt.id}/suspend", data={
        "starts_on": "2019-01-01", "ends_on": "2018-12-31", "reason": "x" * 501})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error_summary_links(html) == ["ends_on", "reason", "starts_on"]
    assert any("2019-01-01" in m for m in shown_beside(html, "starts_on"))  # before the appointment began
    assert appt.suspensions == []
