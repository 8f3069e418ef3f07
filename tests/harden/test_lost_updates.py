"""Issue 12, point 3: two people editing the same record — the second save never silently reverts
the first. Every edit form carries the version it was opened at; a stale form is refused, shows
what changed since (field: theirs → yours) and writes nothing; sending it again saves it."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.audit.services import set_actor
from registry.extensions import db
from tests.conftest import text_of
from tests.harden.conftest import act_as
from tests.harden.forms import form_fields


def _student(w):
    from registry.mentors import services

    set_actor(db.session, w.admin)
    s = services.create_student(w.base, name="王同学", student_no="S2023001", level="master",
                                enrolment_year=2023, programme="航天动力", actor=w.admin)
    db.session.commit()
    return s


def _plan(w):
    from registry.governance import services

    p = services.create_plan(w.base, {"title": "联合培养方案", "version": "2023版", "adopted_on": dt.date(2023, 9, 1)}, actor=None)
    db.session.commit()
    return p


def _member(w):
    from registry.governance import services

    g = services.create_group(w.base, {"name": "工作组", "established_on": dt.date(2022, 1, 1)}, actor=None)
    m = services.add_group_member(g, {"name": "赵六", "organisation": "示范工业大学", "side": "university",
                                      "group_role": "member", "position": "秘书", "from_on": dt.date(2022, 1, 1)}, actor=None)
    db.session.commit()
    return m


def _appointment(w):
    return w.mentor_record.appointments[0]


# (name, who edits, the record, its edit page, the field both people change, theirs, yours)
CASES = [
    ("mentor", "admin", lambda w: w.mentor_record, lambda w, o: f"/mentors/{o.id}/edit", "title", "研究员", "高级工程师"),
    ("own profile", "mentor", lambda w: w.mentor_record, lambda w, o: "/me/mentor/edit", "expertise", "燃烧", "涡轮泵"),
    ("appointment", "coord", _appointment, lambda w, o: f"/appointments/{o.id}/edit", "ends_on",
     dt.date(2030, 6, 30), "2029-12-31"),
    ("student", "coord", _student, lambda w, o: f"/students/{o.id}/edit", "programme", "动力工程", "飞行器设计"),
    ("base", "admin", lambda w: w.base, lambda w, o: f"/bases/{o.code}/edit", "description", "他们的简介", "我的简介"),
    ("university", "admin", lambda w: w.uni, lambda w, o: f"/universities/{o.id}/edit", "province", "上海", "天津"),
    ("enterprise", "admin", lambda w: w.ent, lambda w, o: f"/enterprises/{o.id}/edit", "scale", "3000人", "5000人"),
    ("user", "admin", lambda w: w.coord, lambda w, o: f"/auth/users/{o.id}/edit", "display_name", "联络人甲", "联络人乙"),
    ("record", "coord", _plan, lambda w, o: f"/bases/{w.base.code}/governance/training-plans/{o.id}/edit", "title",
     "他们的方案", "我的方案"),
    ("record member", "coord", _member,
     lambda w, o: f"/bases/{w.base.code}/governance/working-group/{o.group_id}/members/{o.id}/edit", "position",
     "组长助理", "联络员"),
]


def _shown(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_stale_form_is_refused_shows_the_change_and_overwrites_nothing(client, world, case):
    _name, who, get, url_of, field, theirs, yours = case
    obj = get(world)
    url = url_of(world, obj)
    act_as(client, getattr(world, who))

    opened = client.get(url)  # I open the form ...
    assert opened.status_code == 200
    fields = form_fields(opened.get_data(as_text=True), containing=field)
    assert fields["row_version"] == str(obj.row_version)

    set_actor(db.session, world.admin)  # ... someone else saves the same record meanwhile ...
    setattr(obj, field, theirs)
    db.session.commit()
    before = obj.row_version

    fields[field] = yours  # ... and I save my copy: refused, nothing written
    response = client.post(url, data=fields)
    assert response.status_code == 200
    page = text_of(response)
    assert "本次未保存任何内容" in page, page[:3000]
    assert f"{_shown(theirs)} → {yours}" in page
    db.session.expire_all()
    obj = db.session.get(type(obj), obj.id)
    assert _shown(getattr(obj, field)) == _shown(theirs) and obj.row_version == before

    # The refused page now carries the current version: sending it again (having seen the change) saves.
    again = form_fields(response.get_data(as_text=True), containing=field)
    assert again["row_version"] == str(before) and again[field] == yours
    assert client.post(url, data=again).status_code == 302
    db.session.expire_all()
    assert _shown(getattr(db.session.get(type(obj), obj.id), field)) == yours


def test_a_form_opened_after_the_change_saves_normally(client, world):
    act_as(client, world.admin)
    url = f"/mentors/{world.mentor_record.id}/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), containing="title")
    fields["title"] = "正高级工程师"
    assert client.post(url, data=fields).status_code == 302
    fields = form_fields(client.get(url).get_data(as_text=True), containing="title")
    fields["title"] = "研究员"
    assert client.post(url, data=fields).status_code == 302
    db.session.expire_all()
    assert world.mentor_record.title == "研究员"


def test_an_import_makes_open_forms_stale(client, world, tmp_path):
    """A spreadsheet import is a change like any other: a form opened before it is refused."""
    from registry.mentors.models import Mentor

    act_as(client, world.admin)
    url = f"/mentors/{world.mentor_record.id}/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), containing="title")
    from registry.imports.engine import Change, bulk_update

    set_actor(db.session, world.admin)
    bulk_update(Mentor, [Change(world.mentor_record.id, {"title": ["", "导入的职称"]})])
    db.session.commit()
    fields["title"] = "表单的职称"
    page = text_of(client.post(url, data=fields))
    assert "导入的职称 → 表单的职称" in page
    db.session.expire_all()
    assert db.session.get(Mentor, world.mentor_record.id).title == "导入的职称"


def test_the_version_is_not_in_the_audit_log(world):
    from sqlalchemy import select

    from registry.audit.models import AuditEntry

    set_actor(db.session, world.admin)
    world.uni.province = "广东"
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "university")
                               .order_by(AuditEntry.id.desc())).first()
    assert list(entry.changes) == ["province"] and entry.changes["province"][1] == "广东"


def test_a_save_racing_another_at_the_same_moment_is_refused_not_a_500(app, world, monkeypatch):
    """Both forms were fresh when checked; the other save lands between the check and the write:
    the UPDATE matches no row of the version read (StaleDataError), and the form says so."""
    from sqlalchemy import update

    from registry.forms_support import save_form
    from registry.mentors import services
    from registry.mentors.forms import MentorForm
    from registry.mentors.models import Mentor

    mentor = world.mentor_record
    with app.test_request_context(method="POST", data={"name": mentor.name, "side": mentor.side,
                                                       "organisation": mentor.organisation,
                                                       "staff_no": mentor.staff_no, "title": "我的职称",
                                                       "row_version": str(mentor.row_version)}):
        set_actor(db.session, world.admin)
        form = MentorForm(obj=mentor)

        def racing_save():
            table = Mentor.__table__  # another connection's write, as far as this session knows
            db.session.execute(update(table).where(table.c.id == mentor.id)
                               .values(title="他们的职称", row_version=table.c.row_version + 1))
            return services.update_mentor(mentor, **{k: v for k, v in form.data.items()
                                                                   if k not in ("csrf_token", "submit",
                                                                                "row_version")}, actor=world.admin)

        assert save_form(form, racing_save, done="/", message="saved") is None
        assert any("同时保存" in str(e) or "same moment" in str(e) for e in form.form_errors)
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).title != "我的职称"


def test_a_changed_collection_is_shown_by_its_labels(client, world):
    """A base's partner enterprises are a list: the change shows their names, theirs → yours."""
    act_as(client, world.admin)
    url = f"/bases/{world.base.code}/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), containing="enterprise_ids")
    set_actor(db.session, world.admin)
    world.base.enterprises = [world.ent, world.ent2]
    db.session.commit()
    fields["description"] = "我的简介"
    page = text_of(client.post(url, data=fields))
    assert "星海航天动力研究所、远帆船舶集团 → 星海航天动力研究所" in page
    db.session.expire_all()
    assert len(world.base.enterprises) == 2
