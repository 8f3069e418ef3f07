"""Tests that kill the mutants `scripts/mutate.py` found surviving in the ratio and counting queries
(issue 9 point 11; docs/mutation.md): the edges of periods and of the inputs a wrong rule would move."""
from __future__ import annotations

import itertools

from registry.mentors.queries import period_counts, ratio_as_of, ratio_series
from tests.mentors.conftest import D, add_people

_numbers = itertools.count(1)


def _students(world, base, starts_on, ends_on):
    from registry.mentors import services

    no = next(_numbers)
    (uni,) = add_people(base, "university", 1, starts_on=D(2019, 1, 1))
    (ent,) = add_people(base, "enterprise", 1, starts_on=D(2019, 1, 1))
    s = services.create_student(base, name=f"生{starts_on}", student_no=f"P{no:04d}", level="master",
                                enrolment_year=starts_on.year, actor=None)
    services.assign_mentors(s, university_mentor=uni, enterprise_mentor=ent, starts_on=starts_on,
                            ends_on=ends_on, actor=None)
    return s


def test_period_counts_take_a_pairing_touching_either_end_of_the_period(world, empty_base):
    """A student paired from the period's last day, or until its first day, was trained in it; one
    paired from the day after it, or until the day before it, was not."""
    b = empty_base.id
    periods = [(b, "p", D(2024, 3, 1), D(2024, 5, 31))]
    _students(world, empty_base, D(2024, 5, 31), None)  # from the last day
    _students(world, empty_base, D(2023, 9, 1), D(2024, 3, 1))  # until the first day
    _students(world, empty_base, D(2024, 6, 1), None)  # from the day after
    _students(world, empty_base, D(2023, 9, 1), D(2024, 2, 29))  # until the day before
    counts = period_counts(periods)
    assert counts[(b, "students_jointly_trained", "p")] == 2


def test_period_counts_count_mentors_on_the_periods_last_day(empty_base):
    b = empty_base.id
    add_people(empty_base, "enterprise", 1, starts_on=D(2024, 5, 31))  # begins on the last day: counts
    add_people(empty_base, "enterprise", 1, starts_on=D(2024, 6, 1))  # the day after: not yet
    add_people(empty_base, "university", 1, starts_on=D(2020, 1, 1), ends_on=D(2024, 5, 31))  # ends on it: counts
    add_people(empty_base, "university", 1, starts_on=D(2020, 1, 1), ends_on=D(2024, 5, 30))  # ended: no
    counts = period_counts([(b, 1, D(2024, 3, 1), D(2024, 5, 31)), (b, 2, D(2024, 6, 1), D(2025, 5, 31))])
    assert (counts[(b, "enterprise_mentors", 1)], counts[(b, "mentors_total", 1)]) == (1, 2)
    assert (counts[(b, "enterprise_mentors", 2)], counts[(b, "mentors_total", 2)]) == (2, 2)
    assert period_counts([]) == {}


def test_ratio_series_of_no_day_or_no_base_is_empty(world, empty_base):
    add_people(empty_base, "enterprise", 1)
    assert ratio_series([]) == [] and ratio_series([], [empty_base.id]) == []
    assert ratio_series([D(2024, 1, 1)], []) == []
    (row,) = ratio_series([D(2024, 1, 1)], [empty_base.id])
    assert (row.enterprise, row.university) == (1, 0)


def test_ratio_counts_an_appointment_from_its_first_day(empty_base):
    add_people(empty_base, "enterprise", 1, starts_on=D(2024, 1, 1))
    add_people(empty_base, "university", 2, starts_on=D(2023, 12, 31))
    assert [(r.enterprise, r.university) for r in
            ratio_series([D(2023, 12, 30), D(2023, 12, 31), D(2024, 1, 1)], [empty_base.id])] == [
        (0, 0), (0, 2), (1, 2)]
    assert (ratio_as_of(D(2024, 1, 1), [empty_base.id])[0].enterprise,
            ratio_as_of(D(2023, 12, 31), [empty_base.id])[0].enterprise) == (1, 0)
