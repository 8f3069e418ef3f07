"""Secondments, visits and study tours: validation with its messages, counts, lists, scope, audit."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.errors import DomainError
from registry.exchanges import queries, services
from registry.exchanges.models import Exchange
from registry.extensions import db
from tests.conftest import text_of

D = dt.date


def row(**kw):
    data = {"kind": "secondment", "direction": "university_to_enterprise", "person_name": "王青",
            "person_organisation": "示范工业大学", "host_organisation": "星海航天动力研究所",
            "starts_on": D(2023, 3, 1), "ends_on": D(2023, 8, 31)}
    data.update(kw)
    return data


def message(exc_info) -> str:
    return exc_info.value.en


def test_end_before_start_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(starts_on=D(2023, 3, 1), ends_on=D(2023, 2, 28)), actor=None)
    assert exc.value.field == "ends_on"
    assert message(exc) == "The end date (2023-02-28) is before the start date (2023-03-01)."
    assert exc.value.zh == "结束日期（2023-02-28）早于开始日期（2023-03-01）。"


def test_same_day_start_and_end_is_fine(world):
    services.create_exchange(world.base, row(starts_on=D(2023, 3, 1), ends_on=D(2023, 3, 1)), actor=None)


def test_overlapping_secondment_is_refused_naming_the_other(world):
    services.create_exchange(world.base, row(host_organisation="甲所", starts_on=D(2023, 3, 1), ends_on=D(2023, 8, 31)), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(host_organisation="乙所", starts_on=D(2023, 8, 31), ends_on=None), actor=None)
    assert message(exc) == ("王青 is already on a secondment at 甲所 from 2023-03-01 to 2023-08-31 (base SF-AP-01); "
                            "one person's secondments may not overlap.")
    assert exc.value.field == "starts_on"
    # The day after the end is free; so is another person of the same name at another employer.
    services.create_exchange(world.base, row(host_organisation="乙所", starts_on=D(2023, 9, 1), ends_on=None), actor=None)
    services.create_exchange(world.base, row(person_organisation="示范理工学院", starts_on=D(2023, 5, 1)), actor=None)


def test_open_ended_secondment_blocks_every_later_one_across_bases(world):
    services.create_exchange(world.base, row(host_organisation="甲所", starts_on=D(2024, 1, 1), ends_on=None), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base2, row(host_organisation="乙所", starts_on=D(2030, 1, 1), ends_on=None), actor=None)
    assert "from 2024-01-01 to …" in message(exc)


def test_visits_may_overlap_a_secondment(world):
    services.create_exchange(world.base, row(), actor=None)
    services.create_exchange(world.base, row(kind="visit", starts_on=D(2023, 4, 1), ends_on=D(2023, 4, 5)), actor=None)


def test_a_linked_mentor_is_identified_by_the_mentor_id(world):
    """The roster mentor 李工 (enterprise) is the person, whatever name was typed before."""
    mentor = world.mentor_record
    services.create_exchange(world.base, row(direction="enterprise_to_university", mentor_id=mentor.id,
                                             host_organisation="示范工业大学"), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(direction="enterprise_to_university", mentor_id=mentor.id,
                                                 host_organisation="别处", starts_on=D(2023, 6, 1)), actor=None)
    assert message(exc).startswith("李工 is already on a secondment at 示范工业大学")
    # An unlinked record of the same name and employer is the same person too.
    with pytest.raises(DomainError):
        services.create_exchange(world.base, row(direction="enterprise_to_university", person_name="李工",
                                                 person_organisation="星海航天动力研究所", starts_on=D(2023, 7, 1)), actor=None)


def test_mentor_side_must_match_the_direction(world):
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(mentor_id=world.mentor_record.id), actor=None)
    assert exc.value.field == "direction"
    assert message(exc).startswith("李工 is a mentor of the other side")


def test_mentor_must_be_appointed_at_the_base(world):
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base2, row(direction="enterprise_to_university",
                                                  mentor_id=world.mentor_record.id), actor=None)
    assert message(exc) == "This mentor has no appointment at the base."


@pytest.mark.parametrize("field,value,expected", [
    ("person_name", "", "Full name is required."),
    ("host_organisation", "  ", "Host organisation is required."),
    ("starts_on", None, "Start date is required."),
    ("starts_on", "2023-02-30", "Start date: \"2023-02-30\" is not a date (YYYY-MM-DD)."),
    ("kind", "holiday", "Kind: unknown value \"holiday\"; use one of: secondment, visit, study_tour"),
    ("direction", "", "Direction is required."),
    ("participants", 0, "Participants must be between 1 and 10000."),
    ("person_name", "名" * 101, "Full name may have at most 100 characters."),
])
def test_each_field_is_checked(world, field, value, expected):
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(**{field: value}), actor=None)
    assert message(exc) == expected
    assert exc.value.field == field


def test_the_same_exchange_twice_is_refused(world):
    services.create_exchange(world.base, row(kind="visit"), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(kind="visit", host_organisation="别处"), actor=None)
    assert message(exc) == "This exchange of 王青 starting 2023-03-01 is already recorded."


def test_update_does_not_collide_with_itself(world):
    exchange = services.create_exchange(world.base, row(), actor=None)
    services.update_exchange(exchange, row(ends_on=D(2023, 9, 30), outcomes="完成"), actor=None)
    assert exchange.ends_on == D(2023, 9, 30)


# ---- counts --------------------------------------------------------------------------------

@pytest.fixture
def known(world):
    """Known exchanges: base A has 2 secondments out in 2023 (one running into 2024), 1 in, 2 visits
    and a study tour; base B one visit. Counted by start year."""
    def add(base, data):
        return services.create_exchange(base, data, actor=None)

    add(world.base, row(person_name="甲", starts_on=D(2023, 1, 1), ends_on=D(2023, 6, 30)))
    add(world.base, row(person_name="乙", starts_on=D(2023, 12, 31), ends_on=D(2024, 6, 30)))
    add(world.base, row(person_name="丙", direction="enterprise_to_university", person_organisation="星海",
                        starts_on=D(2024, 1, 1), ends_on=None))
    add(world.base, row(kind="visit", person_name="丁", starts_on=D(2024, 3, 1), ends_on=D(2024, 3, 2)))
    add(world.base, row(kind="visit", person_name="戊", direction="enterprise_to_university",
                        person_organisation="星海", starts_on=D(2025, 5, 1), ends_on=D(2025, 5, 9)))
    add(world.base, row(kind="study_tour", person_name="研究生团", direction="university_to_enterprise",
                        participants=30, starts_on=D(2024, 5, 1), ends_on=D(2024, 5, 3)))
    add(world.base2, row(kind="visit", person_name="己", starts_on=D(2024, 9, 1), ends_on=D(2024, 9, 9)))
    return world


def test_yearly_counts_are_pinned(known, query_counter):
    a, b = known.base.id, known.base2.id
    with query_counter() as n:
        counts = queries.yearly_counts([a, b], 2022, 2025)
    assert n() == 1
    nonzero = {k: v for k, v in counts.items() if v}
    assert nonzero == {
        (a, "secondments_to_enterprise", 2023): 2,
        (a, "secondments_to_university", 2024): 1,
        (a, "visits_to_enterprise", 2024): 1,
        (a, "visits_to_university", 2025): 1,
        (a, "study_tours", 2024): 1,
        (b, "visits_to_enterprise", 2024): 1,
    }
    assert len(counts) == 2 * 5 * 4  # zeros included
    assert counts[(a, "study_tours", 2023)] == 0


def test_yearly_counts_of_a_range_outside_the_records(known):
    assert set(queries.yearly_counts([known.base.id], 2019, 2020).values()) == {0}
    assert queries.yearly_counts([], 2020, 2024) == {}


# ---- pages ---------------------------------------------------------------------------------

def test_list_filters_and_counts_per_year_and_direction(known, client, login_as):
    login_as("coord")
    page = text_of(client.get("/bases/SF-AP-01/exchanges"))
    assert "甲" in page and "研究生团" in page and "己" not in page  # base B's record is not here
    html = client.get("/bases/SF-AP-01/exchanges").get_data(as_text=True)
    assert '<tr data-year="2023"><th>2023</th><td class="count-secondment-university_to_enterprise">2</td>' in html
    filtered = client.get("/bases/SF-AP-01/exchanges?year=2024&direction=enterprise_to_university")
    text = text_of(filtered)
    assert "丙" in text and "甲" not in text and "丁" not in text
    by_kind = text_of(client.get("/bases/SF-AP-01/exchanges?kind=study_tour"))
    assert "研究生团" in by_kind and "丙" not in by_kind
    # Nonsense filters are ignored, never a 500.
    assert client.get("/bases/SF-AP-01/exchanges?year=abc&direction=x&kind=y&per_page=-3").status_code == 200


def test_base_page_panel_shows_the_counts(known, client, login_as):
    login_as("coord")
    html = client.get("/bases/SF-AP-01?as_of=2025-06-30").get_data(as_text=True)
    assert 'id="panel-exchanges"' in html
    assert '<tr data-indicator="secondments_to_enterprise"><td>' in html


def test_list_query_count_does_not_grow_with_rows(world, client, login_as, query_counter):
    login_as("coord")
    services.create_exchange(world.base, row(direction="enterprise_to_university", mentor_id=world.mentor_record.id), actor=None)
    client.get("/bases/SF-AP-01/exchanges")
    with query_counter() as few:
        client.get("/bases/SF-AP-01/exchanges")
    for i in range(12):
        services.create_exchange(world.base, row(kind="visit", person_name=f"人{i}", starts_on=D(2020 + i % 5, 1, 1 + i),
                                                 ends_on=None), actor=None)
    with query_counter() as many:
        response = client.get("/bases/SF-AP-01/exchanges")
    assert response.status_code == 200
    assert many() == few()


def test_web_form_adds_edits_and_deletes_with_audit(world, client, login_as):
    login_as("coord")
    response = client.post("/bases/SF-AP-01/exchanges/new", data={
        "kind": "secondment", "direction": "university_to_enterprise", "mentor_id": "0", "person_name": "王青",
        "person_organisation": "示范工业大学", "host_organisation": "星海", "starts_on": "2023-03-01",
        "ends_on": "2023-02-01", "participants": "1"})
    assert response.status_code == 200
    assert "结束日期（2023-02-01）早于开始日期（2023-03-01）。" in text_of(response)
    assert db.session.scalar(select(Exchange).where(Exchange.person_name == "王青")) is None
    response = client.post("/bases/SF-AP-01/exchanges/new", data={
        "kind": "secondment", "direction": "university_to_enterprise", "mentor_id": "0", "person_name": "王青",
        "person_organisation": "示范工业大学", "host_organisation": "星海", "starts_on": "2023-03-01",
        "participants": "1"})
    assert response.status_code == 302
    exchange = db.session.scalar(select(Exchange).where(Exchange.person_name == "王青"))
    url = f"/bases/SF-AP-01/exchanges/{exchange.id}"
    assert response.headers["Location"].endswith(url)
    response = client.post(url + "/edit", data={
        "kind": "secondment", "direction": "university_to_enterprise", "mentor_id": "0", "person_name": "王青",
        "person_organisation": "示范工业大学", "host_organisation": "星海", "starts_on": "2023-03-01",
        "ends_on": "2023-12-31", "participants": "1", "outcomes": "完成试车数据分析"})
    assert response.status_code == 302
    assert "完成试车数据分析" in text_of(client.get(url))
    assert client.post(url + "/delete").status_code == 302
    assert db.session.get(Exchange, exchange.id) is None
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.actor_label, AuditEntry.base_id)
                                 .where(AuditEntry.table == "exchange", AuditEntry.record_id == exchange.id)
                                 .order_by(AuditEntry.id)).all()
    assert [a for a, _, _ in actions] == ["create", "update", "delete"]
    assert {(who, base) for _, who, base in actions} == {("coord", world.base.id)}


def test_scope_other_base_and_roles(world, client, login_as):
    exchange = services.create_exchange(world.base, row(), actor=None)
    url = f"/bases/SF-AP-01/exchanges/{exchange.id}"
    login_as("coord2")
    assert client.get("/bases/SF-AP-01/exchanges").status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url + "/delete").status_code == 404
    # The record of base A is not reachable through base B's URL either.
    assert client.get(f"/bases/SL-SO-01/exchanges/{exchange.id}").status_code == 404
    login_as("reviewer")
    assert client.get(url).status_code == 200
    assert client.post(url + "/delete").status_code == 403
    login_as("unicoord")
    assert client.get(url + "/edit").status_code == 200
