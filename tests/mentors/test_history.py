"""The ratio's history: monthly points in one query, drawn as SVG with the 1/3 line."""
import datetime as dt

from registry.mentors.queries import history_dates, history_window, ratio_as_of, ratio_history
from tests.mentors.conftest import D, add_people


def test_history_dates_are_month_ends_then_the_date():
    assert history_dates(D(2024, 1, 15), D(2024, 4, 10)) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31),
                                                             D(2024, 4, 10)]
    assert history_dates(D(2024, 4, 1), D(2024, 4, 30)) == [D(2024, 4, 30)]
    assert history_dates(D(2024, 4, 10), D(2024, 4, 10)) == [D(2024, 4, 10)]


def test_window_is_the_later_of_cooperation_and_three_years(empty_base):
    empty_base.cooperation_since = D(2023, 5, 1)
    assert history_window(empty_base, D(2025, 1, 1)) == (D(2023, 5, 1), D(2025, 1, 1))
    empty_base.cooperation_since = D(2015, 5, 1)
    assert history_window(empty_base, D(2024, 2, 29)) == (D(2021, 2, 28), D(2024, 2, 29))
    empty_base.cooperation_since = D(2026, 1, 1)  # a date before the cooperation: one point
    assert history_window(empty_base, D(2025, 1, 1)) == (D(2025, 1, 1), D(2025, 1, 1))


def test_history_values(empty_base):
    empty_base.cooperation_since = D(2024, 1, 1)
    add_people(empty_base, "enterprise", 1, starts_on=D(2024, 2, 1), ends_on=D(2024, 3, 15))
    add_people(empty_base, "university", 2, starts_on=D(2024, 1, 1))
    history = ratio_history(empty_base, D(2024, 4, 10))
    assert [(h.as_of, h.enterprise, h.university) for h in history] == [
        (D(2024, 1, 31), 0, 2), (D(2024, 2, 29), 1, 2), (D(2024, 3, 31), 0, 2), (D(2024, 4, 10), 0, 2)]
    for h in history:
        assert h == ratio_as_of(h.as_of, [empty_base.id])[0]


def test_history_is_one_query_whatever_the_months_or_mentors(empty_base, query_counter):
    empty_base.cooperation_since = D(2015, 1, 1)
    add_people(empty_base, "enterprise", 3)
    with query_counter() as small:
        short = ratio_history(empty_base, D(2021, 1, 1) + dt.timedelta(days=0))
    add_people(empty_base, "enterprise", 30, starts_on=D(2021, 6, 1))
    add_people(empty_base, "university", 30, starts_on=D(2022, 6, 1), ends_on=D(2023, 6, 1))
    with query_counter() as large:
        long = ratio_history(empty_base, D(2024, 12, 31))
    assert small() == large() == 1
    assert len(long) == 37 and len(short) == 37


def test_chart_is_svg_with_the_one_third_line(client, world, login_as):
    add_people(world.base, "university", 2)
    login_as("coord")
    response = client.get("/bases/SF-AP-01/mentors/ratio-history.svg?as_of=2024-09-01")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")
    assert "33.33" in svg  # the one-third line's value
    assert "2024-09" in svg
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_chart_of_another_base_is_404_and_a_bad_date_is_today(client, world, login_as):
    login_as("coord")
    assert client.get("/bases/SL-SO-01/mentors/ratio-history.svg").status_code == 404
    assert client.get("/bases/SF-AP-01/mentors/ratio-history.svg?as_of=2024-13-01").status_code == 200


def test_window_is_the_construction_cycle_once_the_base_has_one(empty_base):
    cycle = (D(2023, 1, 5), D(2026, 1, 5))
    assert history_window(empty_base, D(2024, 6, 30), cycle) == (D(2023, 1, 5), D(2024, 6, 30))
    assert history_window(empty_base, D(2027, 3, 1), cycle) == cycle  # after the cycle: the whole cycle
    # Before recognition the cycle has not begun: the three-year window applies.
    assert history_window(empty_base, D(2022, 6, 30), cycle) == history_window(empty_base, D(2022, 6, 30))


def test_the_base_page_draws_the_history_over_the_construction_cycle(client, world, login_as):
    import re

    from registry.checks.lifecycle import record_change

    base = world.base  # cooperation since 2019-09-01
    record_change(base, "recognised", actor=world.admin, effective_on=D(2023, 1, 5), reason="认定")
    record_change(base, "in_construction", actor=world.admin, effective_on=D(2023, 1, 5), reason="启动建设")
    login_as("coord")
    html = client.get(f"/bases/{base.code}?as_of=2024-06-30").get_data(as_text=True)
    table = html[html.index('id="ratio-history-table"'):]
    table = table[:table.index("</table>")]
    days = re.findall(r'<th scope="row">(\d{4}-\d{2}-\d{2})</th>', table)
    assert days[0] == "2023-01-31" and days[-1] == "2024-06-30"  # from the cycle's first month
    assert len(days) == 18
