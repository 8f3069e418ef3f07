"""Key fields are a managed list (issue 9, point 7): the ten seeded, `field add` and the administrators'
page add more, and every form, filter, page and the dashboard read the list."""
from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.orgs.models import FIELDS, Base, KeyField
from tests.conftest import text_of
from tests.foundation.test_cli import BASE, assert_failed, with_option


def test_the_ten_are_seeded_in_order():
    assert list(FIELDS)[:10] == ["energetic_materials", "aerospace_propulsion", "ict", "key_software",
                                 "new_materials", "aeroengines_gas_turbines", "ships_ocean", "ai",
                                 "integrated_circuits", "ordnance"]
    assert FIELDS["aerospace_propulsion"] == "航天动力"


def test_field_add_then_base_create_accepts_it(app, runner):
    refused = runner.invoke(args=with_option(BASE, "--field", "aviation"))
    assert_failed(refused, "未知重点领域：aviation", "Unknown key field: aviation")
    added = runner.invoke(args=["field", "add", "aviation", "--name-zh", "航空", "--name-en", "Aviation"])
    assert added.exit_code == 0, added.stderr
    assert added.stdout == "added key field aviation: 航空 / Aviation\n"
    created = runner.invoke(args=with_option(BASE, "--field", "aviation"))
    assert created.exit_code == 0, created.stderr
    assert db.session.scalar(select(Base.field).where(Base.code == "NEW-01")) == "aviation"
    listed = runner.invoke(args=["field", "list"])
    assert listed.stdout.splitlines()[-1] == "aviation\t航空\tAviation"
    again = runner.invoke(args=["field", "add", "aviation", "--name-zh", "航空器", "--name-en", "Aircraft"])
    assert_failed(again, "aviation", "The key field aviation exists already.")
    bad = runner.invoke(args=["field", "add", "Nuclear Power", "--name-zh", "核", "--name-en", "Nuclear"])
    assert_failed(bad, "Nuclear Power", "lower-case letters")
    same_name = runner.invoke(args=["field", "add", "nuclear", "--name-zh", "航空", "--name-en", "Nuclear"])
    assert_failed(same_name, "航空", "already has the name")
    missing = runner.invoke(args=["field", "add", "nuclear", "--name-en", "Nuclear"])
    assert missing.exit_code == 2 and "--name-zh" in missing.stderr


def test_administrators_add_and_rename_on_the_web(client, world, login_as):
    login_as("admin")
    page = client.get("/admin/fields")
    assert page.status_code == 200 and "航天动力" in text_of(page)
    response = client.post("/admin/fields", data={"code": "nuclear", "name_zh": "核工业", "name_en": "Nuclear"})
    assert response.status_code == 302
    assert "核工业" in text_of(client.get("/admin/fields"))
    # every error at once is not promised here, but each is shown and nothing is written
    bad = client.post("/admin/fields", data={"code": "nuclear", "name_zh": "核", "name_en": "Nuclear energy"})
    assert bad.status_code == 200 and "nuclear" in text_of(bad)
    assert db.session.scalar(select(KeyField.name_zh).where(KeyField.code == "nuclear")) == "核工业"
    kf = db.session.scalar(select(KeyField).where(KeyField.code == "nuclear"))
    response = client.post(f"/admin/fields/{kf.id}", data={"name_zh": "核科学与技术", "name_en": "Nuclear science"})
    assert response.status_code == 302
    # forms, filters and pages read the list
    new_base = text_of(client.get("/bases/new"))
    assert "核科学与技术" in new_base
    assert "核科学与技术" in text_of(client.get("/bases"))  # the list's filter
    world.base.field = "nuclear"
    db.session.flush()
    assert "核科学与技术" in text_of(client.get("/bases/SF-AP-01"))
    dashboard = client.get("/dashboard?field=nuclear")
    assert dashboard.status_code == 200 and "SF-AP-01" in text_of(dashboard)
    assert "SF-AP-01" not in text_of(client.get("/dashboard?field=ai"))


def test_only_administrators_manage_fields(client, world, login_as):
    login_as("coord")
    assert client.get("/admin/fields").status_code == 403
    assert client.post("/admin/fields", data={"code": "nuclear", "name_zh": "核", "name_en": "N"}).status_code == 403
    assert db.session.scalar(select(KeyField).where(KeyField.code == "nuclear")) is None


def test_names_follow_the_interface_language(client, world, login_as):
    login_as("admin")
    assert "Preparing application 航天动力" not in text_of(client.get("/bases/SF-AP-01"))
    assert "准备申报 航天动力 " in text_of(client.get("/bases/SF-AP-01"))
    client.get("/lang/en?next=/bases")
    assert "Preparing application Aerospace propulsion " in text_of(client.get("/bases/SF-AP-01"))
    client.get("/lang/zh_Hans_CN")
