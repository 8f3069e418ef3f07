"""The roster, students, appointment forms, the base panel and the ministry-wide page, as users see them."""
import datetime as dt

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import Appointment, Mentor, MentorAssignment, Student
from tests.conftest import text_of
from tests.mentors.conftest import D, add_people, appoint


def test_roster_shows_both_sides_and_appointments(client, team, login_as):
    add_people(team.base, "university", 2, prefix="校内")
    (gone,) = add_people(team.base, "university", 1, starts_on=D(2020, 1, 1), ends_on=D(2021, 1, 1), prefix="离任")
    login_as("coord")
    page = text_of(client.get("/bases/SF-AP-01/mentors?as_of=2024-09-01"))
    assert "李工" in page and "校内-" in page and gone.name in page
    assert "2020-01-01" in page
    # Chinese by default: 1 enterprise mentor (李工) and the 2 current university mentors.
    assert "企业导师 1 人，校内导师 2 人" in page
    html = client.get("/bases/SF-AP-01/mentors?as_of=2024-09-01").get_data(as_text=True)
    appointment = db.session.scalar(select(Appointment).where(Appointment.mentor_id == gone.id))
    assert f"/evidence/appointment/{appointment.id}" in html  # each appointment links to its evidence


def test_roster_filters(client, team, login_as):
    add_people(team.base, "university", 1, prefix="甲")
    add_people(team.base, "university", 1, starts_on=D(2020, 1, 1), ends_on=D(2021, 1, 1), prefix="乙")
    add_people(team.base, "university", 1, state="suspended", prefix="丙")
    add_people(team.base, "enterprise", 1, starts_on=D(2030, 1, 1), prefix="丁")
    login_as("coord")

    def names(query):
        html = client.get(f"/bases/SF-AP-01/mentors?as_of=2024-09-01&{query}").get_data(as_text=True)
        return {n for n in ("甲", "乙", "丙", "丁", "李工") if f">{n}" in html}

    assert names("") == {"甲", "乙", "丙", "丁", "李工"}
    assert names("side=enterprise") == {"丁", "李工"}
    assert names("state=active") == {"甲", "李工"}
    assert names("state=former") == {"乙"}
    assert names("state=suspended") == {"丙"}
    assert names("state=upcoming") == {"丁"}
    assert names("q=李") == {"李工"}
    assert names("state=nonsense&side=x") == {"甲", "乙", "丙", "丁", "李工"}


def test_roster_flags_students_lacking_a_mentor_and_overloaded_mentors(client, team, login_as):
    team.base.max_students_per_mentor = 1
    (uni,) = add_people(team.base, "university", 1, prefix="王")
    ent = team.mentor_record
    s1 = services.create_student(team.base, name="甲生", student_no="A1", level="master", enrolment_year=2023, actor=None)
    s2 = services.create_student(team.base, name="乙生", student_no="A2", level="master", enrolment_year=2023, actor=None)
    services.create_student(team.base, name="丙生", student_no="A3", level="doctoral", enrolment_year=2023, actor=None)
    for s in (s1, s2):
        services.assign_mentors(s, university_mentor=uni, enterprise_mentor=ent, starts_on=D(2023, 9, 1), actor=None)
    login_as("coord")
    response = client.get("/bases/SF-AP-01/mentors?as_of=2024-09-01")
    html = response.get_data(as_text=True)
    lacking = html.split('id="students-lacking"')[1].split("</ul>")[0]
    assert "丙生" in lacking and "甲生" not in lacking
    overloaded = html.split('id="mentors-overloaded"')[1].split("</ul>")[0]
    assert "王" in overloaded and "李工" in overloaded
    # suspend the enterprise mentor: both students now lack one
    services.suspend_appointment(ent.appointments[0], starts_on=D(2024, 9, 1), reason="x", actor=None)
    lacking = client.get("/bases/SF-AP-01/mentors?as_of=2024-09-01").get_data(as_text=True)
    lacking = lacking.split('id="students-lacking"')[1].split("</ul>")[0]
    assert "甲生" in lacking and "乙生" in lacking


def _roster_queries(client, query_counter, url):
    client.get(url)  # warm-up (session, user)
    with query_counter() as n:
        assert client.get(url).status_code == 200
    return n()


def test_roster_query_count_does_not_grow_with_the_roster(client, team, login_as, query_counter):
    login_as("coord")

    def grow(k):
        people = add_people(team.base, "university", k) + add_people(team.base, "enterprise", k)
        for p in people[:k]:
            appoint(team.base, p, D(2030, 1, 1))  # a second appointment each
        for i, p in enumerate(people[:k]):
            s = services.create_student(team.base, name=f"s{p.id}", student_no=f"N{p.id}", level="master",
                                        enrolment_year=2023, actor=None)
            if i % 2:
                services.assign_mentors(s, university_mentor=p, enterprise_mentor=people[k + i],
                                        starts_on=D(2023, 9, 1), ends_on=D(2025, 1, 1), actor=None)

    url = "/bases/SF-AP-01/mentors?as_of=2024-09-01"
    grow(3)
    small = _roster_queries(client, query_counter, url)
    grow(27)
    large = _roster_queries(client, query_counter, url)
    assert small == large, (small, large)
    assert "s" in text_of(client.get(url))


def test_students_page_query_count_does_not_grow(client, team, login_as, query_counter):
    login_as("coord")
    (uni,) = add_people(team.base, "university", 1)

    def grow(k, start):
        for i in range(k):
            s = services.create_student(team.base, name=f"生{start + i}", student_no=f"P{start + i}",
                                        level="master", enrolment_year=2023, actor=None)
            services.assign_mentors(s, university_mentor=uni, enterprise_mentor=team.mentor_record,
                                    starts_on=D(2023, 9, 1), actor=None)

    url = "/bases/SF-AP-01/students?as_of=2024-09-01"
    grow(3, 0)
    small = _roster_queries(client, query_counter, url)
    grow(27, 100)
    large = _roster_queries(client, query_counter, url)
    assert small == large
    page = text_of(client.get(url))
    assert "生0" in page and uni.name in page


def test_ratio_page_query_count_does_not_grow_with_bases(client, team, login_as, query_counter):
    from registry.orgs import services as orgs

    login_as("admin")

    def grow(k, start):
        for i in range(k):
            base = orgs.create_base(f"QC-{start + i:03d}", name=f"基地{start + i}", university=team.uni,
                                    enterprises=[team.ent], field="ai", cooperation_since=D(2020, 1, 1), actor=None)
            add_people(base, "enterprise", 1)
            add_people(base, "university", i % 4)

    grow(3, 0)
    small = _roster_queries(client, query_counter, "/ratio?as_of=2024-09-01")
    grow(27, 100)
    large = _roster_queries(client, query_counter, "/ratio?as_of=2024-09-01")
    assert small == large
    assert "QC-126" in text_of(client.get("/ratio?as_of=2024-09-01"))


def test_ratio_page_sorts_shortfalls_first_and_scopes(client, team, login_as):
    add_people(team.base2, "university", 5)  # SL-SO-01: 0 of 5, shortfall 3
    add_people(team.base, "university", 1)  # SF-AP-01: 1 of 2, meets
    login_as("admin")
    html = client.get("/ratio?as_of=2024-09-01").get_data(as_text=True)
    assert html.index('data-base="SL-SO-01"') < html.index('data-base="SF-AP-01"')
    html = client.get("/ratio?as_of=2024-09-01&sort=code").get_data(as_text=True)
    assert html.index('data-base="SF-AP-01"') < html.index('data-base="SL-SO-01"')
    html = client.get("/ratio?as_of=2024-09-01&sort=code&dir=desc").get_data(as_text=True)
    assert html.index('data-base="SL-SO-01"') < html.index('data-base="SF-AP-01"')
    assert 'aria-sort="descending"' in html
    for sort in ("name", "enterprise", "university", "total", "share", "meets", "shortfall", "bogus"):
        assert client.get(f"/ratio?sort={sort}").status_code == 200
    client.post("/auth/logout")
    login_as("coord")
    page = text_of(client.get("/ratio?as_of=2024-09-01"))
    assert "SF-AP-01" in page and "SL-SO-01" not in page


def test_base_panel_shows_ratio_warning_and_history(client, team, login_as, app):
    today = dt.date.today()
    add_people(team.base, "university", 3, prefix="校内")  # 1 of 4 today: fails; shortfall 1
    add_people(team.base, "enterprise", 1, ends_on=today + dt.timedelta(days=30), prefix="将离任")  # 2 of 5 today
    login_as("coord")
    response = client.get("/bases/SF-AP-01")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    panel = html.split('id="mentor-ratio-panel"')[1].split("</section>")[0]
    assert 'id="ratio-enterprise">2<' in panel and 'id="ratio-university">3<' in panel
    assert "40.00%" in panel
    warning = panel.split('id="ratio-warning"')[1]
    assert "将离任" in warning and (today + dt.timedelta(days=30)).isoformat() in warning
    assert 'id="ratio-warning-add"' in warning
    assert "ratio-history.svg" in panel and 'id="ratio-history-table"' in panel
    # the window is configurable
    app.config["RATIO_WARNING_DAYS"] = 20
    try:
        assert 'id="ratio-warning"' not in client.get("/bases/SF-AP-01").get_data(as_text=True)
    finally:
        app.config["RATIO_WARNING_DAYS"] = 90
    # another date: the page's as-of date
    html = client.get("/bases/SF-AP-01?as_of=2019-01-01").get_data(as_text=True)
    assert 'id="ratio-total">0<' in html


def test_base_panel_hides_names_from_mentors(client, team, login_as):
    today = dt.date.today()
    add_people(team.base, "university", 3)
    add_people(team.base, "enterprise", 1, ends_on=today + dt.timedelta(days=30), prefix="将离任")
    login_as("mentor")
    html = client.get("/bases/SF-AP-01").get_data(as_text=True)
    assert 'id="ratio-warning"' in html and "将离任" not in html


# ---- forms -----------------------------------------------------------------------------------

FORM = {"name": "赵新", "side": "enterprise", "organisation": "星海航天动力研究所", "staff_no": "E777",
        "title": "高级工程师", "degree": "", "expertise": "试验", "email": "zhao@example.com",
        "phone": "138 0000 7777", "biography": "", "starts_on": "2024-01-01", "ends_on": ""}


def test_add_mentor_through_the_form(client, team, login_as):
    login_as("coord")
    response = client.post("/bases/SF-AP-01/mentors/new", data=FORM)
    assert response.status_code == 302
    mentor = db.session.scalar(select(Mentor).where(Mentor.staff_no == "E777"))
    assert mentor.phone == "13800007777" and mentor.appointments[0].starts_on == D(2024, 1, 1)
    # same person again, overlapping: the message names the other appointment, beside the date
    response = client.post("/bases/SF-AP-01/mentors/new", data={**FORM, "starts_on": "2025-01-01"})
    assert response.status_code == 200
    assert "2024-01-01" in text_of(response)
    assert db.session.scalar(select(db.func.count()).select_from(Appointment)
                             .where(Appointment.mentor_id == mentor.id)) == 1


def test_add_mentor_form_errors_in_place(client, team, login_as):
    login_as("coord")
    response = client.post("/bases/SF-AP-01/mentors/new", data={**FORM, "phone": "12345", "email": "x@"})
    assert response.status_code == 200
    assert '"12345"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Mentor).where(Mentor.staff_no == "E777")) is None
    response = client.post("/bases/SF-AP-01/mentors/new", data={})
    assert response.status_code == 200


def test_attach_existing_person_through_the_form(client, team, login_as):
    login_as("coord")
    data = {**FORM, "name": "李工", "staff_no": "E001", "organisation": "星海航天动力研究所", "expertise": "新",
            "starts_on": "2019-01-01", "ends_on": "2019-12-31"}
    response = client.post("/bases/SF-AP-01/mentors/new", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert team.mentor_record.expertise == "" and len(team.mentor_record.appointments) == 2


def test_appointment_actions_through_forms(client, team, login_as):
    (person,) = add_people(team.base, "university", 1, starts_on=D(2022, 1, 1))
    appt = person.appointments[0]
    login_as("coord")
    for path in ("edit", "renew", "end", "suspend", "resume"):
        assert client.get(f"/appointments/{appt.id}/{path}").status_code == 200
    assert client.post(f"/appointments/{appt.id}/suspend",
                       data={"starts_on": "2024-01-01", "reason": "出国"}).status_code == 302
    assert [(s.starts_on, s.ends_on, s.reason) for s in appt.suspensions] == [(D(2024, 1, 1), None, "出国")]
    response = client.post(f"/appointments/{appt.id}/suspend", data={"starts_on": "2024-06-01", "reason": "出国"})
    assert response.status_code == 200 and "2024-01-01" in response.get_data(as_text=True)
    page = client.get(f"/appointments/{appt.id}/resume").get_data(as_text=True)
    periods = page.split('id="appointment-suspensions"')[1].split("</table>")[0]
    assert "2024-01-01" in periods and "出国" in periods
    assert client.post(f"/appointments/{appt.id}/resume", data={"on": "2024-03-01"},
                       query_string={"from": "mentor"}).headers["Location"].endswith(f"/mentors/{person.id}")
    assert appt.suspensions[0].ends_on == D(2024, 2, 29)
    assert client.post(f"/appointments/{appt.id}/renew", data={"starts_on": "2025-01-01"}).status_code == 302
    assert appt.ends_on == D(2024, 12, 31)
    renewal = person.appointments[-1]
    assert client.post(f"/appointments/{renewal.id}/end", data={"ends_on": "2025-06-30", "reason": "退休"}
                       ).status_code == 302
    assert (renewal.state, renewal.ends_on) == ("ended", D(2025, 6, 30))
    response = client.post(f"/appointments/{appt.id}/edit", data={"starts_on": "2022-01-01", "ends_on": "2025-03-01"})
    assert response.status_code == 200 and "2025-01-01" in text_of(response)
    assert client.post(f"/appointments/{appt.id}/end", data={}).status_code == 200


def test_mentor_edit_by_coordinator(client, team, login_as):
    login_as("coord")
    m = team.mentor_record
    data = {"name": "李工", "side": "enterprise", "organisation": m.organisation, "staff_no": "E001",
            "title": "研究员", "degree": "", "expertise": "", "email": "", "phone": "", "biography": ""}
    assert client.post(f"/mentors/{m.id}/edit", data=data).status_code == 302
    assert m.title == "研究员"


def test_student_pages_and_assignment(client, team, login_as):
    (uni,) = add_people(team.base, "university", 1, prefix="王")
    login_as("coord")
    response = client.post("/bases/SF-AP-01/students/new", data={
        "name": "陈同学", "student_no": "S1", "level": "doctoral", "enrolment_year": "2023", "programme": "动力",
        "major_project": "", "graduated_on": "", "employment": "", "employer": ""})
    assert response.status_code == 302
    student = db.session.scalar(select(Student).where(Student.student_no == "S1"))
    assert client.get(f"/students/{student.id}/assign").status_code == 200
    response = client.post(f"/students/{student.id}/assign", data={
        "university_mentor_id": uni.id, "enterprise_mentor_id": 0, "starts_on": "2023-09-01"})
    assert response.status_code == 200 and "请选择企业导师" in text_of(response)
    response = client.post(f"/students/{student.id}/assign", data={
        "university_mentor_id": uni.id, "enterprise_mentor_id": team.mentor_record.id, "starts_on": "2023-09-01"})
    assert response.status_code == 302
    assignment = db.session.scalar(select(MentorAssignment).where(MentorAssignment.student_id == student.id))
    page = text_of(client.get(f"/students/{student.id}"))
    assert "王" in page and "李工" in page
    assert client.post(f"/assignments/{assignment.id}/end", data={"ends_on": "2024-06-30"}).status_code == 302
    assert assignment.ends_on == D(2024, 6, 30)
    assert client.get(f"/students/{student.id}/edit").status_code == 200
    assert "陈同学" in text_of(client.get("/bases/SF-AP-01/students?status=all"))


# ---- scope -----------------------------------------------------------------------------------

def test_scope_404_and_403(client, team, login_as):
    (person,) = add_people(team.base, "university", 1)
    appt = person.appointments[0]
    student = services.create_student(team.base, name="甲", student_no="Z1", level="master",
                                      enrolment_year=2023, actor=None)
    login_as("coord2")
    for url in ("/bases/SF-AP-01/mentors", "/bases/SF-AP-01/students", f"/appointments/{appt.id}/end",
                f"/mentors/{person.id}", f"/mentors/{person.id}/edit", f"/students/{student.id}",
                f"/students/{student.id}/assign", "/bases/SF-AP-01/mentors/new", "/appointments/999999/edit",
                "/mentors/999999", "/students/999999", "/assignments/999999/end"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/appointments/{appt.id}/suspend", data={"reason": "x"}).status_code == 404
    assert appt.state == "active"
    client.post("/auth/logout")
    login_as("reviewer")
    assert client.get("/bases/SF-AP-01/mentors").status_code == 200
    assert client.get(f"/mentors/{person.id}").status_code == 200
    assert client.get(f"/appointments/{appt.id}/end").status_code == 403
    client.post("/auth/logout")
    login_as("mentor")
    assert client.get("/bases/SF-AP-01/mentors").status_code == 403


def test_reviewer_sees_masked_phones(client, team, login_as):
    team.mentor_record.phone = "13812345678"
    login_as("reviewer")
    html = client.get("/bases/SF-AP-01/mentors").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html
    client.post("/auth/logout")
    login_as("coord")
    assert "13812345678" in client.get("/bases/SF-AP-01/mentors").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/bases/NOPE/mentors", "/bases/NOPE/students", "/bases/NOPE/mentors/new",
                                 "/bases/NOPE/mentors/ratio-history.svg", "/bases/SF-AP-01/mentors/999/appoint"])
def test_unknown_things_are_404(client, team, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 404


def test_empty_posts_never_500(client, team, login_as):
    (person,) = add_people(team.base, "university", 1)
    appt = person.appointments[0]
    student = services.create_student(team.base, name="甲", student_no="Z1", level="master",
                                      enrolment_year=2023, actor=None)
    login_as("admin")
    for url in ("/bases/SF-AP-01/mentors/new", f"/mentors/{person.id}/edit", f"/appointments/{appt.id}/edit",
                f"/appointments/{appt.id}/renew", f"/appointments/{appt.id}/end", f"/appointments/{appt.id}/suspend",
                f"/appointments/{appt.id}/resume", "/bases/SF-AP-01/students/new", f"/students/{student.id}/edit",
                f"/students/{student.id}/assign", f"/bases/SF-AP-01/mentors/{person.id}/appoint"):
        assert client.post(url, data={}).status_code == 200, url
        assert client.post(url, data={"starts_on": "garbage", "university_mentor_id": "x",
                                      "enrolment_year": "x", "ends_on": "2024-02-30"}).status_code == 200, url


def test_suspend_and_resume_from_the_roster_and_the_mentor_page(client, team, login_as):
    (person,) = add_people(team.base, "enterprise", 1, starts_on=D(2022, 1, 1))
    appt = person.appointments[0]
    login_as("coord")
    roster = client.get("/bases/SF-AP-01/mentors").get_data(as_text=True)
    row = roster.split(f'data-appointment="{appt.id}"')[1].split("</li>")[0]
    assert f"/appointments/{appt.id}/suspend" in row and f"/appointments/{appt.id}/resume" not in row
    page = client.get(f"/mentors/{person.id}").get_data(as_text=True)
    assert f"/appointments/{appt.id}/suspend?from=mentor" in page
    response = client.post(f"/appointments/{appt.id}/suspend?from=mentor",
                           data={"starts_on": "2024-02-29", "ends_on": "", "reason": "出国"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/mentors/{person.id}")
    page = client.get(f"/mentors/{person.id}").get_data(as_text=True)
    assert "2024-02-29" in page and "出国" in page and f"/appointments/{appt.id}/resume?from=mentor" in page
    # the roster as of the day before shows the person active; as of the first day, suspended
    assert person.name in client.get("/bases/SF-AP-01/mentors?as_of=2024-02-28&state=active").get_data(as_text=True)
    assert person.name in client.get("/bases/SF-AP-01/mentors?as_of=2024-02-29&state=suspended").get_data(as_text=True)
    # errors come back on the form, beside their field, nothing written
    bad = client.post(f"/appointments/{appt.id}/resume", data={"on": "2024-02-29"})
    assert bad.status_code == 200 and appt.suspensions[0].ends_on is None
    assert client.post(f"/appointments/{appt.id}/resume", data={"on": "2025-01-01"}).status_code == 302
    roster = client.get("/bases/SF-AP-01/mentors").get_data(as_text=True)
    row = roster.split(f'data-appointment="{appt.id}"')[1].split("</li>")[0]
    assert "2024-02-29 – 2024-12-31" in row and f"/appointments/{appt.id}/suspend" in row
