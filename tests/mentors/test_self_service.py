"""A mentor keeps their own profile, and nothing else."""
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.mentors import services
from tests.conftest import text_of
from tests.mentors.conftest import D, add_people

PROFILE = {"title": "正高级工程师", "degree": "博士", "expertise": "液体火箭发动机", "email": "li@example.com",
           "phone": "+86 139 1234 5678", "biography": "从事发动机试验二十年。"}


def test_mentor_sees_own_appointments_and_students(client, team, login_as):
    (uni,) = add_people(team.base, "university", 1, prefix="王")
    student = services.create_student(team.base, name="小张", student_no="S9", level="master",
                                      enrolment_year=2023, actor=None)
    services.assign_mentors(student, university_mentor=uni, enterprise_mentor=team.mentor_record,
                            starts_on=D(2023, 9, 1), actor=None)
    login_as("mentor")
    page = text_of(client.get("/me/mentor"))
    assert "李工" in page and "SF-AP-01" in page and "2020-01-01" in page
    assert "小张" in page and uni.name in page
    assert text_of(client.get(f"/mentors/{team.mentor_record.id}")) == page


def test_mentor_edits_own_profile_and_it_is_audited(client, team, login_as):
    login_as("mentor")
    assert client.get("/me/mentor/edit").status_code == 200
    response = client.post("/me/mentor/edit", data={**PROFILE, "side": "university", "staff_no": "HACK",
                                                    "organisation": "HACK", "name": "HACK"})
    assert response.status_code == 302
    m = team.mentor_record
    assert (m.title, m.expertise, m.phone, m.email) == ("正高级工程师", "液体火箭发动机", "13912345678",
                                                        "li@example.com")
    assert (m.name, m.side, m.staff_no, m.organisation) == ("李工", "enterprise", "E001", "星海航天动力研究所")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "mentor", AuditEntry.action == "update")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_label == "mentor" and entry.actor_id == team.mentor.id
    assert entry.changes["expertise"] == ["", "液体火箭发动机"]
    assert "side" not in entry.changes
    assert "液体火箭发动机" in text_of(client.get("/me/mentor"))


def test_profile_errors_shown_in_place(client, team, login_as):
    login_as("mentor")
    response = client.post("/me/mentor/edit", data={**PROFILE, "phone": "12345", "email": "li@"})
    assert response.status_code == 200
    assert '"12345"' in response.get_data(as_text=True)
    assert team.mentor_record.phone == ""


def test_mentor_cannot_reach_others_or_change_terms(client, team, login_as):
    (other,) = add_people(team.base, "university", 1)
    appt = team.mentor_record.appointments[0]
    login_as("mentor")
    assert client.get(f"/mentors/{other.id}").status_code == 404
    for url in (f"/mentors/{team.mentor_record.id}/edit", f"/appointments/{appt.id}/edit",
                f"/appointments/{appt.id}/end", "/bases/SF-AP-01/mentors", "/bases/SF-AP-01/mentors/new",
                "/bases/SF-AP-01/students"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/appointments/{appt.id}/end", data={"ends_on": "2024-01-01", "reason": "x"}
                       ).status_code == 403
    assert appt.state == "active"


def test_staff_cannot_use_the_self_service_pages(client, team, login_as):
    login_as("coord")
    assert client.get("/me/mentor").status_code == 403
    assert client.get("/me/mentor/edit").status_code == 403


def test_update_profile_service_limits(team):
    import pytest

    from registry.errors import Forbidden

    (other,) = add_people(team.base, "university", 1)
    with pytest.raises(Forbidden):
        services.update_profile(other, title="x", actor=team.mentor)
    services.update_profile(team.mentor_record, title="研究员", actor=team.mentor)
    assert team.mentor_record.title == "研究员"
    services.update_profile(other, title="教授", actor=team.coord)  # the base's coordinator may too
    with pytest.raises(Forbidden):
        services.update_profile(other, title="x", actor=team.coord2)
