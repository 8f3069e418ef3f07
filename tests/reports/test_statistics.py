"""Ministry-wide statistics per year: the figures, the filters, the page with its charts, the Excel
file, and a fixed number of queries whatever the number of bases."""
from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from registry.audit.services import set_actor
from registry.checks.models import Submission
from registry.exchanges.models import Exchange
from registry.extensions import db
from registry.mentors.models import MentorAssignment, Student
from registry.reports.statistics import Filters, statistics
from registry.teaching.models import (IndustryCourse, JointLab, MajorProject, ResultTransfer, TeachingCase,
                                      TeachingTeam, TeachingTeamMember, Textbook)
from tests.checks.conftest import make_base, new_round, people
from tests.conftest import text_of

D = dt.date


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


def student(base, um, em, starts_on, ends_on=None, graduated_on=None, employment=None, no="S"):
    s = Student(base_id=base.id, name=f"学生{no}", student_no=no, level="master", enrolment_year=starts_on.year,
                graduated_on=graduated_on, employment=employment)
    db.session.add(s)
    db.session.flush()
    db.session.add(MentorAssignment(base_id=base.id, student_id=s.id, university_mentor_id=um.id,
                                    enterprise_mentor_id=em.id, starts_on=starts_on, ends_on=ends_on))
    return s


def exchange(base, kind, direction, starts_on, ends_on=None):
    db.session.add(Exchange(base_id=base.id, kind=kind, direction=direction, person_name="某人",
                            person_organisation="某单位", host_organisation="某东道主", starts_on=starts_on,
                            ends_on=ends_on))


def teaching(base, tag=""):
    """One record of each teaching kind: course 2023, case 2023, textbook 2024, lab 2022, project 2023,
    transfer 2024, and a joint team standing from 2022 on."""
    db.session.add_all([
        IndustryCourse(base_id=base.id, code=f"C{tag}", title="课程", lead_teachers="王工", hours=32, credits=2,
                       level="master", first_year=2023),
        TeachingCase(base_id=base.id, title=f"案例{tag}", year=2023),
        Textbook(base_id=base.id, title=f"教材{tag}", authors="王工", publisher="出版社", year=2024, isbn="9787000000000"),
        JointLab(base_id=base.id, kind="joint_lab", name=f"实验室{tag}", established_on=D(2022, 5, 1)),
        MajorProject(base_id=base.id, name=f"项目{tag}", category="national_major_project", starts_on=D(2023, 1, 1)),
        ResultTransfer(base_id=base.id, title=f"成果{tag}", kind="software", recipient="某公司",
                       transferred_on=D(2024, 2, 2)),
    ])
    team = TeachingTeam(base_id=base.id, name=f"团队{tag}", established_on=D(2022, 1, 1))
    db.session.add(team)
    db.session.flush()
    db.session.add_all([TeachingTeamMember(team_id=team.id, name="甲", side="university", organisation="大学",
                                           from_on=D(2022, 1, 1)),
                        TeachingTeamMember(team_id=team.id, name="乙", side="enterprise", organisation="企业",
                                           from_on=D(2022, 1, 1))])
    db.session.flush()


@pytest.fixture
def data(world):
    """SF-AP-01 (ministry, aerospace propulsion) and SL-SO-01 (co-built, ships) with known figures."""
    a, b = world.base, world.base2
    ent_a = people(a, "enterprise", 1, starts_on=D(2021, 1, 1))  # + 李工 (2020): 2 enterprise
    uni_a = people(a, "university", 4, starts_on=D(2021, 1, 1))
    people(a, "university", 1, starts_on=D(2021, 1, 1), ends_on=D(2022, 6, 30))  # gone by year end
    ent_b = people(b, "enterprise", 1, starts_on=D(2023, 3, 1))
    uni_b = people(b, "university", 1, starts_on=D(2023, 3, 1))
    student(a, uni_a[0], ent_a[0], D(2022, 9, 1), D(2024, 6, 30), D(2024, 6, 30), "partner_enterprise", no="A1")
    student(a, uni_a[1], ent_a[0], D(2023, 9, 1), no="A2")
    student(b, uni_b[0], ent_b[0], D(2023, 3, 1), D(2023, 12, 31), D(2023, 12, 31), None, no="B1")
    exchange(a, "secondment", "university_to_enterprise", D(2022, 11, 1), D(2023, 4, 30))
    exchange(a, "visit", "enterprise_to_university", D(2023, 5, 1))
    exchange(b, "study_tour", "university_to_enterprise", D(2023, 7, 1))
    teaching(a)
    db.session.flush()
    return world


def test_figures_per_year_across_all_bases(data):
    s = statistics(Filters(), 2022, 2024)
    assert s.base_count == 2
    assert s.row("mentors_total") == [6, 8, 8]
    assert s.row("enterprise_mentors") == [2, 3, 3]
    assert s.row("university_mentors") == [4, 5, 5]
    assert s.row("enterprise_share") == [Fraction(1, 3), Fraction(3, 8), Fraction(3, 8)]
    assert s.display("enterprise_share", 2022) == "33.3"
    assert s.row("students_jointly_trained") == [1, 3, 2]
    assert s.row("graduates") == [0, 1, 1]
    assert s.row("employment_partner_enterprise") == [0, 0, 1]
    assert s.row("employment_not_recorded") == [0, 1, 0]
    assert s.row("secondments_to_enterprise") == [1, 0, 0]  # counts in the year it started
    assert s.row("visits_to_university") == [0, 1, 0]
    assert s.row("study_tours") == [0, 1, 0]
    assert s.row("industry_courses") == [0, 1, 0]
    assert s.row("teaching_cases") == [0, 1, 0]
    assert s.row("textbooks") == [0, 0, 1]
    assert s.row("joint_labs") == [1, 0, 0]
    assert s.row("major_projects") == [0, 1, 0]
    assert s.row("results_transferred") == [0, 0, 1]
    assert s.row("teaching_teams") == [1, 1, 1]  # standing on 31 December


def test_filters_by_university_kind_field_and_round(data, world):
    ministry = statistics(Filters(kind="ministry"), 2022, 2024)
    assert ministry.base_count == 1
    assert ministry.row("mentors_total") == [6, 6, 6]
    assert ministry.row("students_jointly_trained") == [1, 2, 2]
    assert ministry.row("graduates") == [0, 0, 1]  # the co-built base's 2023 graduate is not the ministry's
    ships = statistics(Filters(field="ships_ocean"), 2023, 2023)
    assert (ships.base_count, ships.row("mentors_total"), ships.row("study_tours")) == (1, [2], [1])
    assert ships.row("employment_not_recorded") == [1]
    no_mentors_yet = statistics(Filters(field="ships_ocean"), 2022, 2022)
    assert (no_mentors_yet.row("enterprise_share"), no_mentors_yet.display("enterprise_share", 2022)) == ([0], "0.0")
    r = new_round(world.admin)
    db.session.add(Submission(round_id=r.id, base_id=world.base2.id, university_id=world.uni2.id,
                              submitted_on=D(2022, 11, 1), snapshot={}))
    db.session.flush()
    in_round = statistics(Filters(round_id=r.id), 2023, 2023)
    assert (in_round.base_count, in_round.row("students_jointly_trained")) == (1, [1])
    assert statistics(Filters(field="ai"), 2023, 2023).row("mentors_total") == [0]


def _grow(world, n):
    for i in range(n):
        base = make_base(f"GROW-{i:03d}", world.uni if i % 2 else world.uni2, world.ent, field="ai")
        e = people(base, "enterprise", 2, starts_on=D(2021, 1, 1))
        u = people(base, "university", 3, starts_on=D(2021, 1, 1))
        student(base, u[0], e[0], D(2022, 9, 1), D(2024, 6, 30), D(2024, 6, 30), "industry", no=f"G{i}")
        exchange(base, "visit", "university_to_enterprise", D(2023, 3, 1))
        teaching(base, tag=str(i))
    db.session.flush()


def test_a_fixed_number_of_queries_whatever_the_number_of_bases(data, world, client, login_as, query_counter):
    login_as(world.admin)
    urls = ["/reports/statistics?from=2021&until=2025", "/reports/statistics.xlsx?from=2021&until=2025",
            "/reports/statistics/chart/mentors.svg?from=2021&until=2025"]

    def measure():
        db.session.commit()  # each measure starts from a committed (expired) session
        with query_counter() as n:
            s = statistics(Filters(), 2021, 2025)
        counts = [n()]
        for url in urls:
            with query_counter() as n:
                assert client.get(url).status_code == 200
            counts.append(n())
        return s, counts

    small, few = measure()
    _grow(world, 12)
    large, many = measure()
    assert (small.base_count, large.base_count) == (2, 14)
    assert large.value("students_jointly_trained", 2023) == small.value("students_jointly_trained", 2023) + 12
    assert few == many
    assert few[0] <= 8


def test_page_shows_the_table_charts_and_download(data, world, client, login_as):
    db.session.commit()
    login_as(world.admin)
    response = client.get("/reports/statistics?from=2022&until=2024&kind=ministry")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="chart-mentors"' in html and 'id="chart-share"' in html and "cdn" not in html.lower()
    text = text_of(response)
    assert "联合培养学生数" in text and "毕业生" in text
    row = html.split('data-figure="students_jointly_trained"')[1].split("</tr>")[0]
    assert [c.split(">")[1].split("<")[0] for c in row.split("<td")[2:]] == ["1", "2", "2"]
    svg = client.get("/reports/statistics/chart/share.svg?from=2022&until=2024")
    assert svg.mimetype == "image/svg+xml" and b"<script" not in svg.data
    for name in ("mentors", "students", "employment", "exchanges", "teaching"):
        assert client.get(f"/reports/statistics/chart/{name}.svg").status_code == 200
    assert client.get("/reports/statistics/chart/nope.svg").status_code == 404


def test_excel_file_has_a_row_per_figure_and_a_column_per_year(data, world, client, login_as):
    db.session.commit()
    login_as(world.admin)
    response = client.get("/reports/statistics.xlsx?from=2022&until=2024")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["年度统计", "说明"]
    rows = {r[1]: r[2:] for r in book["年度统计"].iter_rows(min_row=2, values_only=True)}
    header = next(book["年度统计"].iter_rows(max_row=1, values_only=True))
    assert header[2:] == ("2022年", "2023年", "2024年")
    assert rows["联合培养学生数"] == (1, 3, 2)
    assert rows["企业导师占比（%）"] == (33.33, 37.5, 37.5)
    assert rows["成果转化"] == (0, 0, 1)
    notes = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["基地数"] == 2


def test_bad_filters_are_refused_in_words_and_only_the_ministry_sees_it(data, world, client, login_as):
    db.session.commit()
    login_as(world.admin)
    for query in ("from=20x2", "from=2025&until=2022", "field=nope", "kind=x", "round=abc", "from=1900"):
        response = client.get(f"/reports/statistics?{query}")
        assert response.status_code == 400, query
        assert "Traceback" not in response.get_data(as_text=True)
    assert "2025" in text_of(client.get("/reports/statistics?from=2025&until=2022"))
    login_as(world.unicoord)
    assert client.get("/reports/statistics").status_code == 403
    assert client.get("/reports/statistics.xlsx").status_code == 403


def test_year_range_edges():
    from registry.errors import DomainError
    from registry.reports.statistics import parse_years

    assert parse_years({}, today=D(2025, 6, 1)) == (2022, 2025)
    assert parse_years({}, today=D(2021, 6, 1)) == (2022, 2022)  # never before the notice's year
    assert parse_years({"from": "2000", "until": "2029"}) == (2000, 2029)  # 30 years: the most at once
    assert parse_years({"from": " 2100 ", "until": "2100"}) == (2100, 2100)
    for bad in ({"from": "2000", "until": "2030"}, {"from": "1999"}, {"until": "2101"}, {"from": "-2022"},
                {"from": "2024", "until": "2023"}):
        with pytest.raises(DomainError):
            parse_years(bad, today=D(2025, 1, 1))
    assert parse_years({"from": "2024", "until": "2024"}) == (2024, 2024)


def test_graduates_count_in_the_year_of_graduation_at_its_edges(world):
    e = people(world.base, "enterprise", 1, starts_on=D(2021, 1, 1))
    u = people(world.base, "university", 1, starts_on=D(2021, 1, 1))
    for no, day, outcome in (("Y1", D(2022, 12, 31), "industry"), ("Y2", D(2023, 1, 1), "industry"),
                             ("Y3", D(2023, 12, 31), "further_study"), ("Y4", D(2024, 1, 1), "other")):
        student(world.base, u[0], e[0], D(2021, 9, 1), day, day, outcome, no=no)
    student(world.base, u[0], e[0], D(2021, 9, 1), no="Y5")  # not graduated: no outcome counted
    db.session.flush()
    s = statistics(Filters(), 2023, 2023)
    assert (s.value("graduates", 2023), s.value("employment_industry", 2023),
            s.value("employment_further_study", 2023), s.value("employment_other", 2023)) == (2, 1, 1, 0)
    assert statistics(Filters(), 2022, 2024).row("graduates") == [1, 2, 1]


def test_excel_names_the_filters(data, world, client, login_as):
    db.session.commit()
    login_as(world.admin)
    book = load_workbook(io.BytesIO(client.get("/reports/statistics.xlsx?kind=co_built&field=ships_ocean").data))
    notes = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["基地数"] == 1
    assert "高校类别" in notes["统计范围"] and "部省共建高校" in notes["统计范围"] and "船舶" in notes["统计范围"]
    everything = load_workbook(io.BytesIO(client.get("/reports/statistics.xlsx").data))
    assert {r[0]: r[1] for r in everything["说明"].iter_rows(min_row=2, values_only=True)}["统计范围"] == "全部示范基地"


def test_filters_are_read_strictly(world):
    from registry.errors import DomainError
    from registry.reports.statistics import parse_filters, round_of

    assert parse_filters({}) == Filters()
    assert parse_filters({"field": " ai ", "kind": "ministry", "round": "7"}) == Filters("ai", "ministry", 7)
    for args, field in (({"field": "nope"}, "field"), ({"kind": "private"}, "kind"), ({"round": "7a"}, "round")):
        with pytest.raises(DomainError) as exc:
            parse_filters(args)
        assert exc.value.field == field
    with pytest.raises(DomainError) as exc:
        parse_filters({"field": "x" * 100})
    assert exc.value.params["value"] == "x" * 40
    r = new_round(world.admin)
    described = Filters("ai", "co_built", r.id).description(round_of(Filters(round_id=r.id)))
    assert [(str(k), v) for k, v in described] == [("重点领域", "人工智能"), ("高校类别", "部省共建高校"),
                                                   ("申报批次", "2022")]
    assert round_of(Filters()) is None


def test_error_messages_name_the_bad_value(app):
    from registry.errors import DomainError
    from registry.reports.statistics import parse_filters, parse_years

    cases = [
        (lambda: parse_filters({"field": "nope"}), 'Unknown key field "nope".'),
        (lambda: parse_filters({"kind": "k" * 50}), f'Unknown university kind "{"k" * 40}".'),
        (lambda: parse_filters({"round": "x7"}), 'Unknown application round "x7".'),
        (lambda: parse_years({"from": "20x2"}), '"20x2" is not a year between 2000 and 2100.'),
        (lambda: parse_years({"from": "2100", "until": "2101"}), '"2101" is not a year between 2000 and 2100.'),
        (lambda: parse_years({"from": "1999", "until": "2000"}), '"1999" is not a year between 2000 and 2100.'),
        (lambda: parse_years({"from": "2024", "until": "2023"}), "The last year 2023 is before the first year 2024."),
        (lambda: parse_years({"from": "2000", "until": "2030"}), "At most 30 years at once."),
    ]
    for call, message in cases:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.en == message
    assert parse_years({"from": "2000", "until": "2000"}) == (2000, 2000)


def test_an_empty_year_reads_zero(app):
    from registry.reports.statistics import Statistics

    s = Statistics((2022,), Filters(), 0)
    assert s.value("enterprise_share", 2022) == 0 and isinstance(s.value("enterprise_share", 2022), Fraction)
    assert (s.display("enterprise_share", 2022), s.display("mentors_total", 2022)) == ("0.0", "0")
    assert s.row("textbooks") == [0]
    assert [(str(k), v) for k, v in Filters(round_id=5).description()] == [("申报批次", "5")]


def test_students_count_in_every_year_their_pairing_touches_even_by_one_day(world):
    e = people(world.base, "enterprise", 1, starts_on=D(2021, 1, 1))
    u = people(world.base, "university", 1, starts_on=D(2021, 1, 1))
    student(world.base, u[0], e[0], D(2022, 9, 1), D(2023, 1, 1), no="J1")  # last day: 1 January 2023
    student(world.base, u[0], e[0], D(2023, 12, 31), no="J2")  # first day: 31 December 2023
    db.session.flush()
    assert statistics(Filters(), 2021, 2024).row("students_jointly_trained") == [0, 1, 2, 1]
