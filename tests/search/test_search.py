"""The navigation's search box: bases, mentors (name, staff number), organisations; only what the
viewer may see; bounded and paginated."""
from __future__ import annotations

import datetime as dt

from tests.conftest import add_people, commit_keeping_objects, section_text, text_of


def test_finds_a_base_by_code_and_a_mentor_by_staff_number(client, world, as_user):
    as_user(world.admin)
    page = text_of(client.get("/search?q=SF-AP"))
    assert "航天动力示范基地" in page and "船舶海洋示范基地" not in page
    assert "李工" in section_text(client.get("/search?q=E001"), "search-mentors")
    assert "李工" in section_text(client.get("/search?q=李"), "search-mentors")


def test_finds_organisations_for_staff(client, world, as_user):
    as_user(world.admin)
    response = client.get("/search?q=星海")
    assert "星海航天动力研究所" in section_text(response, "search-enterprises")
    assert "示范工业大学" in section_text(client.get("/search?q=示范工业"), "search-universities")


def test_a_coordinator_does_not_find_another_bases_mentors_or_bases(client, world, as_user):
    other = add_people(world.base2, "enterprise", 1, prefix="远帆")[0]
    commit_keeping_objects()
    as_user(world.coord)
    html = client.get(f"/search?q={other.staff_no}").get_data(as_text=True)
    assert other.name not in html
    assert "船舶海洋示范基地" not in client.get("/search?q=SL-SO").get_data(as_text=True)
    # their own base's people they do find
    assert "李工" in client.get("/search?q=E001").get_data(as_text=True)
    as_user(world.coord2)
    assert other.name in client.get(f"/search?q={other.staff_no}").get_data(as_text=True)


def test_a_mentor_finds_only_their_own_record(client, world, as_user):
    add_people(world.base, "enterprise", 1, prefix="王")
    commit_keeping_objects()
    as_user(world.mentor)
    html = client.get("/search?q=E").get_data(as_text=True)
    assert "李工" in html and "王" not in section_text(client.get("/search?q=E"), "search-mentors")
    assert 'id="search-enterprises"' not in client.get("/search?q=星海").get_data(as_text=True)


def test_search_is_bounded_and_paginated(client, world, as_user):
    add_people(world.base, "university", 45, prefix="张")
    commit_keeping_objects()
    as_user(world.admin)
    first = client.get("/search?q=张")
    assert first.status_code == 200
    assert section_text(first, "search-mentors").count("张") == 20
    assert "1 / 3" in text_of(first)
    third = client.get("/search?q=张&page=3")
    assert "3 / 3" in text_of(third)
    assert client.get("/search?q=" + "x" * 5000).status_code in (200, 400)
    assert client.get("/search?q=%25").status_code == 200  # a LIKE wildcard is searched for literally
    assert "0" in text_of(client.get("/search?q=%25_"))
    assert client.get("/search?q=").status_code == 200


def test_the_navigation_has_the_search_box(client, world, as_user):
    as_user(world.coord)
    html = client.get("/bases").get_data(as_text=True)
    assert 'role="search"' in html and 'action="/search"' in html
