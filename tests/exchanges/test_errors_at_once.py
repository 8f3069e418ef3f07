"""An exchange's form reports every broken rule in one response, each beside its field and in the
summary at the top: the form's own (a blank host) and every rule of the service (the end before the
start, the same exchange already recorded), not one per submit; nothing is written."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.errors import DomainError, errors_of
from registry.exchanges import services
from registry.exchanges.models import Exchange
from registry.extensions import db
from tests.conftest import field_errors, text_of
from tests.exchanges.test_exchanges import row


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Exchange))


def test_exchange_form_shows_every_broken_field_at_once(world, client, login_as):
    services.create_exchange(world.base, row(kind="visit", ends_on=None), actor=None)
    login_as("coord")
    client.get("/lang/en")
    response = client.post("/bases/SF-AP-01/exchanges/new", data={
        "kind": "visit", "direction": "university_to_enterprise", "mentor_id": "0", "person_name": "王青",
        "person_organisation": "示范工业大学", "host_organisation": "", "starts_on": "2023-03-01",
        "ends_on": "2023-02-01", "participants": "1"})
    assert response.status_code == 200
    shown = field_errors(response.get_data(as_text=True))
    assert shown == {
        "host_organisation": "This field is required.",
        "starts_on": "This exchange of 王青 starting 2023-03-01 is already recorded.",
        "ends_on": "The end date (2023-02-01) is before the start date (2023-03-01).",
    }
    page = text_of(response)
    assert "Problems to fix before saving: 3" in page
    for message in shown.values():
        assert message in page.split("Problems to fix before saving: 3", 1)[1]  # listed in the summary too
    assert count() == 1  # nothing written


def test_every_broken_rule_of_a_secondment_is_reported_together(world):
    services.create_exchange(world.base, row(direction="enterprise_to_university", mentor_id=world.mentor_record.id,
                                             host_organisation="示范工业大学"), actor=None)
    with pytest.raises(DomainError) as exc:
        services.create_exchange(world.base, row(  # the enterprise mentor, going the university's way
            mentor_id=world.mentor_record.id, host_organisation=" ", participants=0, starts_on=dt.date(2023, 5, 1),
            ends_on=dt.date(2023, 6, 1)), actor=None)
    errors = errors_of(exc.value)
    assert [e.field for e in errors] == ["host_organisation", "participants", "direction", "starts_on"]
    assert errors[2].en.startswith("李工 is a mentor of the other side")
    assert errors[3].en.startswith("李工 is already on a secondment at 示范工业大学")
    assert count() == 1
