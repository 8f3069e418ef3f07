"""Universities, enterprises and bases on the web: lists, filters, forms, scope, deletion."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.orgs import services
from registry.orgs.models import Base, Enterprise, University
from tests.conftest import act_as, error_summary_links, rows, section_text, shown_beside, text_of


@pytest.fixture
def admin(client, world):
    act_as(client, world.admin)
    return client


def more_bases(world, n, prefix="ZZ"):
    for i in range(n):
        ent = services.create_enterprise(f"企业{prefix}{i}", "nuclear", actor=None)
        services.create_base(f"{prefix}-{i:03d}", name=f"基地{prefix}{i}", university=world.uni2,
                             enterprises=[ent, world.ent2], field="ai", cooperation_since=dt.date(2020, 1, 1), actor=None)
    db.session.commit()


def base_codes(response) -> set[str]:
    import re

    return set(re.findall(r"\b[A-Z]{2}-[A-Z0-9]{2,3}-?\d*\b", section_text(response, "base-table")))


# ---- lists -------------------------------------------------------------------------------

def test_base_list_filters_by_text_field_status_and_university_kind(admin, world):
    assert base_codes(admin.get("/bases")) == {"SF-AP-01", "SL-SO-01"}
    assert base_codes(admin.get("/bases?q=ap-01")) == {"SF-AP-01"}
    assert base_codes(admin.get("/bases?q=船舶海洋")) == {"SL-SO-01"}
    assert base_codes(admin.get("/bases?q=示范理工")) == {"SL-SO-01"}  # the university's name
    assert base_codes(admin.get("/bases?field=aerospace_propulsion")) == {"SF-AP-01"}
    assert base_codes(admin.get("/bases?kind=co_built")) == {"SL-SO-01"}
    world.base2.status = "recognised"
    db.session.commit()
    assert base_codes(admin.get("/bases?status=recognised")) == {"SL-SO-01"}
    assert base_codes(admin.get("/bases?status=recognised&kind=ministry")) == set()
    # Values that are not in the lists match nothing, and never break the page.
    for bad in ("field=bogus", "status=bogus", "kind=bogus", "university=abc", "page=-3", "per_page=-1",
                "q=%25_%27"):
        response = admin.get(f"/bases?{bad}")
        assert response.status_code == 200, bad


def test_base_list_paginates_keeping_the_filter(admin, world):
    more_bases(world, 30)
    response = admin.get("/bases?field=ai&per_page=10")
    assert len(base_codes(response)) == 10
    assert "共 30 条" in text_of(response)
    html = response.get_data(as_text=True)
    assert "field=ai" in html and "page=2" in html  # the page links keep the filter
    assert base_codes(admin.get("/bases?field=ai&per_page=10&page=3")) == {f"ZZ-{i:03d}" for i in range(20, 30)}


def test_base_list_queries_do_not_grow_with_its_rows(admin, world, query_counter):
    db.session.expire_all()
    with query_counter() as few:
        admin.get("/bases")
    more_bases(world, 20)
    db.session.expire_all()
    with query_counter() as many:
        response = admin.get("/bases?per_page=100")
    assert len(base_codes(response)) == 22
    assert many() == few()


def test_a_coordinator_lists_only_their_own_bases(client, world):
    for user, expected in ((world.coord, {"SF-AP-01"}), (world.coord2, {"SL-SO-01"}),
                           (world.unicoord, {"SF-AP-01"}), (world.mentor, {"SF-AP-01"}),
                           (world.reviewer, {"SF-AP-01", "SL-SO-01"})):
        act_as(client, user)
        assert base_codes(client.get("/bases")) == expected, user.username


def test_university_and_enterprise_lists_filter_and_paginate(admin, world):
    page = text_of(admin.get("/universities"))
    assert "示范工业大学" in page and "示范理工学院" in page
    page = text_of(admin.get("/universities?kind=co_built"))
    assert "示范理工学院" in page and "示范工业大学" not in page
    assert "示范工业大学" in text_of(admin.get("/universities?q=工业"))
    assert "示范工业大学" in text_of(admin.get("/universities?q=北京"))  # the province
    assert "暂无记录" in text_of(admin.get("/universities?kind=bogus"))
    page = text_of(admin.get("/enterprises?sector=shipbuilding"))
    assert "远帆船舶集团" in page and "星海航天动力研究所" not in page
    assert "星海航天动力研究所" in text_of(admin.get("/enterprises?q=火箭"))  # the R&D focus
    for i in range(30):
        services.create_enterprise(f"测试企业{i:02d}", actor=None)
    db.session.commit()
    response = admin.get("/enterprises?q=测试企业&per_page=10&page=3")
    assert "测试企业29" in text_of(response) and "测试企业00" not in text_of(response)
    assert "共 30 条" in text_of(response)


def test_a_university_coordinator_sees_only_their_university(client, world):
    act_as(client, world.unicoord)
    page = text_of(client.get("/universities"))
    assert "示范工业大学" in page and "示范理工学院" not in page
    assert client.get(f"/universities/{world.uni2.id}/edit").status_code == 404


# ---- forms: bad input ---------------------------------------------------------------------

def base_form(world, **fields):
    data = {"code": "NEW-01", "name": "新基地", "field": "ai", "university_id": str(world.uni.id),
            "enterprise_ids": [str(world.ent.id)], "cooperation_since": "2020-09-01",
            "max_students_per_mentor": "5", "description": ""}
    data.update(fields)
    return data


def test_an_administrator_creates_a_base(admin, world):
    response = admin.post("/bases/new", data=base_form(world, enterprise_ids=[str(world.ent.id), str(world.ent2.id)]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/bases/NEW-01")
    base = db.session.scalar(select(Base).where(Base.code == "NEW-01"))
    assert {e.name for e in base.enterprises} == {"星海航天动力研究所", "远帆船舶集团"}
    assert base.university_id == world.uni.id and base.status == "preparing"
    page = text_of(admin.get("/bases/NEW-01"))
    assert "新基地" in page and "星海航天动力研究所" in page and "示范工业大学" in page


@pytest.mark.parametrize("fields, message", [
    ({"code": ""}, "必填"),
    ({"code": "A" * 41}, "40"),
    ({"code": "含 空格"}, "只能使用字母、数字和“-”"),
    ({"code": "SF-AP-01"}, "代码为 SF-AP-01 的基地已存在"),
    ({"code": "sf-ap-01"}, "代码为 sf-ap-01 的基地已存在"),
    ({"name": ""}, "必填"),
    ({"name": "　 "}, "必填"),
    ({"name": "名" * 201}, "200"),
    ({"field": "bogus"}, "不是有效的选择"),
    ({"university_id": "999999"}, "不是有效的选择"),
    ({"university_id": "abc"}, "无效"),
    ({"enterprise_ids": []}, "必填"),
    ({"enterprise_ids": ["999999"]}, "不是此项的有效选择"),
    ({"enterprise_ids": ["abc"]}, "必填"),  # nothing usable was chosen
    ({"cooperation_since": ""}, "必填"),
    ({"cooperation_since": "2020-13-01"}, "不是有效的日期值"),
    ({"cooperation_since": "2099-01-01"}, "合作起始日期不能晚于今天"),
    ({"max_students_per_mentor": "abc"}, "不是有效的整数"),
    ({"max_students_per_mentor": "0"}, "1 到 100"),
    ({"max_students_per_mentor": "101"}, "1 到 100"),
    ({"description": "字" * 4001}, "4000"),
])
def test_bad_input_on_the_base_form_writes_nothing(admin, world, fields, message):
    before = rows(Base), rows(AuditEntry)
    response = admin.post("/bases/new", data=base_form(world, **fields))
    assert response.status_code == 200
    assert message in text_of(response), text_of(response)
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert (rows(Base), rows(AuditEntry)) == before


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "必填"), ({"name": "名" * 201}, "200"), ({"name": "示范理工学院"}, "已存在"),
    ({"kind": "bogus"}, "不是有效的选择"), ({"province": "省" * 51}, "50"),
])
def test_bad_input_on_the_university_form_writes_nothing(admin, world, fields, message):
    data = {"name": "新大学", "kind": "ministry", "province": "陕西"}
    data.update(fields)
    before = rows(University)
    response = admin.post("/universities/new", data=data)
    assert response.status_code == 200 and message in text_of(response), text_of(response)
    assert rows(University) == before
    response = admin.post(f"/universities/{world.uni.id}/edit", data=data)
    assert response.status_code == 200 and message in text_of(response)
    db.session.expire_all()
    assert world.uni.name == "示范工业大学"


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "必填"), ({"name": "名" * 201}, "200"), ({"name": "远帆船舶集团"}, "已存在"),
    ({"sector": "bogus"}, "不是有效的选择"), ({"scale": "x" * 201}, "200"), ({"rd_focus": "x" * 4001}, "4000"),
])
def test_bad_input_on_the_enterprise_form_writes_nothing(admin, world, fields, message):
    data = {"name": "新企业", "sector": "aviation", "scale": "", "rd_focus": "", "practice_conditions": ""}
    data.update(fields)
    before = rows(Enterprise)
    response = admin.post("/enterprises/new", data=data)
    assert response.status_code == 200 and message in text_of(response), text_of(response)
    assert rows(Enterprise) == before


def test_universities_and_enterprises_are_created_and_edited(admin, world):
    assert admin.post("/universities/new", data={"name": "新大学", "kind": "co_built",
                                                 "province": "陕西"}).status_code == 302
    assert admin.post("/enterprises/new", data={"name": " 新企业　", "sector": "", "scale": "100人",
                                                "rd_focus": "", "practice_conditions": "实习"}).status_code == 302
    ent = db.session.scalar(select(Enterprise).where(Enterprise.name == "新企业"))  # trimmed, full-width too
    assert ent.sector is None and ent.practice_conditions == "实习"
    response = admin.post(f"/enterprises/{ent.id}/edit", data={"name": "新企业", "sector": "nuclear", "scale": "200人",
                                                              "rd_focus": "堆", "practice_conditions": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert ent.sector == "nuclear" and ent.scale == "200人"


# ---- scope: university coordinators --------------------------------------------------------

def test_a_university_coordinator_creates_bases_of_their_own_university_only(client, world):
    act_as(client, world.unicoord)
    response = client.post("/bases/new", data=base_form(world))
    assert response.status_code == 302
    assert db.session.scalar(select(Base.university_id).where(Base.code == "NEW-01")) == world.uni.id
    before = rows(Base)
    response = client.post("/bases/new", data=base_form(world, code="NEW-02", university_id=str(world.uni2.id)))
    assert response.status_code in (200, 403)
    assert rows(Base) == before
    assert "示范理工学院" not in section_text(client.get("/bases/new"), "university_id")


def test_a_university_coordinator_edits_only_bases_of_their_university(client, world):
    act_as(client, world.unicoord)
    data = {"name": "改名后的基地", "field": "aerospace_propulsion", "enterprise_ids": [str(world.ent.id)],
            "cooperation_since": "2019-09-01", "max_students_per_mentor": "6"}
    assert client.post(f"/bases/{world.base2.code}/edit", data=data).status_code == 404
    db.session.expire_all()
    assert world.base2.name == "船舶海洋示范基地"
    assert client.post(f"/bases/{world.base.code}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert world.base.name == "改名后的基地" and world.base.max_students_per_mentor == 6


def test_a_university_coordinator_may_rename_but_not_reclassify_their_university(client, world):
    act_as(client, world.unicoord)
    response = client.post(f"/universities/{world.uni.id}/edit", data={"name": "示范工业大学", "kind": "co_built",
                                                                       "province": "北京市"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.uni.kind == "ministry" and world.uni.province == "北京市"  # the kind field is fixed for them
    with pytest.raises(Exception) as exc:
        services.update_university(world.uni, name="示范工业大学", kind="co_built", actor=world.unicoord)
    assert "只有管理员可以修改高校类别" in exc.value.zh


def test_the_base_edit_form_keeps_code_and_university(client, world):
    act_as(client, world.coord)
    page = client.get(f"/bases/{world.base.code}/edit")
    assert "SF-AP-01" in section_text(page, "base-code")
    assert 'name="code"' not in page.get_data(as_text=True)
    data = {"code": "HACK-01", "university_id": str(world.uni2.id), "name": "航天动力示范基地",
            "field": "aerospace_propulsion", "enterprise_ids": [str(world.ent.id), str(world.ent2.id)],
            "cooperation_since": "2019-09-01", "max_students_per_mentor": "5"}
    assert client.post(f"/bases/{world.base.code}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert world.base.code == "SF-AP-01" and world.base.university_id == world.uni.id
    assert {e.name for e in world.base.enterprises} == {"星海航天动力研究所", "远帆船舶集团"}
    assert client.post(f"/bases/{world.base2.code}/edit", data=data).status_code == 404


def test_bad_input_on_the_base_edit_form_writes_nothing(client, world):
    act_as(client, world.coord)
    before = rows(AuditEntry)
    response = client.post(f"/bases/{world.base.code}/edit", data={
        "name": "", "field": "ai", "enterprise_ids": [], "cooperation_since": "bad", "max_students_per_mentor": "x"})
    assert response.status_code == 200
    assert "必填" in text_of(response) and "不是有效的日期值" in text_of(response)
    assert rows(AuditEntry) == before


# ---- deleting -----------------------------------------------------------------------------

def test_an_unused_university_or_enterprise_is_deleted_and_audited(admin, world):
    uni = services.create_university("待删大学", "co_built", actor=None)
    ent = services.create_enterprise("待删企业", actor=None)
    db.session.commit()
    uni_id, ent_id = uni.id, ent.id
    response = admin.post(f"/universities/{uni_id}/delete", follow_redirects=True)
    assert "高校 待删大学 已删除" in text_of(response)
    response = admin.post(f"/enterprises/{ent_id}/delete", follow_redirects=True)
    assert "企业 待删企业 已删除" in text_of(response)
    assert db.session.get(University, uni_id) is None and db.session.get(Enterprise, ent_id) is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()
    assert {(e.table, e.record_id, e.actor_label) for e in entries} == {("university", uni_id, "admin"),
                                                                         ("enterprise", ent_id, "admin")}
    assert next(e for e in entries if e.table == "university").changes["name"] == ["待删大学", None]


def test_a_university_or_enterprise_in_use_is_not_deleted(admin, world):
    response = admin.post(f"/universities/{world.uni.id}/delete", follow_redirects=True)
    assert "仍被" in text_of(response) and "不能删除" in text_of(response)
    assert "base" in text_of(response) and "user" in text_of(response)
    response = admin.post(f"/enterprises/{world.ent2.id}/delete", follow_redirects=True)
    assert "企业 远帆船舶集团 仍被 1 条记录（base_enterprise）引用，不能删除" in text_of(response)
    assert db.session.get(University, world.uni.id) is not None
    assert db.session.get(Enterprise, world.ent2.id) is not None
    assert admin.post("/universities/999999/delete").status_code == 404
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()


def test_the_edit_page_offers_deletion_to_administrators_only(client, world):
    act_as(client, world.admin)
    assert f"/universities/{world.uni.id}/delete" in client.get(f"/universities/{world.uni.id}/edit").get_data(True)
    act_as(client, world.unicoord)
    assert "/delete" not in client.get(f"/universities/{world.uni.id}/edit").get_data(as_text=True)


def test_the_excellent_engineer_flag_is_kept_on_the_base_form_and_satisfies_rule_r1(client, world):
    from registry.checks.queries import eligibility_of

    act_as(client, world.coord)
    today = dt.date.today()
    assert not eligibility_of(world.base, today).result("R1").passed  # no postgraduates, no programme
    data = {"name": "航天动力示范基地", "field": "aerospace_propulsion", "enterprise_ids": [str(world.ent.id)],
            "cooperation_since": "2019-09-01", "max_students_per_mentor": "5", "excellent_engineer_programme": "y"}
    assert client.post(f"/bases/{world.base.code}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert world.base.excellent_engineer_programme is True
    assert "是" in section_text(client.get(f"/bases/{world.base.code}"), "excellent-engineer")
    assert eligibility_of(world.base, today).result("R1").passed
    # Unticking the box (the browser then sends nothing for it) takes it away again.
    del data["excellent_engineer_programme"]
    assert client.post(f"/bases/{world.base.code}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert world.base.excellent_engineer_programme is False


def test_a_university_coordinator_edits_only_enterprises_their_own_bases_alone_use(client, world):
    # 星海 partners only 示范工业大学's base; 远帆 partners 示范理工学院's: its R8 facts are not ours to change.
    act_as(client, world.unicoord)
    listing = client.get("/enterprises").get_data(as_text=True)
    assert f"/enterprises/{world.ent.id}/edit" in listing and f"/enterprises/{world.ent2.id}/edit" not in listing
    assert client.get(f"/enterprises/{world.ent.id}/edit").status_code == 200
    data = {"name": "远帆船舶集团", "sector": "shipbuilding", "scale": "", "rd_focus": "", "practice_conditions": ""}
    assert client.post(f"/enterprises/{world.ent2.id}/edit", data=data).status_code == 403
    act_as(client, world.admin)
    assert client.get(f"/enterprises/{world.ent2.id}/edit").status_code == 200


def test_a_new_base_with_five_problems_gets_five_messages_at_once(admin, world):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    before = db.session.scalar(select(func.count()).select_from(Base))
    response = admin.post("/bases/new", data=base_form(world, code=world.base.code.lower(), name="",
                                                       cooperation_since=future, enterprise_ids=[],
                                                       max_students_per_mentor="0"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # the form's own (name, no partner, the maximum) and the service's (a taken code, a future date)
    assert error_summary_links(html) == ["code", "cooperation_since", "enterprise_ids", "max_students_per_mentor",
                                         "name"]
    assert any("already exists" in m or "已存在" in m for m in shown_beside(html, "code"))
    assert db.session.scalar(select(func.count()).select_from(Base)) == before  # nothing written
