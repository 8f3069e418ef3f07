"""The early warning: appointments ending soon that would take a base below one third."""
from registry.mentors.queries import ratio_warning
from tests.mentors.conftest import D, add_people, appoint

TODAY = D(2025, 1, 1)


def _team(base, enterprise=5, university=9):
    ent = add_people(base, "enterprise", enterprise, starts_on=D(2020, 1, 1))
    uni = add_people(base, "university", university, starts_on=D(2020, 1, 1))
    return ent, uni


def test_names_the_ending_appointment_and_how_many_to_add(empty_base, query_counter):
    _team(empty_base)  # 5 of 14: meets
    (leaving,) = add_people(empty_base, "enterprise", 0) or [None]
    (person,) = add_people(empty_base, "enterprise", 1, starts_on=D(2021, 1, 1), ends_on=D(2025, 2, 14),
                           prefix="黄振宇")
    # now 6 of 15 today; after 2025-02-14: 5 of 14 still meets -> no warning
    assert ratio_warning(empty_base.id, TODAY, 90) is None
    (second,) = add_people(empty_base, "enterprise", 1, starts_on=D(2021, 1, 1), ends_on=D(2025, 3, 1),
                           prefix="马骁")
    add_people(empty_base, "university", 4)  # 7 of 20 today (21 >= 20); 5 of 18 on 2025-03-02 (15 < 18)
    with query_counter() as n:
        w = ratio_warning(empty_base.id, TODAY, 90)
    assert n() <= 2
    assert w is not None
    assert w.current.meets_requirement and (w.current.enterprise, w.current.total) == (7, 20)
    assert w.worst.as_of == D(2025, 3, 2)
    assert (w.worst.enterprise, w.worst.total) == (5, 18)
    assert [a.name for a in w.appointments] == [person.name, second.name]
    assert [a.ends_on for a in w.appointments] == [D(2025, 2, 14), D(2025, 3, 1)]
    assert w.to_add == 2  # 7 of 20: 21 >= 20
    assert w.as_json()["enterprise_mentors_to_add"] == 2


def test_single_drop(empty_base):
    _team(empty_base, 4, 9)
    (person,) = add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 14))  # 5 of 14 today
    w = ratio_warning(empty_base.id, TODAY, 90)
    assert [a.appointment_id for a in w.appointments] == [person.appointments[0].id]
    assert w.worst.as_of == D(2025, 2, 15)
    assert w.to_add == 1


def test_an_appointment_ending_on_the_last_day_of_the_window_counts(empty_base):
    _team(empty_base, 4, 9)
    add_people(empty_base, "enterprise", 1, ends_on=D(2025, 4, 1))  # today + 90 days
    assert ratio_warning(empty_base.id, TODAY, 90) is not None
    assert ratio_warning(empty_base.id, TODAY, 89) is None


def test_no_warning_when_the_ending_is_outside_the_window(empty_base):
    _team(empty_base, 4, 9)
    add_people(empty_base, "enterprise", 1, ends_on=D(2025, 6, 1))
    assert ratio_warning(empty_base.id, TODAY, 90) is None


def test_a_renewal_already_recorded_prevents_the_warning(empty_base):
    _team(empty_base, 4, 9)
    (person,) = add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 14))
    appoint(empty_base, person, D(2025, 2, 15), D(2028, 2, 14))
    assert ratio_warning(empty_base.id, TODAY, 90) is None


def test_a_gap_before_the_renewal_still_warns(empty_base):
    _team(empty_base, 4, 9)
    (person,) = add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 14))
    appoint(empty_base, person, D(2025, 3, 1))
    w = ratio_warning(empty_base.id, TODAY, 90)
    assert w is not None and w.worst.as_of == D(2025, 2, 15)


def test_a_new_enterprise_appointment_starting_in_time_prevents_the_warning(empty_base):
    _team(empty_base, 4, 9)
    add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 14))
    add_people(empty_base, "enterprise", 1, starts_on=D(2025, 2, 1))
    assert ratio_warning(empty_base.id, TODAY, 90) is None


def test_university_endings_are_not_named(empty_base):
    _team(empty_base, 4, 8)
    (ent,) = add_people(empty_base, "enterprise", 1, ends_on=D(2025, 1, 10))
    add_people(empty_base, "university", 1, ends_on=D(2025, 1, 20))
    # 5 of 14; on 01-11: 4 of 13 (fails); on 01-21: 4 of 12 (meets again)
    w = ratio_warning(empty_base.id, TODAY, 90)
    assert w.worst.as_of == D(2025, 1, 11)
    assert [a.mentor_id for a in w.appointments] == [ent.id]
    assert w.to_add == 1


def test_suspended_appointments_are_ignored(empty_base):
    _team(empty_base, 4, 9)
    add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 14), state="suspended")
    assert ratio_warning(empty_base.id, TODAY, 90) is None  # 4 of 13 already; nothing changes


def test_already_below_warns_only_if_it_gets_worse(empty_base):
    _team(empty_base, 2, 9)  # 2 of 11: shortfall 3 (5 of 14)
    add_people(empty_base, "university", 1, ends_on=D(2025, 2, 1))
    assert ratio_warning(empty_base.id, TODAY, 90) is None
    add_people(empty_base, "enterprise", 1, ends_on=D(2025, 2, 1))  # 3 of 13 today: shortfall 2
    w = ratio_warning(empty_base.id, TODAY, 90)
    assert w is not None and not w.current.meets_requirement
    assert w.current.shortfall == 2 and w.to_add == 3


def test_nothing_ending_is_one_query(empty_base, query_counter):
    _team(empty_base)
    with query_counter() as n:
        assert ratio_warning(empty_base.id, TODAY, 90) is None
    assert n() == 1
