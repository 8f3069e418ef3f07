"""The audit log: who, when, which record, old and new values, for every change of domain data."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.extensions import db
from registry.orgs import services
from tests.conftest import act_as, section_text, text_of


def entries(**where):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(stmt).all()


def test_create_update_delete_through_the_web_are_recorded_with_the_actor(client, world):
    act_as(client, world.admin)
    client.post("/universities/new", data={"name": "审计大学", "kind": "ministry", "province": "天津"})
    uni = services.find_university("审计大学")
    client.post(f"/universities/{uni.id}/edit", data={"name": "审计大学", "kind": "co_built", "province": "天津"})
    client.post(f"/universities/{uni.id}/delete")
    created, updated, deleted = entries(table="university", record_id=uni.id)
    assert (created.action, updated.action, deleted.action) == ("create", "update", "delete")
    assert {e.actor_label for e in (created, updated, deleted)} == {"admin"}
    assert {e.actor_id for e in (created, updated, deleted)} == {world.admin.id}
    assert created.changes["name"] == [None, "审计大学"] and created.changes["kind"] == [None, "ministry"]
    assert updated.changes == {"kind": ["ministry", "co_built"]}
    assert deleted.changes["province"] == ["天津", None]
    assert created.record_label == "审计大学"
    assert created.at is not None and abs((dt.datetime.now(dt.timezone.utc)
                                           - created.at.replace(tzinfo=dt.timezone.utc)).total_seconds()) < 60


def test_a_base_create_records_its_partner_enterprises_and_its_base(client, world):
    act_as(client, world.unicoord)
    client.post("/bases/new", data={"code": "AU-01", "name": "审计基地", "field": "ai", "university_id": str(world.uni.id),
                                    "enterprise_ids": [str(world.ent.id), str(world.ent2.id)],
                                    "cooperation_since": "2020-01-01", "max_students_per_mentor": "5"})
    (entry,) = entries(table="base", action="create", record_label="AU-01 审计基地")
    assert entry.actor_label == "unicoord"
    assert entry.changes["enterprises"] == [None, ["星海航天动力研究所", "远帆船舶集团"]]
    assert entry.changes["code"] == [None, "AU-01"]
    assert entry.base_id == entry.record_id  # a base's own entries are filed under it


def test_changing_a_bases_partner_enterprises_is_recorded(client, world):
    act_as(client, world.coord)
    data = {"name": world.base.name, "field": "aerospace_propulsion", "enterprise_ids": [str(world.ent2.id)],
            "cooperation_since": "2019-09-01", "max_students_per_mentor": "5", "description": ""}
    assert client.post(f"/bases/{world.base.code}/edit", data=data).status_code == 302
    (entry,) = entries(table="base", action="update")
    assert entry.actor_label == "coord" and entry.base_id == world.base.id
    assert entry.changes == {"enterprises": [["星海航天动力研究所"], ["远帆船舶集团"]]}
    # Saving the same again changes nothing and records nothing.
    client.post(f"/bases/{world.base.code}/edit", data=data)
    assert len(entries(table="base", action="update")) == 1


def test_partner_changes_made_by_a_service_in_place_are_recorded(world):
    set_actor(db.session, world.admin)
    world.base.enterprises.append(world.ent2)
    db.session.flush()
    (entry,) = entries(table="base", action="update")
    assert entry.changes["enterprises"] == [["星海航天动力研究所"], ["星海航天动力研究所", "远帆船舶集团"]]
    world.base.enterprises.remove(world.ent)
    db.session.flush()
    assert entries(table="base", action="update")[-1].changes["enterprises"][1] == ["远帆船舶集团"]


def test_deleting_a_base_records_its_last_values_and_partners(world):
    set_actor(db.session, None, "cli:test")
    base = services.create_base("DEL-01", name="将删除", university=world.uni, enterprises=[world.ent], field="ai",
                                cooperation_since=dt.date(2020, 1, 1), actor=None)
    db.session.flush()
    base_id = base.id
    db.session.delete(base)
    db.session.flush()
    (entry,) = entries(table="base", action="delete")
    assert entry.record_id == base_id and entry.base_id == base_id and entry.actor_label == "cli:test"
    assert entry.changes["code"] == ["DEL-01", None]
    assert entry.changes["enterprises"] == [["星海航天动力研究所"], None]


def test_a_failed_flush_leaves_no_entry_behind(world):
    set_actor(db.session, world.admin)
    session = db.session()
    nested = session.begin_nested()
    services.create_university("一次", "ministry", actor=None)
    db.session.add(type(world.uni)(name="示范工业大学", kind="ministry", province=""))  # duplicate name
    with pytest.raises(Exception):
        db.session.flush()
    nested.rollback()
    services.create_university("二次", "ministry", actor=None)
    db.session.flush()
    assert [e.record_label for e in entries(table="university", action="create")][-1:] == ["二次"]
    assert not [e for e in entries(table="university") if e.record_label in ("一次", "示范工业大学")
                and e.actor_label == "admin"]


def test_commands_record_their_actor(runner, world):
    result = runner.invoke(args=["base", "create", "CLI-01", "--name", "命令行基地", "--university", "示范工业大学",
                                 "--university-kind", "ministry", "--enterprise", "新合作企业", "--field", "ai",
                                 "--cooperation-since", "2021-01-01"])
    assert result.exit_code == 0, result.output
    (base_entry,) = entries(table="base", action="create", record_label="CLI-01 命令行基地")
    (ent_entry,) = entries(table="enterprise", action="create", record_label="新合作企业")
    assert base_entry.actor_label.startswith("cli:") and base_entry.actor_id is None
    assert ent_entry.actor_label == base_entry.actor_label
    assert base_entry.changes["enterprises"] == [None, ["新合作企业"]]


def test_passwords_and_tokens_never_reach_the_log(client, world):
    act_as(client, world.coord)
    response = client.post("/auth/tokens", data={"name": "脚本"})
    token = section_text(response, "new-token").strip()
    for entry in entries():
        assert token not in str(entry.changes)
        for field in ("password_hash", "token_hash"):
            if field in entry.changes:
                assert set(entry.changes[field]) <= {None, "***"}
    (made,) = entries(table="api_token", action="create")
    assert made.actor_label == "coord" and made.changes["name"] == [None, "脚本"]


@pytest.fixture
def logged(client, world):
    """A few entries by different people of different kinds."""
    set_actor(db.session, world.unicoord)
    services.update_base(world.base, name="改过的名字", enterprises=[world.ent], field="aerospace_propulsion",
                         cooperation_since=world.base.cooperation_since, actor=None)
    set_actor(db.session, world.admin)
    services.create_enterprise("管理员的企业", actor=None)
    db.session.commit()
    act_as(client, world.admin)
    return client


def test_the_admin_page_filters_by_record_type_who_action_and_base(logged, world):
    page = section_text(logged.get("/audit/"), "audit-table")
    assert "改过的名字" in page and "管理员的企业" in page and "fixture" in page
    page = section_text(logged.get("/audit/?table=enterprise"), "audit-table")
    assert "管理员的企业" in page and "改过的名字" not in page and "示范工业大学" not in page
    page = section_text(logged.get("/audit/?actor=unicoord"), "audit-table")
    assert "改过的名字" in page and "管理员的企业" not in page
    page = section_text(logged.get("/audit/?action=update"), "audit-table")
    assert "名称 从 航天动力示范基地 改为 改过的名字" in page and "管理员的企业" not in page
    page = section_text(logged.get("/audit/?base=SF-AP-01"), "audit-table")
    assert "改过的名字" in page and "SL-SO-01" not in page and "管理员的企业" not in page
    assert "SF-AP-01" in page  # each entry names its base
    assert "没有记录" in text_of(logged.get("/audit/?base=NOPE"))
    for bad in ("action=bogus", "table=bogus", "record_id=abc", "page=-1", "base=%27"):
        assert logged.get(f"/audit/?{bad}").status_code == 200, bad


def test_the_admin_page_queries_do_not_grow_with_its_rows(logged, world, query_counter):
    db.session.expire_all()
    with query_counter() as few:
        logged.get("/audit/?per_page=200")
    for i in range(30):
        services.create_enterprise(f"批量{i}", actor=None)
    db.session.commit()
    db.session.expire_all()
    with query_counter() as many:
        response = logged.get("/audit/?per_page=200")
    assert "批量29" in text_of(response)
    assert many() == few()
