"""Counts other areas read: postgraduates trained (rule R1) and yearly indicator counts."""
from registry.mentors import services
from registry.mentors.queries import postgraduates_trained, yearly_counts
from tests.mentors.conftest import D, add_people


def _student(base, no, level, year=2022):
    return services.create_student(base, name=f"生{no}", student_no=no, level=level, enrolment_year=year, actor=None)


def _setup(world):
    (uni,) = add_people(world.base, "university", 1, starts_on=D(2019, 1, 1))
    ent = world.mentor_record  # since 2020-01-01
    m = _student(world.base, "M1", "master")
    d = _student(world.base, "D1", "doctoral")
    u = _student(world.base, "U1", "undergraduate")
    _student(world.base, "M2", "master")  # never assigned
    kw = dict(university_mentor=uni, enterprise_mentor=ent)
    services.assign_mentors(m, **kw, starts_on=D(2022, 9, 1), ends_on=D(2023, 6, 30), actor=None)
    services.assign_mentors(m, **kw, starts_on=D(2023, 9, 1), actor=None)  # a second assignment: one student
    services.assign_mentors(d, **kw, starts_on=D(2024, 3, 1), actor=None)
    services.assign_mentors(u, **kw, starts_on=D(2022, 9, 1), ends_on=D(2023, 1, 15), actor=None)
    return uni


def test_postgraduates_trained(world, query_counter):
    _setup(world)
    with query_counter() as n:
        counts = postgraduates_trained([world.base.id, world.base2.id], D(2024, 3, 1))
    assert n() == 1
    assert counts == {world.base.id: 2, world.base2.id: 0}
    assert postgraduates_trained([world.base.id], D(2024, 2, 29)) == {world.base.id: 1}
    assert postgraduates_trained([world.base.id], D(2022, 8, 31)) == {world.base.id: 0}
    assert postgraduates_trained(None, D(2024, 3, 1)) == {world.base.id: 2}


def test_yearly_counts(world, query_counter):
    _setup(world)
    add_people(world.base2, "enterprise", 2, starts_on=D(2022, 6, 1), ends_on=D(2023, 12, 31))
    with query_counter() as n:
        counts = yearly_counts([world.base.id, world.base2.id], 2021, 2024)
    assert n() == 2
    b1, b2 = world.base.id, world.base2.id
    assert [counts[(b1, "mentors_total", y)] for y in range(2021, 2025)] == [2, 2, 2, 2]
    assert [counts[(b1, "enterprise_mentors", y)] for y in range(2021, 2025)] == [1, 1, 1, 1]
    assert [counts[(b1, "students_jointly_trained", y)] for y in range(2021, 2025)] == [0, 2, 2, 2]
    assert [counts[(b2, "enterprise_mentors", y)] for y in range(2021, 2025)] == [0, 2, 2, 0]
    assert [counts[(b2, "students_jointly_trained", y)] for y in range(2021, 2025)] == [0, 0, 0, 0]
    assert len(counts) == 2 * 3 * 4


def test_yearly_counts_queries_do_not_grow(world, query_counter):
    _setup(world)
    with query_counter() as n:
        yearly_counts(None, 2015, 2030)
    assert n() == 3  # the base ids, then the two counting queries
    assert yearly_counts([], 2020, 2024) == {} and yearly_counts([world.base.id], 2025, 2024) == {}
