"""A teaching record's form reports every broken rule in one response, each beside its field: the
form's own (a blank title) and the service's (a code already taken, too many decimal places); and
a member's service names every broken field, not the first."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.errors import DomainError, errors_of
from registry.extensions import db
from registry.teaching import services
from registry.teaching.models import IndustryCourse
from tests.conftest import field_errors
from tests.teaching.test_teaching import course


def test_course_form_shows_every_broken_field_at_once(world, client, login_as):
    services.create_course(world.base, course(), actor=None)
    login_as("coord")
    client.get("/lang/en")
    response = client.post("/bases/SF-AP-01/teaching/courses/new", data={
        **course(title="", credits="2.55"), "code": "AP6101"})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True)) == {
        "code": "A course with code AP6101 is already recorded.",
        "title": "This field is required.",
        "credits": "Credits may have at most 1 decimal places.",
    }
    assert "Problems to fix before saving: 3" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(IndustryCourse)) == 1  # nothing written


def test_a_team_member_with_every_field_wrong_hears_of_each(world):
    team = services.create_team(world.base, {"name": "教学团队", "established_on": dt.date(2023, 9, 1)}, actor=None)
    with pytest.raises(DomainError) as exc:
        services.add_team_member(team, {"name": "", "organisation": "", "side": "alien",
                                        "from_on": dt.date(2024, 1, 1), "until_on": dt.date(2023, 1, 1)}, actor=None)
    assert [e.field for e in errors_of(exc.value)] == ["name", "organisation", "side", "until_on"]
    assert team.members == []
