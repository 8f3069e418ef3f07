"""Suspensions are dated periods (domain.md, "What a base holds"; interfaces.md, "Suspensions with dates"):
one definition of "this appointment counts on day D" (`counts_on` in SQL, `appointment_counts_on` in
Python, `counting_spans` as runs of days), and recording a suspension never changes a figure as of a day
before it begins."""
import datetime as dt
import random

from sqlalchemy import select

from registry.checks.queries import eligibility_of
from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import Appointment, MentorAssignment, Student, Suspension
from registry.mentors.queries import (appointment_counts_on, counting_spans, counts_on, ratio_as_of, ratio_history,
                                      ratio_warning, roster_statement, student_mentors, yearly_counts)
from tests.mentors.conftest import D, add_people, appoint

FIRST, LAST = D(2019, 1, 1), D(2026, 12, 31)


def _day(rng, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _random_team(rng, base):
    """People of both sides with one to three successive appointments (gaps, renewals, open ends), some with
    suspensions already, and postgraduates with dual mentors over random periods."""
    people = {"enterprise": [], "university": []}
    for side, n in (("enterprise", rng.randint(3, 6)), ("university", rng.randint(5, 9))):
        for person in add_people(base, side, n, starts_on=_day(rng, FIRST, D(2023, 12, 31))):
            people[side].append(person)
            start = person.appointments[0].starts_on
            first = person.appointments[0]
            if rng.random() < 0.5:  # the first appointment ends; maybe a renewal follows, maybe after a gap
                first.ends_on = _day(rng, start, D(2025, 6, 30))
                if rng.random() < 0.6:
                    gap = rng.choice((1, 1, 30, 200))
                    nxt = first.ends_on + dt.timedelta(days=gap)
                    appoint(base, person, nxt, rng.choice((None, nxt + dt.timedelta(days=rng.randint(0, 900)))))
            if rng.random() < 0.2:
                s = _day(rng, start, first.ends_on or LAST)
                db.session.add(Suspension(appointment_id=first.id, base_id=base.id, starts_on=s,
                                          ends_on=rng.choice((None, s + dt.timedelta(days=rng.randint(0, 120)))),
                                          reason=""))
    db.session.flush()
    for i in range(rng.randint(2, 5)):
        student = Student(base_id=base.id, name=f"生{i}", student_no=f"R{i:03d}", level=rng.choice(("master", "doctoral")),
                          enrolment_year=rng.randint(2019, 2024))
        db.session.add(student)
        db.session.flush()
        start = _day(rng, D(student.enrolment_year, 9, 1), D(2025, 9, 1))
        db.session.add(MentorAssignment(base_id=base.id, student_id=student.id,
                                        university_mentor_id=rng.choice(people["university"]).id,
                                        enterprise_mentor_id=rng.choice(people["enterprise"]).id, starts_on=start,
                                        ends_on=rng.choice((None, start + dt.timedelta(days=rng.randint(30, 1000))))))
    db.session.flush()
    return people


def _figures(base, day: dt.date, until: dt.date, rng_state) -> dict:
    """Every figure as of `day`: the ratio, its monthly history, the early warning over a window whose last day
    counted is `until` at the latest (a warning looking past the suspension's start rightly names it), the eligibility check, each student's dual mentors, the roster's active people, and whether random
    pairing periods ending on `day` are covered (the pairing validation)."""
    rng = random.Random(rng_state)
    horizon = min(90, (until - day).days - 1)  # the last day counted within the window: `until` at the latest
    people = db.session.scalars(select(Appointment.mentor_id).where(Appointment.base_id == base.id).distinct()).all()
    from registry.mentors.models import Mentor

    covered = tuple(services._covered(db.session.get(Mentor, m), base.id, day - dt.timedelta(days=rng.randint(0, 400)),
                                      day) for m in sorted(people))
    warning = ratio_warning(base.id, day, horizon) if horizon >= 0 else None
    return {
        "ratio": ratio_as_of(day, [base.id])[0],
        "history": tuple(ratio_history(base, day)),
        "warning": warning and warning.as_json(),
        "eligibility": eligibility_of(base, day).as_json(),
        "students": tuple(student_mentors(base.id, day, only_current=False)),
        "active": tuple(m.id for m in db.session.scalars(roster_statement(base.id, day, state="active"))),
        "suspended": tuple(m.id for m in db.session.scalars(roster_statement(base.id, day, state="suspended"))),
        "covered": covered,
    }


def _check_invariance(base, rng):
    people = _random_team(rng, base)
    # The person to suspend: an enterprise mentor with a single appointment and no suspension yet.
    appt = next(a for p in people["enterprise"] for a in p.appointments
                if len(p.appointments) == 1 and not a.suspensions) if any(
        len(p.appointments) == 1 and not p.appointments[0].suspensions for p in people["enterprise"]) else None
    if appt is None:
        (person,) = add_people(base, "enterprise", 1, starts_on=_day(rng, FIRST, D(2023, 12, 31)))
        appt = person.appointments[0]
    start = _day(rng, appt.starts_on + dt.timedelta(days=1), appt.ends_on or D(2026, 6, 30))
    until = rng.choice((None, start, start + dt.timedelta(days=rng.randint(1, 400))))
    if until is not None and appt.ends_on is not None:
        until = min(until, appt.ends_on)
    before = sorted({start - dt.timedelta(days=1), *(_day(rng, FIRST, start - dt.timedelta(days=1)) for _ in range(12))}
                    | {d for d in (D(2020, 2, 29), D(2024, 2, 29), D(2022, 12, 31), D(2023, 12, 31),
                                   D(2024, 1, 1)) if d < start})
    states = {day: rng.random() for day in before}
    last_before = start - dt.timedelta(days=1)
    years_before = [y for y in range(2019, 2027) if D(y, 12, 31) < start]
    then = {day: _figures(base, day, last_before, states[day]) for day in before}
    yearly = yearly_counts([base.id], 2019, 2026)
    on_start = ratio_as_of(start, [base.id])[0]

    services.suspend_appointment(appt, starts_on=start, ends_on=until, reason="随机暂停", actor=None)

    for day in before:
        assert _figures(base, day, last_before, states[day]) == then[day], (day, start)
    after = yearly_counts([base.id], 2019, 2026)
    assert {k: v for k, v in after.items() if k[2] in years_before} == {k: v for k, v in yearly.items()
                                                                          if k[2] in years_before}
    # ... and the suspension does take effect from its first day (the test can fail).
    assert ratio_as_of(start, [base.id])[0].enterprise == on_start.enterprise - 1


def test_figures_before_a_suspension_are_unchanged_by_recording_it(empty_base):
    for seed in range(6):
        rng = random.Random(20261203 + seed)
        # Each round in a savepoint, so the rounds do not pile up on one team.
        nested = db.session.begin_nested()
        _check_invariance(empty_base, rng)
        nested.rollback()


def test_sql_python_and_spans_agree_on_every_day(empty_base):
    rng = random.Random(7)
    (person,) = add_people(empty_base, "university", 1, starts_on=D(2023, 12, 30), ends_on=D(2024, 12, 31))
    appt = person.appointments[0]
    for s, e in ((D(2024, 2, 29), D(2024, 2, 29)), (D(2024, 3, 2), D(2024, 6, 1)), (D(2024, 12, 31), None)):
        db.session.add(Suspension(appointment_id=appt.id, base_id=empty_base.id, starts_on=s, ends_on=e, reason=""))
    db.session.flush()
    db.session.refresh(appt)
    spans = counting_spans(appt.starts_on, appt.ends_on, appt.suspensions)
    assert spans == [(D(2023, 12, 30), D(2024, 2, 28)), (D(2024, 3, 1), D(2024, 3, 1)),
                     (D(2024, 6, 2), D(2024, 12, 30))]
    days = [D(2023, 12, 29) + dt.timedelta(days=i) for i in range(0, 375)] + [_day(rng, FIRST, LAST) for _ in range(30)]
    for day in days:
        in_sql = db.session.scalar(select(Appointment.id).where(Appointment.id == appt.id, counts_on(day))) is not None
        in_spans = any(a <= day and (b is None or day <= b) for a, b in spans)
        assert in_sql == appointment_counts_on(appt, day) == in_spans, day


def test_counting_spans_of_random_periods_match_the_predicate():
    rng = random.Random(11)

    class P:  # a suspension period, as the predicate reads it
        def __init__(self, s, e):
            self.starts_on, self.ends_on = s, e

    class A:
        def __init__(self, s, e, periods):
            self.starts_on, self.ends_on, self.suspensions = s, e, periods

    for _ in range(300):
        start = _day(rng, D(2023, 1, 1), D(2024, 12, 31))
        end = rng.choice((None, start + dt.timedelta(days=rng.randint(0, 400))))
        periods, day = [], start
        for _ in range(rng.randint(0, 3)):
            s = day + dt.timedelta(days=rng.randint(0, 60))
            e = rng.choice((None, s + dt.timedelta(days=rng.randint(0, 40))))
            periods.append(P(s, e))
            if e is None:
                break
            day = e + dt.timedelta(days=1)
        rng.shuffle(periods)
        spans = counting_spans(start, end, periods)
        for i in range(-2, 520):
            d = start + dt.timedelta(days=i)
            assert appointment_counts_on(A(start, end, periods), d) == any(
                a <= d and (b is None or d <= b) for a, b in spans), (start, end, [(p.starts_on, p.ends_on)
                                                                                   for p in periods], d)


def test_edges_29_february_and_year_end(empty_base):
    add_people(empty_base, "university", 2, starts_on=D(2020, 1, 1))
    (ent,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1))
    appt = ent.appointments[0]
    before = yearly_counts([empty_base.id], 2023, 2025)
    services.suspend_appointment(appt, starts_on=D(2024, 2, 29), ends_on=D(2024, 12, 31), actor=None)
    assert [ratio_as_of(d, [empty_base.id])[0].enterprise
            for d in (D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 12, 31), D(2025, 1, 1))] == [1, 0, 0, 0, 1]
    after = yearly_counts([empty_base.id], 2023, 2025)
    assert after[(empty_base.id, "enterprise_mentors", 2023)] == before[(empty_base.id, "enterprise_mentors", 2023)] == 1
    assert after[(empty_base.id, "enterprise_mentors", 2024)] == 0  # suspended on 31 December
    assert after[(empty_base.id, "enterprise_mentors", 2025)] == 1
    # The monthly history: February's point (the 29th) drops, January's does not.
    points = {r.as_of: r.enterprise for r in ratio_history(empty_base, D(2024, 3, 31))}
    assert points[D(2024, 1, 31)] == 1 and points[D(2024, 2, 29)] == 0


def test_the_warning_names_a_suspension_beginning_in_its_window(empty_base):
    add_people(empty_base, "university", 2, starts_on=D(2020, 1, 1))
    (ent,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1))
    today = D(2024, 12, 1)
    assert ratio_warning(empty_base.id, today, 90) is None
    services.suspend_appointment(ent.appointments[0], starts_on=D(2025, 1, 1), reason="出国", actor=None)
    warning = ratio_warning(empty_base.id, today, 90)
    assert warning.worst.as_of == D(2025, 1, 1) and warning.to_add == 1
    assert [(a.name, a.ends_on) for a in warning.appointments] == [(ent.name, D(2024, 12, 31))]
    # As with an appointment ending: the window names those whose last counted day lies in it.
    assert ratio_warning(empty_base.id, today, 29) is None  # through 30 December: still counted on 31 December
    assert ratio_warning(empty_base.id, today, 30) is not None


def test_warning_stays_two_queries_with_suspensions(empty_base, query_counter):
    add_people(empty_base, "university", 4, starts_on=D(2020, 1, 1))
    people = add_people(empty_base, "enterprise", 3, starts_on=D(2020, 1, 1), ends_on=D(2025, 1, 15))
    for p in people[:2]:
        services.suspend_appointment(p.appointments[0], starts_on=D(2024, 12, 20), ends_on=D(2024, 12, 24), actor=None)
    with query_counter() as n:
        warning = ratio_warning(empty_base.id, D(2024, 12, 1), 90)
    assert warning is not None and n() == 2


def test_the_roster_export_says_suspended_only_while_a_period_covers_today(empty_base):
    from registry.reports.roster import mentor_rows

    today = dt.date.today()
    (now,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1))
    (later,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1))
    (before,) = add_people(empty_base, "enterprise", 1, starts_on=D(2020, 1, 1))
    services.suspend_appointment(now.appointments[0], starts_on=today, reason="出国", actor=None)
    services.suspend_appointment(later.appointments[0], starts_on=today + dt.timedelta(days=1), actor=None)
    services.suspend_appointment(before.appointments[0], starts_on=D(2021, 1, 1), ends_on=today - dt.timedelta(days=1), actor=None)
    states = {row[3]: row[11] for row in mentor_rows(empty_base.id)}
    assert states == {now.staff_no: "暂停", later.staff_no: "在聘", before.staff_no: "在聘"}
