"""The evaluation on a fixture base: the registry's figures equal counts computed here, from the
records this test made, independently of the query code; targets beside them, shortfalls marked."""
from __future__ import annotations

import datetime as dt
import decimal
import io
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from registry.audit.services import set_actor
from registry.checks import services
from registry.checks.queries import INDICATORS, evaluation_of
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from tests.checks.conftest import eligible_base, people, postgraduate, walk_to
from tests.conftest import text_of

D = dt.date
# Recognised 2022-12-27: the cycle's three construction years, written out (domain.md).
WINDOWS = {1: (D(2022, 12, 27), D(2023, 12, 26)), 2: (D(2023, 12, 27), D(2024, 12, 26)),
           3: (D(2024, 12, 27), D(2025, 12, 26))}
YEARS = (1, 2, 3)
# Records dated only by a year count in the construction year holding 1 July of it; 2022's does not count.
BARE_YEAR = {2023: 1, 2024: 2, 2025: 3}

# (kind, direction, start) of the fixture's exchanges: the day before and the day of each boundary
EXCHANGES = [("secondment", "university_to_enterprise", D(2022, 12, 26)),  # before recognition: not counted
             ("secondment", "university_to_enterprise", D(2022, 12, 27)),  # the cycle's first day
             ("secondment", "university_to_enterprise", D(2023, 12, 26)),  # year 1's last day
             ("secondment", "enterprise_to_university", D(2023, 12, 27)),  # year 2's first day
             ("visit", "university_to_enterprise", D(2024, 6, 1)),
             ("study_tour", "university_to_enterprise", D(2025, 12, 26)),  # the cycle's last day
             ("visit", "enterprise_to_university", D(2025, 12, 27))]  # after the cycle: not counted
COURSE_YEARS = [2023, 2024, 2025]
CASE_YEARS = [2022, 2024, 2024]
TEXTBOOK_YEARS = [2025]
LAB_DATES = [D(2023, 5, 1)]
PROJECT_DATES = [D(2022, 3, 1)]
RESULT_DATES = [D(2024, 12, 27)]


def _year_of(day):
    return next((k for k, (first, last) in WINDOWS.items() if first <= day <= last), None)


def _expected():
    """Per (indicator, construction year): what the records above and the team below should give."""
    exp = {(k, y): 0 for k in INDICATORS for y in YEARS}
    names = {("secondment", "university_to_enterprise"): "secondments_to_enterprise",
             ("secondment", "enterprise_to_university"): "secondments_to_university",
             ("visit", "university_to_enterprise"): "visits_to_enterprise",
             ("visit", "enterprise_to_university"): "visits_to_university"}
    for kind, direction, start in EXCHANGES:
        key = "study_tours" if kind == "study_tour" else names[(kind, direction)]
        if _year_of(start):
            exp[(key, _year_of(start))] += 1
    for key, years in (("industry_courses", COURSE_YEARS), ("teaching_cases", CASE_YEARS),
                       ("textbooks", TEXTBOOK_YEARS)):
        for y in years:
            if y in BARE_YEAR:
                exp[(key, BARE_YEAR[y])] += 1
    for key, days in (("joint_labs", LAB_DATES), ("major_projects", PROJECT_DATES),
                      ("results_transferred", RESULT_DATES)):
        for day in days:
            if _year_of(day):
                exp[(key, _year_of(day))] += 1
    exp[("teaching_teams", 1)] = 1  # both sides on 2023-12-26 only
    return exp


@pytest.fixture
def recognised(world):
    """An eligible base, recognised on 2022-12-27, with records across the plan years 2022–2024."""
    from registry.exchanges.models import Exchange
    from registry.teaching.models import (IndustryCourse, JointLab, MajorProject, ResultTransfer, TeachingCase,
                                          TeachingTeam, TeachingTeamMember, Textbook)

    set_actor(db.session, None, "fixture")
    base = eligible_base("EV-01", world.uni, world.ent)  # 3 enterprise, 4 university mentors from 2019
    walk_to(base, "in_construction", world)
    uni_mentor = people(base, "university", 1, starts_on=D(2019, 1, 1), ends_on=D(2024, 6, 30))[0]
    ent_new = people(base, "enterprise", 2, starts_on=D(2023, 3, 1))
    postgraduate(base, starts_on=D(2023, 9, 1), ends_on=D(2024, 6, 30), university_mentor=uni_mentor,
                 enterprise_mentor=ent_new[0])
    postgraduate(base, starts_on=D(2024, 9, 1), level="doctoral", university_mentor=uni_mentor,
                 enterprise_mentor=ent_new[1])
    for i, (kind, direction, start) in enumerate(EXCHANGES):
        db.session.add(Exchange(base_id=base.id, kind=kind, direction=direction, person_name=f"人{i}",
                                person_organisation="示范工业大学", host_organisation="星海", starts_on=start))
    for i, y in enumerate(COURSE_YEARS):
        db.session.add(IndustryCourse(base_id=base.id, code=f"C{i}", title=f"课程{i}", lead_teachers="李工", hours=32,
                                      credits=decimal.Decimal("2.0"), level="master", first_year=y))
    for i, y in enumerate(CASE_YEARS):
        db.session.add(TeachingCase(base_id=base.id, title=f"案例{i}", year=y))
    for i, y in enumerate(TEXTBOOK_YEARS):
        db.session.add(Textbook(base_id=base.id, title=f"教材{i}", authors="张三", publisher="出版社", year=y,
                                isbn="9787111111111"))
    for i, d in enumerate(LAB_DATES):
        db.session.add(JointLab(base_id=base.id, kind="joint_lab", name=f"实验室{i}", established_on=d))
    for i, d in enumerate(PROJECT_DATES):
        db.session.add(MajorProject(base_id=base.id, name=f"项目{i}", category="national_major_project", starts_on=d))
    for i, d in enumerate(RESULT_DATES):
        db.session.add(ResultTransfer(base_id=base.id, title=f"成果{i}", kind="software", recipient="星海",
                                      transferred_on=d))
    team = TeachingTeam(base_id=base.id, name="教学团队", established_on=D(2022, 9, 1))
    db.session.add(team)
    db.session.flush()
    db.session.add_all([
        TeachingTeamMember(team_id=team.id, name="王老师", side="university", organisation="示范工业大学",
                           from_on=D(2022, 9, 1)),
        TeachingTeamMember(team_id=team.id, name="李工", side="enterprise", organisation="星海",
                           from_on=D(2022, 9, 1), until_on=D(2024, 1, 31))])
    db.session.flush()
    return base


def test_evaluation_figures_equal_independent_counts(recognised):
    ev = evaluation_of(recognised)
    assert ev.cycle.number == 1
    assert [(y.number, y.starts_on, y.ends_on) for y in ev.years] == [(k, *WINDOWS[k]) for k in YEARS]
    expected = _expected()
    # Mentors on each year's last day: 3 + 4 from 2019 (+1 university to 2024-06-30), +2 enterprise from
    # 2023-03-01; students: the 2019 postgraduate every year, +1 from 2023-09-01 to 2024-06-30 (years 1
    # and 2), +1 from 2024-09-01 (years 2 and 3).
    expected.update({("mentors_total", 1): 10, ("mentors_total", 2): 9, ("mentors_total", 3): 9,
                     ("enterprise_mentors", 1): 5, ("enterprise_mentors", 2): 5,
                     ("enterprise_mentors", 3): 5, ("students_jointly_trained", 1): 2,
                     ("students_jointly_trained", 2): 3, ("students_jointly_trained", 3): 2})
    got = {(row.indicator.key, y.number): cell.actual for row in ev.rows for y, cell in zip(ev.years, row.cells)}
    for y in YEARS:
        expected[("enterprise_share", y)] = Fraction(expected[("enterprise_mentors", y)],
                                                     expected[("mentors_total", y)])
    assert got == expected
    cycle = {row.indicator.key: row.cycle.actual for row in ev.rows}
    assert cycle["industry_courses"] == 3 and cycle["teaching_cases"] == 2  # records: summed
    assert cycle["textbooks"] == 1  # 2025's, in the third construction year
    assert cycle["mentors_total"] == 9 and cycle["teaching_teams"] == 0  # levels: the last year's
    assert cycle["students_jointly_trained"] == 3  # the busiest year


def test_targets_beside_counts_and_shortfalls(recognised, world):
    services.set_targets(recognised, {("mentors_total", 3): 10, ("industry_courses", 2): 1,
                                      ("industry_courses", 3): 2, ("enterprise_share", 3): 50,
                                      ("enterprise_share", 1): 60},
                         actor=world.unicoord)
    ev = evaluation_of(recognised)
    rows = {row.indicator.key: row for row in ev.rows}
    assert rows["mentors_total"].cells[2].shortfall and rows["mentors_total"].cells[2].gap == 1
    assert not rows["industry_courses"].cells[1].shortfall  # 1 of 1
    assert rows["industry_courses"].cells[2].shortfall  # 1 of 2
    assert rows["industry_courses"].cycle.target == 3 and not rows["industry_courses"].cycle.shortfall  # 3 of 3
    assert not rows["enterprise_share"].cells[2].shortfall  # 5/9 = 55.6 % ≥ 50 %
    assert rows["enterprise_share"].cells[0].shortfall and rows["enterprise_share"].cells[0].gap_display == "10.0"
    assert not rows["textbooks"].shortfall  # no target, no shortfall


def test_targets_are_validated_all_or_nothing(recognised, world):
    with pytest.raises(DomainError) as exc:
        services.set_targets(recognised, {("mentors_total", 3): 10, ("enterprise_share", 3): 101},
                             actor=world.unicoord)
    assert exc.value.field == "t-enterprise_share-3"
    for year in (0, 4, 2024):
        with pytest.raises(DomainError):
            services.set_targets(recognised, {("mentors_total", year): 10}, actor=world.unicoord)
    with pytest.raises(DomainError):
        services.set_targets(recognised, {("mentors_total", 3): "ten"}, actor=world.unicoord)
    with pytest.raises(Forbidden):
        services.set_targets(recognised, {("mentors_total", 3): 10}, actor=world.coord2)
    assert all(c.target is None for row in evaluation_of(recognised).rows for c in row.cells)


def test_plan_only_once_recognised(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("EV-PRE", world.uni, world.ent)
    with pytest.raises(DomainError) as exc:
        services.set_targets(base, {("mentors_total", 3): 10}, actor=world.admin)
    assert "once the base is recognised" in exc.value.en
    assert evaluation_of(base) is None


def test_annual_report_of_each_construction_year_including_the_third(recognised, world):
    """Recognised 2022-12-27: the 2025 report is the third construction year's, and it is accepted."""
    services.save_annual_report(recognised, 1, actor=world.unicoord, plan="计划：新增企业导师2名", summary="已完成")
    services.save_annual_report(recognised, 1, actor=world.unicoord, plan="计划：新增企业导师2名", summary="超额完成")
    services.save_annual_report(recognised, 3, actor=world.unicoord, plan="2025年度计划", summary="2025年度总结")
    reports = evaluation_of(recognised).reports
    assert reports[1].summary == "超额完成" and reports[3].summary == "2025年度总结"
    for bad in (0, 4, 2021, "x"):
        with pytest.raises(DomainError):
            services.save_annual_report(recognised, bad, actor=world.unicoord, plan="x", summary="y")


def test_evaluation_pages_excel_and_print(recognised, world, client, login_as):
    services.set_targets(recognised, {("mentors_total", 3): 10}, actor=world.admin)
    services.save_annual_report(recognised, 3, actor=world.admin, plan="=HYPERLINK(\"x\")", summary="总结")
    login_as("unicoord")
    page = client.get("/bases/EV-01/evaluation")
    assert page.status_code == 200
    text = text_of(page)
    assert "成效评估" in text and "差 1" in text and "第1周期" in text
    assert "第3建设年度（2024-12-27 – 2025-12-26）" in text
    book = client.get("/bases/EV-01/evaluation.xlsx")
    assert book.status_code == 200 and "cycle1" in book.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(book.data)).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert next(r for r in rows if r[0] == "建设周期")[1] == 1
    header = next(r for r in rows if r[0] == "指标")
    mentors = next(r for r in rows if r[0] == "导师人数")
    col = next(i for i, h in enumerate(header) if h and h.startswith("第3建设年度") and h.endswith("实际"))
    assert mentors[col] == 9 and mentors[col - 1] == 10 and mentors[col + 1] == "1"
    reports = load_workbook(io.BytesIO(book.data)).worksheets[1]
    assert reports.cell(row=2, column=2).value.startswith("'=")  # a formula is neutralised
    printable = client.get("/bases/EV-01/evaluation/print")
    assert printable.status_code == 200 and b"print.css" in printable.data
    assert "示范基地建设成效评估" in text_of(printable)


def test_plan_page_saves_targets_and_shows_errors(recognised, world, client, login_as):
    login_as("coord2")
    assert client.get("/bases/EV-01/plan").status_code == 404  # another base's coordinator
    world.coord.bases = [world.base, recognised]
    db.session.commit()  # joins the test's outer transaction: the view's rollback on an error keeps it
    login_as("coord")
    page = client.get("/bases/EV-01/plan")
    assert page.status_code == 200 and 'name="t-mentors_total-3"' in page.get_data(as_text=True)
    bad = client.post("/bases/EV-01/plan", data={"t-mentors_total-3": "-3"})
    assert bad.status_code == 200 and "导师人数，第3建设年度（2024-12-27 – 2025-12-26）须在 0 到 1000000 之间" in text_of(bad)
    ok = client.post("/bases/EV-01/plan", data={"t-mentors_total-3": "12", "t-textbooks-2": ""})
    assert ok.status_code == 302
    row = next(r for r in evaluation_of(recognised).rows if r.indicator.key == "mentors_total")
    assert row.cells[2].target == 12
    report = client.post("/bases/EV-01/plan/report", data={"year": "3", "plan": "年度计划", "summary": "年度总结"})
    assert report.status_code == 302
    assert "年度总结" in text_of(client.get("/bases/EV-01/plan"))
