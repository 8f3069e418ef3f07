"""The dashboard: every base with its state, ratio and failing rules; quota; deadlines; charts;
filters; and a query count that does not grow with the number of bases."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from registry.audit.services import set_actor
from registry.checks import queries
from registry.extensions import db
from tests.checks.conftest import eligible_base, new_round, walk_to
from tests.conftest import text_of

D = dt.date


@pytest.fixture
def landscape(world):
    """Bases in several states, in both kinds of university and several fields."""
    set_actor(db.session, None, "fixture")
    r = new_round(world.admin)
    done = eligible_base("DB-REC", world.uni, world.ent)
    walk_to(done, "rectification", world, round_=r)
    short = eligible_base("DB-R4", world.uni2, world.ent, skip=("R4",))
    db.session.commit()
    return {"round": r, "rectification": done, "short": short}


def test_dashboard_figures(landscape, world):
    data = queries.dashboard(D(2026, 6, 1))
    rows = {row.base.code: row for row in data.rows}
    assert set(rows) == {"SF-AP-01", "SL-SO-01", "DB-REC", "DB-R4"}
    assert rows["DB-REC"].base.status == "rectification"
    assert rows["DB-REC"].state.rectification_deadline == D(2026, 6, 30)
    assert data.due(rows["DB-REC"]) == "due"
    assert [r.id for r in rows["DB-R4"].check.failing] == ["R4"]
    assert rows["DB-R4"].ratio.total == 7
    assert [(q.round.year, q.university.name, q.used, q.quota) for q in data.quota] == [(2022, "示范工业大学", 1, 3)]
    assert data.failing_counts["R4"] >= 1
    assert queries.dashboard(D(2026, 6, 1), round_id=landscape["round"].id).rows[0].base.code == "DB-REC"
    assert [r.base.code for r in queries.dashboard(D(2026, 6, 1), kind="co_built").rows] == ["DB-R4", "SL-SO-01"]
    assert [r.base.code for r in queries.dashboard(D(2026, 6, 1), field="ships_ocean").rows] == ["SL-SO-01"]


def test_dashboard_page_and_charts(landscape, client, login_as):
    login_as("admin")
    page = client.get("/dashboard?as_of=2026-06-01")
    assert page.status_code == 200
    text = text_of(page)
    assert "DB-REC" in text and "30天内到期" in text and "2026-06-30" in text
    html = page.get_data(as_text=True)
    for name in ("status", "rules", "ratio", "quota"):
        assert f'id="chart-{name}"' in html
        svg = client.get(f"/dashboard/chart/{name}.svg?as_of=2026-06-01&kind=ministry")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert b"<script" not in svg.data  # js disabled: nothing loads from elsewhere
    assert client.get("/dashboard/chart/nope.svg").status_code == 404
    assert client.get("/dashboard?round=abc&field=zzz&kind=&as_of=bad").status_code == 200
    login_as("reviewer")
    assert client.get("/dashboard").status_code == 200
    login_as("unicoord")
    assert client.get("/dashboard").status_code == 403


def test_the_key_figures_and_export_come_before_the_filters(landscape, client, login_as):
    login_as("admin")
    html = client.get("/dashboard?as_of=2026-06-01&kind=ministry").get_data(as_text=True)
    assert html.index('id="dashboard-export-xlsx"') < html.index('id="dashboard-summary"') < html.index(
        'id="dashboard-filter"') < html.index('id="dashboard-charts"')
    assert 'value="ministry" selected' in html  # the filters still say what is applied
    statistics = client.get("/reports/statistics").get_data(as_text=True)
    assert statistics.index('id="statistics-summary"') < statistics.index('id="statistics-xlsx"') < statistics.index(
        'id="statistics-filter"')


def test_dashboard_queries_do_not_grow_with_bases(world, client, login_as, query_counter):
    set_actor(db.session, None, "fixture")
    r = new_round(world.admin)
    walk_to(eligible_base("DQ-0", world.uni, world.ent), "in_construction", world, round_=r)
    db.session.commit()
    login_as("admin")
    client.get("/dashboard")  # warm up (templates, catalogue)
    counts = []
    for batch in range(2):
        for i in range(6):
            eligible_base(f"DQ-{batch}-{i}", world.uni2 if i % 2 else world.uni, world.ent)
        db.session.commit()
        with query_counter() as n:
            assert client.get("/dashboard?as_of=2024-01-01").status_code == 200
        counts.append(n())
    assert counts[0] == counts[1], counts


def test_the_table_of_bases_is_paged_and_the_figures_cover_every_base(world, client, login_as):
    """At national scale the dashboard no longer sends every base's row on every view: 50 a page."""
    from registry.checks.views import DASHBOARD_PER_PAGE
    from tests.checks.conftest import make_base

    set_actor(db.session, None, "fixture")
    for i in range(DASHBOARD_PER_PAGE):
        make_base(f"PG-{i:03d}", world.uni, world.ent)
    db.session.commit()
    login_as("admin")
    everything = 2 + DASHBOARD_PER_PAGE  # the world's two bases and the fifty
    first = client.get("/dashboard?as_of=2026-06-01").get_data(as_text=True)
    second = client.get("/dashboard?as_of=2026-06-01&page=2").get_data(as_text=True)
    shown = [html.count('id="dash-') for html in (first, second)]
    assert shown == [DASHBOARD_PER_PAGE, 2]
    assert 'id="dash-PG-000"' in first and 'id="dash-SL-SO-01"' in second and 'id="dash-SL-SO-01"' not in first
    assert f'<span class="value">{everything}</span><span class="label">' in first  # the count of bases covers them all
    links = re.findall(r'href="\s*([^"]*page=2[^"]*)"', first)
    assert links and all("as_of=2026-06-01" in link for link in links)  # the link to page 2 keeps the day
    beyond = client.get("/dashboard?as_of=2026-06-01&page=99")
    assert beyond.status_code == 200 and 'id="dash-' not in beyond.get_data(as_text=True)
