"""Administrators manage accounts: list and filter, create with the role's scope, edit, deactivate
and reactivate, reset passwords."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.auth.models import User
from registry.auth.services import create_user
from registry.extensions import db
from tests.conftest import PASSWORD, act_as, error_summary_links, login, rows, section_text, text_of


@pytest.fixture
def admin(client, world):
    act_as(client, world.admin)
    return client


def user(name) -> User | None:
    return db.session.scalar(select(User).where(User.username == name))


def new_user(**fields):
    data = {"username": "newbie", "password": "long enough pw", "confirm": "long enough pw",
            "display_name": "新人", "role": "reviewer", "university_id": "0"}
    data.update(fields)
    return data


def test_the_list_filters_by_text_role_and_state(admin, world):
    page = text_of(admin.get("/auth/users"))
    assert all(name in page for name in ("admin", "reviewer", "unicoord", "coord2", "mentor"))
    assert "SF-AP-01" in page and "示范工业大学" in page and "李工" in page  # each account's scope
    page = text_of(admin.get("/auth/users?role=base_coordinator"))
    assert "coord2" in page and "unicoord" not in page and "reviewer" not in page
    page = text_of(admin.get("/auth/users?q=uni"))
    assert "unicoord" in page and "coord2" not in page
    world.coord2.active = False
    db.session.commit()
    page = text_of(admin.get("/auth/users?state=inactive"))
    assert "coord2" in page and "reviewer" not in page
    assert "coord2" not in text_of(admin.get("/auth/users?state=active"))
    assert "没有符合条件的账号" in text_of(admin.get("/auth/users?role=bogus"))


def test_the_list_paginates_with_a_constant_number_of_queries(admin, world, query_counter):
    db.session.expire_all()  # both requests start from an empty identity map
    with query_counter() as few:  # one account of each role and scope
        assert admin.get("/auth/users?per_page=50").status_code == 200
    for i in range(12):
        create_user(f"extra{i}", "base_coordinator", PASSWORD, bases=[world.base, world.base2], actor=None)
    db.session.commit()
    db.session.expire_all()
    with query_counter() as many:
        response = admin.get("/auth/users?per_page=50")
    assert many() == few()
    assert "共 18 条" in text_of(response)
    second = section_text(admin.get("/auth/users?per_page=5&page=2"), "user-table")
    assert "extra3" in second and "admin" not in second


@pytest.mark.parametrize("role, scope, expect", [
    ("base_coordinator", lambda w: {"base_ids": [str(w.base.id), str(w.base2.id)]},
     lambda u, w: {b.code for b in u.bases} == {"SF-AP-01", "SL-SO-01"}),
    ("university_coordinator", lambda w: {"university_id": str(w.uni2.id)},
     lambda u, w: u.university_id == w.uni2.id and not u.bases),
    ("mentor", lambda w: {"mentor_organisation": "星海航天动力研究所", "mentor_staff_no": "E001"},
     lambda u, w: u.mentor_id == w.mentor_record.id),
    ("reviewer", lambda w: {}, lambda u, w: not u.bases and u.university_id is None and u.mentor_id is None),
    ("admin", lambda w: {}, lambda u, w: u.role == "admin"),
])
def test_an_account_is_created_with_the_scope_its_role_needs(admin, world, role, scope, expect):
    response = admin.post("/auth/users/new", data=new_user(role=role, **scope(world)))
    assert response.status_code == 302, text_of(response)
    created = user("newbie")
    assert created.role == role and expect(created, world)
    assert created.password_hash.startswith("scrypt:")
    admin.post("/auth/logout")
    assert login(admin, "newbie", "long enough pw").status_code == 302


def test_fields_the_role_does_not_use_are_ignored(admin, world):
    response = admin.post("/auth/users/new", data=new_user(role="reviewer", base_ids=[str(world.base.id)],
                                                           university_id=str(world.uni.id)))
    assert response.status_code == 302
    created = user("newbie")
    assert not created.bases and created.university_id is None


@pytest.mark.parametrize("fields, message", [
    ({"username": ""}, "必填"),
    ({"username": "x" * 65}, "64"),
    ({"username": "有 空格"}, "用户名只能包含"),
    ({"username": "coord"}, "已被占用"),
    ({"username": "COORD"}, "已被占用"),
    ({"password": "short", "confirm": "short"}, "8"),
    ({"confirm": "something else"}, "两次输入的密码不一致"),
    ({"role": "superuser"}, "不是有效的选择"),
    ({"role": "base_coordinator"}, "基地联络人至少需要负责一个基地"),
    ({"role": "base_coordinator", "base_ids": ["999999"]}, "不是此项的有效选择"),
    ({"role": "base_coordinator", "base_ids": ["abc"]}, "无效"),
    ({"role": "university_coordinator"}, "学校管理员需要指定所属高校"),
    ({"role": "university_coordinator", "university_id": "999999"}, "不是有效的选择"),
    ({"role": "university_coordinator", "university_id": "abc"}, "无效"),
    ({"role": "mentor"}, "导师账号需要关联一条导师记录"),
    ({"role": "mentor", "mentor_organisation": "星海航天动力研究所", "mentor_staff_no": "NOPE"}, "没有工号为 NOPE"),
    ({"role": "mentor", "mentor_organisation": "x" * 201, "mentor_staff_no": "E001"}, "200"),
    ({"display_name": "名" * 121}, "120"),
])
def test_bad_input_on_the_create_form_writes_nothing(admin, world, fields, message):
    before = rows(User)
    response = admin.post("/auth/users/new", data=new_user(**fields))
    assert response.status_code == 200
    assert message in text_of(response), text_of(response)
    assert 'class="invalid-feedback' in response.get_data(as_text=True)  # in place, beside its field
    assert rows(User) == before


def test_an_account_is_edited_and_the_change_of_scope_is_audited(admin, world):
    response = admin.post(f"/auth/users/{world.coord.id}/edit",
                          data={"display_name": "联络人", "role": "base_coordinator",
                                "base_ids": [str(world.base.id), str(world.base2.id)]})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    assert {b.code for b in world.coord.bases} == {"SF-AP-01", "SL-SO-01"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "user", AuditEntry.action == "update",
                                                        AuditEntry.record_id == world.coord.id)).one()
    assert entry.actor_label == "admin"
    assert entry.changes["display_name"] == ["coord", "联络人"]
    old, new = entry.changes["bases"]
    assert [c.split()[0] for c in old] == ["SF-AP-01"] and [c.split()[0] for c in new] == ["SF-AP-01", "SL-SO-01"]


def test_nobody_changes_their_own_role(admin, world):
    response = admin.post(f"/auth/users/{world.admin.id}/edit", data={"display_name": "me", "role": "reviewer"})
    assert "不能修改自己的角色" in text_of(response)
    db.session.expire_all()
    assert world.admin.role == "admin"


def test_edit_shows_the_current_scope_and_refuses_a_bad_one(admin, world):
    page = admin.get(f"/auth/users/{world.mentor.id}/edit").get_data(as_text=True)
    assert 'value="E001"' in page and "星海航天动力研究所" in page
    response = admin.post(f"/auth/users/{world.mentor.id}/edit",
                          data={"role": "mentor", "mentor_organisation": "", "mentor_staff_no": ""})
    assert "导师账号需要关联一条导师记录" in text_of(response)
    assert admin.get("/auth/users/999999/edit").status_code == 404


def test_deactivate_and_reactivate(admin, client, world):
    from registry.auth.services import create_token

    _row, token = create_token(world.coord, actor=None)
    db.session.commit()
    assert client.get("/api/v1/bases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    response = admin.post(f"/auth/users/{world.coord.id}/deactivate")
    assert response.status_code == 302
    assert "已停用" in text_of(admin.get("/auth/users"))
    assert client.get("/api/v1/bases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    admin.post("/auth/logout")
    assert "已停用" in text_of(client.post("/auth/login", data={"username": "coord", "password": PASSWORD}))
    act_as(client, world.admin)
    admin.post(f"/auth/users/{world.coord.id}/activate")
    admin.post("/auth/logout")
    assert login(client, "coord").status_code == 302
    actions = db.session.scalars(select(AuditEntry.changes).where(
        AuditEntry.table == "user", AuditEntry.record_id == world.coord.id, AuditEntry.action == "update")
        .order_by(AuditEntry.id)).all()
    assert [c["active"] for c in actions] == [[True, False], [False, True]]


def test_an_administrator_cannot_deactivate_themself(admin, world):
    response = admin.post(f"/auth/users/{world.admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in text_of(response)
    db.session.expire_all()
    assert world.admin.active
    assert admin.post("/auth/users/999999/deactivate").status_code == 404


def test_reset_a_password(admin, client, world):
    response = admin.post(f"/auth/users/{world.coord.id}/password", data={"new_password": "short",
                                                                        "confirm": "short"})
    assert response.status_code == 200 and "字段长度必须介于 8 到 256 个字符之间" in text_of(response)
    response = admin.post(f"/auth/users/{world.coord.id}/password", data={"new_password": "brand-new-secret",
                                                                        "confirm": "brand-new-secret"})
    assert response.status_code == 302
    admin.post("/auth/logout")
    assert client.post("/auth/login", data={"username": "coord", "password": PASSWORD}).status_code == 200
    assert login(client, "coord", "brand-new-secret").status_code == 302
    # The audit log says that the password changed, never the hash.
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "user",
                                                        AuditEntry.record_id == world.coord.id,
                                                        AuditEntry.action == "update")).one()
    assert entry.changes == {"password_hash": ["***", "***"]}


def test_a_new_account_with_several_problems_gets_every_message_at_once(admin, world):
    response = admin.post("/auth/users/new", data=new_user(
        username=world.admin.username.upper(), password="short", confirm="other", role="base_coordinator",
        display_name="名" * 121))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # the form's (password, confirmation, display name) and the service's (a taken name, a scope missing)
    assert error_summary_links(html) == ["base_ids", "confirm", "display_name", "password", "username"]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "short")) == 0
