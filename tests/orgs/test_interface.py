"""Issue 13: each role lands where its work is; breadcrumbs; the base page's summary band; roster sorting."""
from __future__ import annotations

import datetime as dt
import re

from tests.conftest import PASSWORD, add_people, commit_keeping_objects, section_text, text_of


def test_each_role_lands_where_its_work_is(client, world, as_user):
    as_user(world.mentor)
    assert client.get("/").headers["Location"] == "/me/mentor"
    as_user(world.coord)  # one base: that base
    assert client.get("/").headers["Location"] == "/bases/SF-AP-01"
    as_user(world.unicoord)  # the university has one base too
    assert client.get("/").headers["Location"] == "/bases/SF-AP-01"
    as_user(world.reviewer)
    assert client.get("/").headers["Location"] == "/review"
    as_user(world.admin)
    assert client.get("/").headers["Location"] == "/dashboard"


def test_a_coordinator_of_two_bases_lands_on_the_list(client, world, as_user):
    from registry.orgs import services as orgs

    orgs.create_base("SF-AP-02", name="第二基地", university=world.uni, enterprises=[world.ent],
                     field="aerospace_propulsion", cooperation_since=dt.date(2020, 9, 1), actor=world.admin)
    commit_keeping_objects()
    as_user(world.unicoord)
    assert client.get("/").headers["Location"] == "/bases"


def test_login_lands_where_the_work_is(client, world):
    response = client.post("/auth/login", data={"username": "mentor", "password": PASSWORD}, follow_redirects=True)
    assert response.request.path == "/me/mentor" and "李工" in text_of(response)


def test_breadcrumbs_on_the_base_and_roster_pages(client, world, as_user):
    as_user(world.coord)
    crumbs = section_text(client.get("/bases/SF-AP-01"), "breadcrumbs")
    assert "基地" in crumbs and "SF-AP-01" in crumbs
    crumbs = section_text(client.get("/bases/SF-AP-01/mentors"), "breadcrumbs")
    assert "SF-AP-01" in crumbs and "导师名册" in crumbs
    assert 'id="breadcrumbs"' not in client.get("/bases").get_data(as_text=True)  # the top level has none


def test_skip_link_and_main_landmark(client, world, as_user):
    as_user(world.coord)
    html = client.get("/bases").get_data(as_text=True)
    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in html
    assert '<main class="container-fluid pt-3" id="main"' in html


def test_the_base_page_opens_with_the_share_and_what_it_takes(client, world, as_user):
    # 1 enterprise (李工) + 4 university: 20 %, below one third
    add_people(world.base, "university", 4, prefix="校")
    commit_keeping_objects()
    as_user(world.coord)
    response = client.get("/bases/SF-AP-01?as_of=2024-06-01")
    html = response.get_data(as_text=True)
    band = section_text(response, "summary-band")
    assert "20.00%" in band and "低于三分之一" in band or "Below" in band
    todo = section_text(response, "summary-to-meet")
    # 3(1+x) >= 5+x -> x = 1; 3*1 >= 5-y -> y = 2
    assert "1" in todo and "2" in todo
    assert html.index('id="summary-band"') < html.index('id="mentor-ratio-panel"')
    assert 'href="#mentor-ratio-panel"' in section_text_raw(html, "section-nav")


def test_the_base_page_names_failing_rules_in_words(client, world, as_user):
    as_user(world.admin)
    client.get("/lang/en")
    failing = section_text(client.get("/bases/SF-AP-01?as_of=2024-06-01"), "summary-eligibility")
    assert "Not eligible" in failing
    assert not re.search(r"\b[a-z]+-[a-z]+-[a-z]+\b", failing)  # no rule slugs


def section_text_raw(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</nav>", start)]


def test_roster_columns_sort_through_a_whitelist(client, world, as_user):
    add_people(world.base, "university", 2, prefix="阿")
    add_people(world.base, "enterprise", 1, prefix="赵")
    commit_keeping_objects()
    as_user(world.coord)

    def names(query):
        html = client.get(f"/bases/SF-AP-01/mentors?as_of=2024-06-01&{query}").get_data(as_text=True)
        return re.findall(r'data-mentor="([^"]+)"', html)

    by_staff = names("sort=staff_no")
    assert by_staff == sorted(by_staff)
    assert names("sort=staff_no&dir=desc") == sorted(by_staff, reverse=True)
    default = names("")
    assert names("sort=password_hash") == default  # not a column one may sort by: the usual order
    assert names("sort=staff_no;drop") == default
    html = client.get("/bases/SF-AP-01/mentors?as_of=2024-06-01&sort=name").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "sort=name&amp;dir=desc" in html or "dir=desc&amp;sort=name" in html


def test_date_inputs_show_and_take_iso_dates_in_both_languages(client, world, as_user):
    as_user(world.coord)
    for lang in ("zh_Hans_CN", "en"):
        client.get(f"/lang/{lang}")
        html = client.get("/bases/SF-AP-01/mentors/new").get_data(as_text=True)
        field = re.search(r'<input[^>]*id="starts_on"[^>]*>', html).group(0)
        assert 'type="text"' in field and 'placeholder="YYYY-MM-DD"' in field
        assert 'type="date"' not in html
        page = client.get("/bases/SF-AP-01?as_of=2024-06-01").get_data(as_text=True)
        assert re.search(r'<input[^>]*type="text"[^>]*id="as_of"[^>]*value="2024-06-01"', page)


def test_the_ratio_page_and_dashboard_put_key_figures_and_export_first(client, world, as_user):
    as_user(world.admin)
    html = client.get("/ratio?as_of=2024-06-01").get_data(as_text=True)
    assert html.index('id="ratio-export-xlsx"') < html.index('id="ratio-table"')
    assert html.index('id="ratio-key-figures"') < html.index('id="ratio-table"')
    assert html.index('id="ratio-key-figures"') < html.index('id="ratio-filter"')  # the answer before the choices
    export = client.get("/reports/ratio.xlsx?as_of=2024-06-01")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    dash = client.get("/dashboard?as_of=2024-06-01").get_data(as_text=True)
    assert dash.index('id="dashboard-summary"') < dash.index('id="dashboard-charts"')
    assert 'id="dashboard-export-xlsx"' in dash


def test_pages_below_a_base_carry_breadcrumbs_to_it(client, world, as_user):
    as_user(world.admin)
    for path in ("/bases/SF-AP-01/students", "/bases/SF-AP-01/lifecycle", "/bases/SF-AP-01/edit"):
        crumbs = section_text(client.get(path), "breadcrumbs")
        assert "SF-AP-01" in crumbs, path


def test_a_person_is_named_by_姓名(client, world, as_user):
    as_user(world.coord)
    html = client.get("/bases/SF-AP-01/mentors/new").get_data(as_text=True)
    assert re.search(r'<label[^>]*for="name"[^>]*>\s*姓名', html)
    assert "姓名" in section_text(client.get("/bases/SF-AP-01/mentors"), "roster-table")


def test_the_add_appointment_route_is_linked(client, world, as_user):
    as_user(world.coord)
    html = client.get(f"/mentors/{world.mentor_record.id}").get_data(as_text=True)
    assert f"/bases/SF-AP-01/mentors/{world.mentor_record.id}/appoint" in html


def test_the_summary_band_counts_the_days_left_in_the_cycle(client, world, as_user):
    from registry.audit.services import set_actor
    from registry.extensions import db
    from tests.checks.conftest import eligible_base, walk_to

    set_actor(db.session, None, "fixture")
    base = eligible_base("DL-AP-01", world.uni, world.ent)
    walk_to(base, "in_construction", world)
    db.session.commit()
    as_user(world.admin)
    from registry.checks import lifecycle

    ends = lifecycle.state_of(base).cycle_ends_on
    as_of = ends - dt.timedelta(days=30)
    response = client.get(f"/bases/DL-AP-01?as_of={as_of.isoformat()}")
    days = section_text(response, "summary-days-left")
    assert "30" in days and ends.isoformat() in days
    assert "建设周期中" in section_text(response, "summary-lifecycle")


def test_appointment_and_student_pages_carry_breadcrumbs(client, world, as_user):
    from registry.mentors.models import Appointment
    from registry.extensions import db
    from sqlalchemy import select

    appt = db.session.scalar(select(Appointment).where(Appointment.mentor_id == world.mentor_record.id))
    as_user(world.coord)
    crumbs = section_text(client.get(f"/appointments/{appt.id}/edit"), "breadcrumbs")
    assert "SF-AP-01" in crumbs and "导师名册" in crumbs
    from tests.conftest import add_student

    student = add_student(world.base)
    commit_keeping_objects()
    crumbs = section_text(client.get(f"/students/{student.id}"), "breadcrumbs")
    assert "SF-AP-01" in crumbs and "学生与双导师" in crumbs and student.name in crumbs
