"""Industry courses, cases, textbooks (ISBN), teams over time, labs, projects, results: validation
with its messages, the yearly counts pinned on known records, pages, scope and query counts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.errors import DomainError
from registry.extensions import db
from registry.teaching import queries, services
from registry.teaching.models import IndustryCourse, TeachingTeamMember
from tests.conftest import text_of

D = dt.date


def course(**kw):
    data = {"code": "AP6101", "title": "液体火箭发动机工程实践", "lead_teachers": "陈工、李工", "hours": 32,
            "credits": "2.5", "terms_offered": "2023秋", "level": "master", "first_year": 2023}
    data.update(kw)
    return data


def book(**kw):
    data = {"title": "试验技术", "authors": "陈工", "publisher": "出版社", "year": 2024, "isbn": "978-7-111-75312-4"}
    data.update(kw)
    return data


# ---- ISBN ----------------------------------------------------------------------------------

@pytest.mark.parametrize("given,stored", [
    ("978-7-111-75312-4", "9787111753124"),
    ("9787030660015", "9787030660015"),
    ("ISBN 978-7-03-066001-5", "9787030660015"),
    ("7-03-066001-3", "9787030660015"),  # ISBN-10 of the same book: one row, not two
    ("0-8044-2957-X", "9780804429573"),  # check digit X
    ("080442957x", "9780804429573"),
])
def test_isbn_accepted_and_normalised(given, stored):
    assert services.normalise_isbn(given) == stored


@pytest.mark.parametrize("given,expected", [
    ("978-7-111-75312-5", "The ISBN 978-7-111-75312-5 has a wrong check digit."),
    ("7-03-066001-8", "The ISBN 7-03-066001-8 has a wrong check digit."),
    ("12345", "\"12345\" is not an ISBN: 10 characters (the last may be X) or 13 digits starting with 978 or 979."),
    ("9771234567003", "\"9771234567003\" is not an ISBN: 10 characters (the last may be X) or 13 digits "
                      "starting with 978 or 979."),
    ("", "ISBN is required."),
])
def test_isbn_refused_with_its_message(given, expected):
    with pytest.raises(DomainError) as exc:
        services.normalise_isbn(given)
    assert exc.value.en == expected
    assert exc.value.field == "isbn"


def test_the_same_book_by_isbn10_and_isbn13_is_one_textbook(world):
    services.create_textbook(world.base, book(isbn="978-7-03-066001-5"), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_textbook(world.base, book(title="另一个标题", isbn="7030660013"), actor=None)
    assert exc.value.en == "A textbook with ISBN 9787030660015 is already recorded."
    services.create_textbook(world.base2, book(isbn="7030660013"), actor=None)  # another base may record it too


# ---- courses -------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,expected", [
    ("code", "", "Course code is required."),
    ("lead_teachers", "", "Lead teachers (enterprise) is required."),
    ("hours", "abc", "Hours must be a whole number."),
    ("hours", 0, "Hours must be between 1 and 2000."),
    ("credits", "x", "Credits must be a number."),
    ("credits", "2.25", "Credits may have at most 1 decimal places."),
    ("credits", "-1", "Credits must be between 0 and 100."),
    ("level", "phd", "Level: unknown value \"phd\"; use one of: undergraduate, master, doctoral"),
    ("first_year", 1800, "Year first offered must be between 1950 and 2100."),
])
def test_course_fields_checked(world, field, value, expected):
    with pytest.raises(DomainError) as exc:
        services.create_course(world.base, course(**{field: value}), actor=None)
    assert (exc.value.en, exc.value.field) == (expected, field)


def test_course_code_unique_per_base(world):
    services.create_course(world.base, course(), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_course(world.base, course(title="别的"), actor=None)
    assert exc.value.en == "A course with code AP6101 is already recorded."
    services.create_course(world.base2, course(), actor=None)


def test_case_cannot_point_at_another_bases_course(world):
    other = services.create_course(world.base2, course(), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_case(world.base, {"title": "案例", "year": 2024, "course_id": other.id}, actor=None)
    assert exc.value.en == "Course: no such record at this base."


# ---- teams ---------------------------------------------------------------------------------

def test_a_team_is_joint_only_while_both_sides_are_active(world, client, login_as):
    team = services.create_team(world.base, {"name": "教学团队", "established_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": "郑老师", "side": "university", "organisation": "示范工业大学",
                                    "is_leader": True, "from_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"mentor_id": world.mentor_record.id, "from_on": D(2023, 3, 1),
                                    "until_on": D(2024, 6, 30)}, actor=None)
    sides = lambda day: queries.team_sides_on([team.id], day)[team.id]  # noqa: E731
    assert not queries.is_joint(sides(D(2023, 2, 28)))
    assert queries.is_joint(sides(D(2023, 3, 1)))
    assert queries.is_joint(sides(D(2024, 6, 30)))  # the last day counts
    assert not queries.is_joint(sides(D(2024, 7, 1)))
    assert sides(D(2024, 7, 1)) == {"university": 1, "enterprise": 0}
    db.session.commit()
    login_as("coord")
    page = text_of(client.get(f"/bases/SF-AP-01/teaching/teams/{team.id}"))
    client.get("/lang/en")
    page = text_of(client.get(f"/bases/SF-AP-01/teaching/teams/{team.id}"))
    assert "Not a university–enterprise teaching team today" in page
    listing = client.get("/bases/SF-AP-01/teaching/teams").get_data(as_text=True)
    assert 'class="col-sides">1 / 0</td>' in listing


def test_team_members_rules(world):
    team = services.create_team(world.base, {"name": "团队", "established_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": "甲", "side": "university", "organisation": "大学", "is_leader": True,
                                    "from_on": D(2023, 1, 1), "until_on": D(2023, 12, 31)}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.add_team_member(team, {"name": "乙", "side": "enterprise", "organisation": "所", "is_leader": True,
                                        "from_on": D(2023, 6, 1)}, actor=None)
    assert exc.value.en == "甲 already leads this team over these dates; end their term first."
    services.add_team_member(team, {"name": "乙", "side": "enterprise", "organisation": "所", "is_leader": True,
                                    "from_on": D(2024, 1, 1)}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.add_team_member(team, {"name": "甲", "side": "university", "organisation": "大学",
                                        "from_on": D(2023, 5, 1)}, actor=None)
    assert exc.value.en == "甲 is already a member of this team over these dates."
    with pytest.raises(DomainError) as exc:
        services.add_team_member(team, {"name": "丙", "side": "university", "organisation": "大学",
                                        "from_on": D(2023, 5, 1), "until_on": D(2023, 4, 1)}, actor=None)
    assert exc.value.field == "until_on"
    with pytest.raises(DomainError) as exc:
        services.add_team_member(team, {"name": "丁", "side": "both", "organisation": "大学", "from_on": D(2023, 5, 1)}, actor=None)
    assert exc.value.field == "side"


# ---- projects ------------------------------------------------------------------------------

def test_project_participants_students_and_mentors(world):
    project = services.create_project(world.base, {"name": "重大专项", "category": "national_major_project",
                                                   "starts_on": D(2022, 1, 1)}, actor=None)
    services.add_participant(project, {"kind": "mentor", "mentor_id": world.mentor_record.id, "role": "负责人"}, actor=None)
    services.add_participant(project, {"kind": "student", "name": "王同学", "student_no": "S1"}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.add_participant(project, {"kind": "mentor", "mentor_id": world.mentor_record.id}, actor=None)
    assert exc.value.en == "李工 is already in this project."
    with pytest.raises(DomainError) as exc:
        services.add_participant(project, {"kind": "student", "name": ""}, actor=None)
    assert exc.value.en == "Name is required."
    assert [(p.kind, p.name) for p in project.participants] == [("mentor", "李工"), ("student", "王同学")]
    with pytest.raises(DomainError) as exc:
        services.create_project(world.base, {"name": "项目2", "category": "other", "starts_on": D(2022, 1, 1),
                                             "ends_on": D(2021, 1, 1)}, actor=None)
    assert exc.value.field == "ends_on"


def test_result_value_and_duplicate(world):
    services.create_result(world.base, {"title": "软件", "kind": "software", "recipient": "星海",
                                        "transferred_on": D(2024, 6, 1), "contract_value": "35.5"}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_result(world.base, {"title": "软件", "kind": "software", "recipient": "别处",
                                            "transferred_on": D(2024, 6, 1)}, actor=None)
    assert exc.value.en == "The transfer of 软件 on 2024-06-01 is already recorded."
    with pytest.raises(DomainError) as exc:
        services.create_result(world.base, {"title": "专利", "kind": "patent_licence", "recipient": "星海",
                                            "transferred_on": D(2024, 6, 1), "contract_value": "1.234"}, actor=None)
    assert exc.value.en == "Contract value (10,000 yuan) may have at most 2 decimal places."


# ---- the yearly counts ---------------------------------------------------------------------

@pytest.fixture
def known(world):
    """Known records of base A (and one of base B), with the year each counts in."""
    a, b = world.base, world.base2
    services.create_course(a, course(code="C1", first_year=2023), actor=None)
    services.create_course(a, course(code="C2", first_year=2024), actor=None)
    services.create_course(a, course(code="C3", first_year=2024), actor=None)
    services.create_course(b, course(code="C1", first_year=2024), actor=None)
    services.create_case(a, {"title": "案例一", "year": 2024}, actor=None)
    services.create_textbook(a, book(year=2025), actor=None)
    services.create_lab(a, {"kind": "joint_lab", "name": "联合实验室", "established_on": D(2022, 12, 31)}, actor=None)
    services.create_lab(a, {"kind": "innovation_centre", "name": "协同创新中心", "established_on": D(2024, 1, 1)}, actor=None)
    services.create_project(a, {"name": "项目", "category": "major_engineering", "starts_on": D(2023, 7, 1),
                                "ends_on": D(2026, 6, 30)}, actor=None)
    services.create_result(a, {"title": "成果", "kind": "patent_licence", "recipient": "星海",
                               "transferred_on": D(2025, 1, 1)}, actor=None)
    # A team joint from 2023-03-01 to 2024-06-30 (its enterprise member leaves): joint on 31 Dec 2023 only.
    team = services.create_team(a, {"name": "团队一", "established_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": "甲", "side": "university", "organisation": "大学", "from_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": "乙", "side": "enterprise", "organisation": "所", "from_on": D(2023, 3, 1),
                                    "until_on": D(2024, 6, 30)}, actor=None)
    # A team joint from 2024-12-31 on (its member's first day is the year's last).
    team2 = services.create_team(a, {"name": "团队二", "established_on": D(2024, 1, 1)}, actor=None)
    services.add_team_member(team2, {"name": "丙", "side": "university", "organisation": "大学",
                                     "from_on": D(2024, 1, 1)}, actor=None)
    services.add_team_member(team2, {"name": "丁", "side": "enterprise", "organisation": "所",
                                     "from_on": D(2024, 12, 31)}, actor=None)
    # A team of one side only never counts.
    team3 = services.create_team(a, {"name": "团队三", "established_on": D(2022, 1, 1)}, actor=None)
    services.add_team_member(team3, {"name": "戊", "side": "university", "organisation": "大学",
                                     "from_on": D(2022, 1, 1)}, actor=None)
    return world


def test_yearly_counts_are_pinned(known, query_counter):
    a, b = known.base.id, known.base2.id
    with query_counter() as n:
        counts = queries.yearly_counts([a, b], 2022, 2025)
    assert n() == 2
    assert {k: v for k, v in counts.items() if v} == {
        (a, "industry_courses", 2023): 1, (a, "industry_courses", 2024): 2, (b, "industry_courses", 2024): 1,
        (a, "teaching_cases", 2024): 1,
        (a, "textbooks", 2025): 1,
        (a, "joint_labs", 2022): 1, (a, "joint_labs", 2024): 1,
        (a, "major_projects", 2023): 1,
        (a, "results_transferred", 2025): 1,
        (a, "teaching_teams", 2023): 1, (a, "teaching_teams", 2024): 1, (a, "teaching_teams", 2025): 1,
    }
    assert len(counts) == 2 * 7 * 4


def test_panel_and_lists_show_the_records(known, client, login_as):
    login_as("coord")
    html = client.get("/bases/SF-AP-01?as_of=2025-03-01").get_data(as_text=True)
    assert 'id="panel-teaching"' in html
    listing = text_of(client.get("/bases/SF-AP-01/teaching/courses?year=2024"))
    assert "C2" in listing and "C3" in listing and "C1" not in listing
    assert text_of(client.get("/bases/SF-AP-01/teaching/courses?level=doctoral")).count("AP6101") == 0
    labs = client.get("/bases/SF-AP-01/innovation/labs?kind=innovation_centre").get_data(as_text=True)
    assert ">协同创新中心</a>" in labs and ">联合实验室</a>" not in labs


@pytest.mark.parametrize("url,add", [
    ("/bases/SF-AP-01/teaching/courses", lambda w, i: services.create_course(w.base, course(code=f"K{i}"), actor=None)),
    ("/bases/SF-AP-01/teaching/cases", lambda w, i: services.create_case(w.base, {"title": f"案例{i}", "year": 2024,
                                                                                  "course_id": _first_course(w)}, actor=None)),
    ("/bases/SF-AP-01/teaching/textbooks", lambda w, i: services.create_textbook(
        w.base, book(isbn=_isbn(i), course_id=_first_course(w)), actor=None)),
    ("/bases/SF-AP-01/teaching/teams", lambda w, i: _team(w, i)),
    ("/bases/SF-AP-01/innovation/projects", lambda w, i: _project(w, i)),
    ("/bases/SF-AP-01/innovation/results", lambda w, i: services.create_result(
        w.base, {"title": f"成果{i}", "kind": "software", "recipient": "星海", "transferred_on": D(2024, 1, 1),
                 "project_id": _first_project(w)}, actor=None)),
])
def test_list_query_count_does_not_grow_with_rows(world, client, login_as, query_counter, url, add):
    login_as("coord")
    add(world, 0)
    client.get(url)
    with query_counter() as few:
        assert client.get(url).status_code == 200
    for i in range(1, 11):
        add(world, i)
    with query_counter() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert many() == few(), url


def _first_course(w):
    found = db.session.scalar(select(IndustryCourse.id).where(IndustryCourse.base_id == w.base.id).limit(1))
    return found or services.create_course(w.base, course(code="BASE"), actor=None).id


def _first_project(w):
    from registry.teaching.models import MajorProject

    found = db.session.scalar(select(MajorProject.id).where(MajorProject.base_id == w.base.id).limit(1))
    return found or _project(w, 999).id


def _isbn(i):
    body = f"978711100{i:03d}"
    return body + str((10 - sum((1 if k % 2 == 0 else 3) * int(c) for k, c in enumerate(body)) % 10) % 10)


def _team(w, i):
    team = services.create_team(w.base, {"name": f"团队{i}", "established_on": D(2023, 1, 1)}, actor=None)
    services.add_team_member(team, {"name": f"甲{i}", "side": "university", "organisation": "大学",
                                    "from_on": D(2023, 1, 1)}, actor=None)
    return team


def _project(w, i):
    project = services.create_project(w.base, {"name": f"项目{i}", "category": "other", "starts_on": D(2023, 1, 1)}, actor=None)
    services.add_participant(project, {"kind": "student", "name": f"学生{i}", "student_no": f"S{i}"}, actor=None)
    return project


def test_member_pages_and_audit(world, client, login_as):
    team = services.create_team(world.base, {"name": "团队", "established_on": D(2023, 1, 1)}, actor=None)
    db.session.commit()
    login_as("coord")
    url = f"/bases/SF-AP-01/teaching/teams/{team.id}"
    response = client.post(url + "/members", data={"mentor_id": "0", "name": "郑老师", "side": "university",
                                                   "organisation": "示范工业大学", "from_on": "2023-01-01"})
    assert response.status_code == 302
    response = client.post(url + "/members", data={"mentor_id": "0", "name": "", "side": "university",
                                                   "organisation": "示范工业大学", "from_on": "2023-01-01"})
    assert response.status_code == 400  # the team page again, the form open with its error
    assert "请填写名称。" in text_of(response)  # beside the field, in Chinese first
    member = db.session.scalar(select(TeachingTeamMember).where(TeachingTeamMember.team_id == team.id))
    response = client.post(f"{url}/members/{member.id}/edit", data={
        "mentor_id": "0", "name": "郑老师", "side": "university", "organisation": "示范工业大学",
        "from_on": "2023-01-01", "until_on": "2024-01-01"})
    assert response.status_code == 302
    assert client.post(f"{url}/members/{member.id}/delete").status_code == 302
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.base_id).where(
        AuditEntry.table == "teaching_team_member", AuditEntry.record_id == member.id).order_by(AuditEntry.id)).all()
    assert entries == [("create", world.base.id), ("update", world.base.id), ("delete", world.base.id)]
    # Another base's coordinator sees nothing of it.
    login_as("coord2")
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/members", data={}).status_code == 404


def test_deleting_a_course_unlinks_its_cases_and_books_in_the_audit_log(world):
    from registry.teaching.models import TeachingCase, Textbook

    first = services.create_course(world.base, course(), actor=None)
    case = services.create_case(world.base, {"title": "试车事故复盘", "year": 2024, "course_id": first.id}, actor=None)
    textbook = services.create_textbook(world.base, book(course_id=first.id), actor=None)
    services.delete_course(first, actor=None)
    db.session.expire_all()
    assert db.session.get(TeachingCase, case.id).course_id is None
    assert db.session.get(Textbook, textbook.id).course_id is None
    unlinked = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                           AuditEntry.table.in_(["teaching_case", "textbook"]))).all()
    assert {(e.table, e.record_id) for e in unlinked} == {("teaching_case", case.id), ("textbook", textbook.id)}
    assert all(e.changes["course_id"] == [first.id, None] for e in unlinked)
    # A course created later never inherits the old links, even if the database reuses the id.
    services.create_course(world.base, course(code="AP6199", title="新课程"), actor=None)
    assert db.session.get(TeachingCase, case.id).course_id is None
