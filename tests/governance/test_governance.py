"""Governance records: what is in force on a day (rules R4 and R5 read it), validation, and the
base page's list of what is missing with links to the forms that add it."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.errors import DomainError
from registry.governance import queries, services
from registry.governance.queries import REGULATION_AREAS
from tests.conftest import field_errors, text_of

D = dt.date


def test_the_seven_areas_have_the_agreed_keys():
    assert list(REGULATION_AREAS) == ["base_building", "joint_training", "mentor_management", "student_management",
                                      "cooperation_exchange", "secondment", "quality_evaluation"]


def test_platform_status_in_force_on_a_day(world, query_counter):
    a, b = world.base, world.base2
    old = services.create_agreement(a, {"title": "旧协议", "parties": "甲\n乙", "signed_on": D(2019, 8, 1),
                                        "valid_until": D(2022, 7, 31)}, actor=None)
    new = services.create_agreement(a, {"title": "新协议", "parties": "甲\n乙", "signed_on": D(2022, 8, 1)}, actor=None)
    v1 = services.create_plan(a, {"title": "培养方案", "version": "2020版", "adopted_on": D(2020, 9, 1)}, actor=None)
    v2 = services.create_plan(a, {"title": "培养方案", "version": "2023版", "adopted_on": D(2023, 6, 30)}, actor=None)
    arr = services.create_arrangement(a, {"title": "双向交流机制", "established_on": D(2021, 1, 1),
                                          "valid_until": D(2024, 12, 31)}, actor=None)
    ids = [a.id, b.id]
    with query_counter() as n:
        status = queries.platform_status_many(ids, D(2022, 7, 31))
    assert n() == 3
    assert (status[a.id].agreement, status[a.id].training_plan, status[a.id].exchange_arrangement) == (old, v1, arr)
    assert status[b.id] == queries.PlatformStatus(None, None, None)
    assert not status[b.id].complete and status[a.id].complete
    on = lambda day: queries.platform_status_many([a.id], day)[a.id]  # noqa: E731
    assert on(D(2022, 8, 1)).agreement == new  # the old one expired the day before
    assert on(D(2023, 6, 29)).training_plan == v1 and on(D(2023, 6, 30)).training_plan == v2
    assert on(D(2024, 12, 31)).exchange_arrangement == arr and on(D(2025, 1, 1)).exchange_arrangement is None
    assert on(D(2019, 7, 31)).agreement is None  # not signed yet


def test_regulation_areas_in_force(world, query_counter):
    a, b = world.base, world.base2
    services.create_regulation(a, {"area": "secondment", "title": "挂职办法", "issued_on": D(2021, 1, 1),
                                   "valid_until": D(2023, 12, 31)}, actor=None)
    services.create_regulation(a, {"area": "joint_training", "title": "联合培养规定", "issued_on": D(2021, 1, 1)}, actor=None)
    services.create_regulation(a, {"area": "joint_training", "title": "联合培养补充规定", "issued_on": D(2022, 1, 1)}, actor=None)
    services.create_regulation(b, {"area": "quality_evaluation", "title": "质量评价办法", "issued_on": D(2024, 1, 1)}, actor=None)
    ids = [a.id, b.id]
    with query_counter() as n:
        areas = queries.regulation_areas_many(ids, D(2023, 12, 31))
    assert n() == 1
    assert areas == {a.id: {"secondment", "joint_training"}, b.id: set()}
    assert queries.regulation_areas_many([a.id, b.id], D(2024, 1, 1)) == {a.id: {"joint_training"},
                                                                         b.id: {"quality_evaluation"}}


@pytest.mark.parametrize("create,data,field,expected", [
    (services.create_agreement, {"title": "协议", "parties": "甲", "signed_on": D(2020, 1, 2),
                                 "valid_until": D(2020, 1, 1)}, "valid_until",
     "The end date (2020-01-01) is before the start date (2020-01-02)."),
    (services.create_agreement, {"title": "协议", "parties": "", "signed_on": D(2020, 1, 2)}, "parties",
     "Parties is required."),
    (services.create_agreement, {"title": "协议", "parties": "甲"}, "signed_on", "Signed on is required."),
    (services.create_plan, {"title": "方案", "version": "", "adopted_on": D(2020, 1, 1)}, "version",
     "Version is required."),
    (services.create_regulation, {"area": "sports", "title": "办法", "issued_on": D(2020, 1, 1)}, "area",
     "Area: unknown value \"sports\"; use one of: base_building, joint_training, mentor_management, "
     "student_management, cooperation_exchange, secondment, quality_evaluation"),
    (services.create_arrangement, {"title": "", "established_on": D(2020, 1, 1)}, "title", "Title is required."),
])
def test_validation_messages(world, create, data, field, expected):
    with pytest.raises(DomainError) as exc:
        create(world.base, data, actor=None)
    assert (exc.value.field, exc.value.en) == (field, expected)


def test_one_plan_version_and_one_working_group_per_base(world):
    services.create_plan(world.base, {"title": "方案", "version": "2023版", "adopted_on": D(2023, 1, 1)}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_plan(world.base, {"title": "方案", "version": "2023版", "adopted_on": D(2023, 2, 1)}, actor=None)
    assert exc.value.en == "Version 2023版 of the training plan is already recorded."
    group = services.create_group(world.base, {"name": "工作组", "established_on": D(2020, 1, 1)}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_group(world.base, {"name": "第二工作组", "established_on": D(2020, 1, 1)}, actor=None)
    assert exc.value.en == "This base already has a working group; change it, or add members to it."
    services.add_group_member(group, {"name": "周校长", "side": "university", "organisation": "大学",
                                      "group_role": "leader", "from_on": D(2020, 1, 1)}, actor=None)
    member = services.add_group_member(group, {"mentor_id": world.mentor_record.id, "group_role": "member",
                                               "from_on": D(2020, 1, 1)}, actor=None)
    assert (member.name, member.side, member.organisation) == ("李工", "enterprise", "星海航天动力研究所")
    with pytest.raises(DomainError) as exc:
        services.add_group_member(group, {"name": "周校长", "side": "university", "organisation": "大学",
                                          "group_role": "member", "from_on": D(2021, 1, 1)}, actor=None)
    assert exc.value.en == "周校长 is already a member of this group over these dates."


def test_base_page_lists_what_is_missing_with_links(world, client, login_as):
    services.create_agreement(world.base, {"title": "合作协议", "parties": "甲\n乙", "signed_on": D(2019, 8, 1)}, actor=None)
    for area in list(REGULATION_AREAS)[:6]:
        services.create_regulation(world.base, {"area": area, "title": f"{area} 办法", "issued_on": D(2020, 1, 1)}, actor=None)
    login_as("coord")
    client.get("/lang/en")
    response = client.get("/bases/SF-AP-01?as_of=2024-01-01")
    text = text_of(response)
    assert ("Missing on this date: Training plan、Two-way exchange arrangement、Working group、Quality evaluation"
            in text)
    html = response.get_data(as_text=True)
    assert 'href="/bases/SF-AP-01/governance/regulations/new?area=quality_evaluation"' in html
    assert 'href="/bases/SF-AP-01/governance/training-plans/new"' in html
    assert 'href="/bases/SF-AP-01/governance/agreements/new"' not in html  # present: no "add" link
    # The link opens the form with the area chosen.
    form = client.get("/bases/SF-AP-01/governance/regulations/new?area=quality_evaluation").get_data(as_text=True)
    assert '<option selected value="quality_evaluation">' in form or 'value="quality_evaluation" selected' in form
    # Before the agreement was signed it is missing too; a reviewer sees the list without links.
    login_as("reviewer")
    client.get("/lang/en")
    early = client.get("/bases/SF-AP-01?as_of=2019-07-31")
    assert "Missing on this date: Cooperation agreement" in text_of(early)
    html = early.get_data(as_text=True)
    panel = html[html.index('id="panel-governance"'):]
    assert "/governance/regulations/new" not in panel[:panel.index("</section>")]


def test_pages_of_every_governance_kind(world, client, login_as):
    agreement = services.create_agreement(world.base, {"title": "合作协议", "parties": "甲", "signed_on": D(2019, 8, 1)}, actor=None)
    group = services.create_group(world.base, {"name": "工作组", "established_on": D(2020, 1, 1)}, actor=None)
    login_as("coord")
    for slug, obj in (("agreements", agreement), ("working-group", group)):
        assert client.get(f"/bases/SF-AP-01/governance/{slug}").status_code == 200
        assert client.get(f"/bases/SF-AP-01/governance/{slug}/{obj.id}").status_code == 200
        assert client.get(f"/bases/SF-AP-01/governance/{slug}/{obj.id}/edit").status_code == 200
    for slug in ("training-plans", "arrangements", "regulations"):
        assert client.get(f"/bases/SF-AP-01/governance/{slug}").status_code == 200
        assert client.get(f"/bases/SF-AP-01/governance/{slug}/new").status_code == 200
    response = client.post("/bases/SF-AP-01/governance/regulations/new", data={
        "area": "quality_evaluation", "title": "质量评价办法", "issued_on": "2024-01-01"})
    assert response.status_code == 302
    assert queries.regulation_areas_many([world.base.id], D(2024, 1, 1))[world.base.id] == {"quality_evaluation"}
    response = client.post(f"/bases/SF-AP-01/governance/working-group/{group.id}/members", data={
        "mentor_id": "0", "name": "周校长", "side": "university", "organisation": "示范工业大学",
        "group_role": "leader", "from_on": "2020-01-01"})
    assert response.status_code == 302
    assert "周校长" in text_of(client.get(f"/bases/SF-AP-01/governance/working-group/{group.id}"))


def test_agreement_form_shows_every_broken_field_at_once(world, client, login_as):
    login_as("coord")
    client.get("/lang/en")
    response = client.post("/bases/SF-AP-01/governance/agreements/new", data={
        "title": "", "document_no": "X" * 101, "parties": "甲", "signed_on": "2020-01-02",
        "valid_until": "2020-01-01"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_errors(html) == {
        "title": "This field is required.",
        "document_no": "Field cannot be longer than 100 characters.",
        "valid_until": "The end date (2020-01-01) is before the start date (2020-01-02).",
    }
    assert "Problems to fix before saving: 3" in html
    assert queries.platform_status_many([world.base.id], D(2020, 6, 1))[world.base.id].agreement is None
