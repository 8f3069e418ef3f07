"""The ratio at its boundaries (rule R2, 四(二)): exact integers, distinct people, one query."""
import datetime as dt

from registry.extensions import db
from registry.mentors.queries import Ratio, ratio_as_of, ratio_of_base, ratio_series
from tests.mentors.conftest import D, add_people, appoint


def _ratio(base, day=D(2024, 9, 1)):
    return ratio_of_base(base, day)


def test_ten_of_thirty_passes(empty_base):
    add_people(empty_base, "enterprise", 10)
    add_people(empty_base, "university", 20)
    r = _ratio(empty_base)
    assert (r.enterprise, r.university, r.total) == (10, 20, 30)
    assert r.meets_requirement is True
    assert r.as_json()["enterprise_share"] == 0.3333
    assert r.shortfall == 0


def test_thirty_three_of_hundred_fails(empty_base):
    add_people(empty_base, "enterprise", 33)
    add_people(empty_base, "university", 67)
    r = _ratio(empty_base)
    assert (r.enterprise, r.total) == (33, 100)
    assert r.meets_requirement is False  # 0.33 rounds like 1/3 but is below it
    assert r.shortfall == 1  # 34 of 101: 102 >= 101


def test_no_mentors_fails(empty_base):
    r = _ratio(empty_base)
    assert (r.enterprise, r.total, r.meets_requirement) == (0, 0, False)
    assert r.as_json() == {"base": "EM-PT-01", "name": "空基地", "enterprise_mentors": 0, "university_mentors": 0,
                           "total_mentors": 0, "enterprise_share": 0.0, "meets_requirement": False}
    assert r.shortfall == 1


def test_an_appointment_counts_on_its_last_day_and_not_the_next(empty_base):
    add_people(empty_base, "enterprise", 1, starts_on=D(2024, 3, 1), ends_on=D(2024, 8, 31))
    assert _ratio(empty_base, D(2024, 2, 29)).enterprise == 0
    assert _ratio(empty_base, D(2024, 3, 1)).enterprise == 1
    assert _ratio(empty_base, D(2024, 8, 31)).enterprise == 1
    assert _ratio(empty_base, D(2024, 9, 1)).enterprise == 0


def test_a_suspended_appointment_never_counts(empty_base):
    add_people(empty_base, "enterprise", 2, state="suspended")
    add_people(empty_base, "university", 1)
    for day in (D(2020, 1, 1), D(2024, 9, 1), D(2030, 1, 1)):
        r = _ratio(empty_base, day)
        assert (r.enterprise, r.university) == (0, 1)


def test_an_ended_appointment_counts_up_to_its_end(empty_base):
    add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1), ends_on=D(2024, 6, 30), state="ended")
    assert _ratio(empty_base, D(2024, 6, 30)).enterprise == 1
    assert _ratio(empty_base, D(2024, 7, 1)).enterprise == 0


def test_a_renewal_counts_once(empty_base):
    (person,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1), ends_on=D(2023, 12, 31))
    appoint(empty_base, person, D(2024, 1, 1))
    # Even with (bad) overlapping rows on the day, the person counts once.
    appoint(empty_base, person, D(2024, 6, 1), D(2024, 12, 31))
    for day in (D(2023, 12, 31), D(2024, 1, 1), D(2024, 9, 1)):
        assert _ratio(empty_base, day).enterprise == 1


def test_a_person_at_two_bases_counts_at_each(world, empty_base):
    (person,) = add_people(empty_base, "enterprise", 1)
    appoint(world.base2, person, D(2021, 1, 1))
    by_code = {r.code: r for r in ratio_as_of(D(2024, 9, 1))}
    assert by_code["EM-PT-01"].enterprise == 1
    assert by_code["SL-SO-01"].enterprise == 1


def test_ratio_as_of_is_one_query_sorted_by_code(world, empty_base, query_counter):
    add_people(empty_base, "university", 5)
    add_people(world.base2, "enterprise", 3)
    with query_counter() as n:
        rows = ratio_as_of(D(2024, 9, 1))
    assert n() == 1
    assert [r.code for r in rows] == sorted(r.code for r in rows)
    assert [r.code for r in ratio_as_of(D(2024, 9, 1), [world.base2.id])] == ["SL-SO-01"]


def test_series_agrees_with_the_single_day_ratio(world, empty_base, query_counter):
    add_people(empty_base, "enterprise", 2, starts_on=D(2022, 1, 1), ends_on=D(2023, 6, 30))
    add_people(empty_base, "university", 3, starts_on=D(2021, 5, 1))
    add_people(empty_base, "enterprise", 1, starts_on=D(2023, 1, 1), state="suspended")
    days = [D(2021, 1, 1), D(2022, 1, 1), D(2023, 6, 30), D(2023, 7, 1), D(2025, 1, 1)]
    with query_counter() as n:
        series = ratio_series(days, [empty_base.id, world.base.id])
    assert n() == 1
    for r in series:
        assert r == ratio_as_of(r.as_of, [r.base_id])[0]
    assert len(series) == 10


def test_shortfall_arithmetic():
    def r(e, u):
        return Ratio(1, "X", "x", dt.date.today(), e, u)

    assert r(0, 0).shortfall == 1
    assert r(0, 1).shortfall == 1  # 1 of 2
    assert r(0, 2).shortfall == 1  # 1 of 3
    assert r(0, 3).shortfall == 2  # 2 of 5 (3*2 >= 5)
    assert r(4, 9).shortfall == 1  # 5 of 14
    assert r(10, 20).shortfall == 0
    for e in range(0, 8):
        for u in range(0, 20):
            ratio = r(e, u)
            x = ratio.shortfall
            assert r(e + x, u).meets_requirement
            if x > 0 and e + u > 0:
                assert not r(e + x - 1, u).meets_requirement


def test_session_untouched(empty_base):
    # The queries read only: nothing pending afterwards.
    add_people(empty_base, "enterprise", 1)
    _ratio(empty_base)
    assert not db.session.new and not db.session.dirty
