"""The per-day figures cache: pages that cover every base are computed once per day and state of
the data, and a committed write is seen at once, by every worker sharing the cache."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from registry import cache
from registry.extensions import db
from registry.mentors.models import Appointment, Mentor
from tests.conftest import text_of

D = dt.date
AS_OF = "2024-09-01"
PAGES = [f"/ratio?as_of={AS_OF}", f"/api/v1/ratio?as_of={AS_OF}", f"/dashboard?as_of={AS_OF}",
         f"/dashboard/chart/ratio.svg?as_of={AS_OF}", f"/api/v1/bases/SF-AP-01/eligibility?as_of={AS_OF}",
         f"/api/v1/eligibility?as_of={AS_OF}", "/reports/statistics?from=2022&until=2024", "/reports/statistics/chart/mentors.svg?from=2022&until=2024",
         f"/bases/SF-AP-01?as_of={AS_OF}"]
STATISTICS = "/reports/statistics?from=2022&until=2024"
_seq = iter(range(10_000, 99_999))


def add_enterprise_mentor(base, commit: bool = True):
    i = next(_seq)
    mentor = Mentor(name=f"企业导师{i}", side="enterprise", organisation="星海航天动力研究所", staff_no=f"C{i}",
                    title="", degree="", expertise="", email="", phone="", biography="")
    db.session.add(mentor)
    db.session.flush()
    db.session.add(Appointment(base_id=base.id, mentor_id=mentor.id, starts_on=D(2021, 1, 1), state="active",
                               reason=""))
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return mentor


class Browser:
    """A logged-in client that also sends the user's API token, so pages and the API both answer."""

    def __init__(self, client, user):
        from registry.auth.services import create_token

        self.client = client
        _, secret = create_token(user, actor=None)
        db.session.commit()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, url):
        return self.client.get(url, headers=self.headers if url.startswith("/api/") else None)


def ratio_of(browser, code="SF-AP-01", as_of=AS_OF) -> int:
    rows = browser.get(f"/api/v1/ratio?as_of={as_of}").get_json()["bases"]
    return next(r["enterprise_mentors"] for r in rows if r["base"] == code)


def browser_of(world, client, login_as, name):
    login_as(name)
    return Browser(client, world.users[{"admin": "admin", "coord": "base_coordinator"}[name]])


@pytest.fixture
def admin(world, client, login_as):
    return browser_of(world, client, login_as, "admin")


@pytest.mark.parametrize("url", PAGES)
def test_a_repeated_view_is_served_from_the_cache(admin, query_counter, url):
    assert admin.get(url).status_code == 200
    cache.bump()
    with query_counter() as cold:
        admin.get(url)
    with query_counter() as warm:
        admin.get(url)
    # The warm view runs only the request's own queries (the user, the base), not the figures'.
    assert warm() < cold(), (warm(), cold())


def test_a_committed_write_is_seen_at_once_on_every_page(world, admin):
    before = ratio_of(admin)
    page_before = text_of(admin.get(f"/ratio?as_of={AS_OF}"))
    dash_before = admin.get(f"/dashboard?as_of={AS_OF}").get_data(as_text=True)
    statistics_before = text_of(admin.get(STATISTICS))
    checks_before = admin.get(f"/api/v1/eligibility?as_of={AS_OF}").get_json()
    add_enterprise_mentor(world.base)
    assert ratio_of(admin) == before + 1
    assert text_of(admin.get(f"/ratio?as_of={AS_OF}")) != page_before
    assert admin.get(f"/dashboard?as_of={AS_OF}").get_data(as_text=True) != dash_before
    assert text_of(admin.get(STATISTICS)) != statistics_before
    assert admin.get(f"/api/v1/eligibility?as_of={AS_OF}").get_json() != checks_before


def test_the_base_pages_summary_band_shows_a_write_at_once(world, admin):
    """The band (enterprise share, verdict, life cycle) is kept with the panels: a write replaces it."""
    def band():
        html = admin.get(f"/bases/SF-AP-01?as_of={AS_OF}").get_data(as_text=True)
        return html[html.index('id="summary-band"'):html.index("</section>", html.index('id="summary-band"'))]

    before = band()
    assert band() == before
    add_enterprise_mentor(world.base)
    assert band() != before


def test_an_uncommitted_write_is_seen_by_its_own_transaction_and_never_kept(world, admin):
    before = ratio_of(admin)
    add_enterprise_mentor(world.base, commit=False)
    assert ratio_of(admin) == before + 1  # the writer's own view, computed afresh
    db.session.rollback()
    assert ratio_of(admin) == before  # nothing from the rolled-back write was cached


def test_a_login_does_not_throw_the_figures_away(world, client, login_as):
    login_as("admin")
    client.get(f"/ratio?as_of={AS_OF}")
    generation = cache.backend().generation()
    login_as("reviewer")  # writes the user's last login
    assert cache.backend().generation() == generation


def test_each_day_has_its_own_figures(world, admin):
    add_enterprise_mentor(world.base)
    on_day = ratio_of(admin)
    assert ratio_of(admin, as_of="2020-06-01") == on_day - 1


def test_the_figures_are_narrowed_to_what_the_viewer_may_see(world, client, login_as):
    browser_of(world, client, login_as, "admin").get(f"/api/v1/ratio?as_of={AS_OF}")  # every base, now cached
    coordinator = browser_of(world, client, login_as, "coord")
    codes = [r["base"] for r in coordinator.get(f"/api/v1/ratio?as_of={AS_OF}").get_json()["bases"]]
    assert codes == ["SF-AP-01"]
    browser_of(world, client, login_as, "admin").get(f"/api/v1/eligibility?as_of={AS_OF}")
    checks = coordinator.get(f"/api/v1/eligibility?as_of={AS_OF}").get_json()["bases"]
    assert [c["base"] for c in checks] == ["SF-AP-01"]


def test_a_language_has_its_own_dashboard(world, admin):
    chinese = admin.get(f"/dashboard?as_of={AS_OF}").get_data(as_text=True)
    admin.client.get("/lang/en")
    english = admin.get(f"/dashboard?as_of={AS_OF}").get_data(as_text=True)
    assert "Every base" in english and "Every base" not in chinese


REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_workers_sharing_redis_see_each_others_writes_at_once(app, world, admin):
    """Two workers (two cache clients on one Redis): a write committed by one is seen by the other."""
    worker_a, worker_b = cache.RedisBackend(REDIS_URL), cache.RedisBackend(REDIS_URL)
    worker_a.bump()  # figures kept in this Redis by earlier test runs belong to other data
    saved = app.extensions["figures_cache"]
    try:
        app.extensions["figures_cache"] = worker_a
        before = ratio_of(admin)
        app.extensions["figures_cache"] = worker_b
        assert ratio_of(admin) == before  # served from what worker A computed
        add_enterprise_mentor(world.base)  # committed on worker B
        app.extensions["figures_cache"] = worker_a
        assert ratio_of(admin) == before + 1
    finally:
        app.extensions["figures_cache"] = saved


def test_an_unreachable_cache_costs_speed_not_answers(app, world, admin):
    saved = app.extensions["figures_cache"]
    app.extensions["figures_cache"] = cache.RedisBackend("redis://127.0.0.1:9/0")
    try:
        before = ratio_of(admin)
        add_enterprise_mentor(world.base)
        assert ratio_of(admin) == before + 1
    finally:
        app.extensions["figures_cache"] = saved


def test_the_tables_whose_writes_keep_the_figures_all_exist():
    """A misspelt name would silently let every write to that table throw the figures away."""
    assert cache.NEUTRAL_TABLES <= set(db.metadata.tables)


def test_a_check_during_an_application_round_is_kept_and_keeps_its_round_link(world, admin, query_counter):
    """The quota and deadline rules link to their round; such a check is kept like any other (it
    used to hold a lambda that could not be stored, so it was recomputed on every view)."""
    from registry.checks.models import ApplicationRound

    application_round = ApplicationRound(year=2024, name="2024年度", opens_on=D(2024, 6, 1), deadline=D(2024, 9, 10))
    db.session.add(application_round)
    db.session.commit()
    url = f"/api/v1/bases/SF-AP-01/eligibility?as_of={AS_OF}"
    with query_counter() as cold:
        first = admin.get(url).get_json()
    with query_counter() as warm:
        second = admin.get(url).get_json()
    plain = url.replace(AS_OF, "2023-09-01")  # no round then
    admin.get(plain)
    with query_counter() as warm_plain:
        admin.get(plain)
    # Warm, both run only the request's own queries (the token, the base): the figures come from the cache.
    assert second == first and warm() == warm_plain() < cold(), (warm(), warm_plain(), cold())
    assert any(r["required"] == "≤ 2024-09-10" for r in first["rules"])  # the round's deadline was checked
    page = admin.get(f"/bases/SF-AP-01?as_of={AS_OF}").get_data(as_text=True)
    assert f'href="/rounds/{application_round.id}"' in page


def test_a_check_naming_an_incomplete_enterprise_is_kept_and_links_it_to_its_editors(app, world, admin,
                                                                                     query_counter):
    """Rule R8 links each enterprise that has not stated its capacity to its edit page; the link's
    guard is plain data, so the check is kept (a lambda there made every such view recompute)."""
    from registry.checks.queries import eligibility_cached

    enterprise = world.base.enterprises[0]
    enterprise.scale = ""
    db.session.commit()
    first = eligibility_cached(world.base, D(2024, 9, 1))
    assert not next(r for r in first.results if r.id == "R8").passed
    with query_counter() as again:
        eligibility_cached(world.base, D(2024, 9, 1))
    assert again() == 0
    page = admin.get(f"/bases/SF-AP-01?as_of={AS_OF}").get_data(as_text=True)
    assert f'href="/enterprises/{enterprise.id}/edit"' in page
