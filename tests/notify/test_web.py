"""In the app: the bell with the unread count, the notifications page, the account page's choices."""
from __future__ import annotations

import re

from registry.extensions import db
from tests.conftest import text_of
from tests.notify.conftest import notifications, send


def unread_badge(response) -> int | None:
    m = re.search(r'id="unread-count">(\d+)<', response.get_data(as_text=True))
    return int(m.group(1)) if m else None


def test_bell_shows_the_unread_count(runner, events_world, login_as):
    client = login_as(events_world.coord)
    assert unread_badge(client.get("/notifications")) is None
    send(runner)
    page = client.get("/bases")
    assert unread_badge(page) == 5
    assert 'href="/notifications"' in page.get_data(as_text=True)


def test_page_lists_newest_first_and_filters_by_kind(runner, events_world, login_as):
    w = events_world
    send(runner)
    newest = notifications(w.coord, "rectification_deadline")[0]
    newest.created_at = newest.created_at.replace(year=2030)
    db.session.flush()
    client = login_as(w.coord)
    page = client.get("/notifications")
    assert page.status_code == 200
    kinds = re.findall(r'data-kind="(\w+)"', page.get_data(as_text=True))
    assert len(kinds) == 5 and kinds[0] == "rectification_deadline"
    filtered = client.get("/notifications?kind=annual_report_due")
    assert re.findall(r'data-kind="(\w+)"', filtered.get_data(as_text=True)) == ["annual_report_due"] * 2
    # In the reader's language: coord chose English; the university coordinator reads the default, Chinese.
    assert "SF-AP-01 航天动力示范基地: the annual plan of construction year 2 of cycle 1 (2024-01-10 – 2025-01-09) is not on record." in text_of(filtered)
    uni = login_as(w.unicoord).get("/notifications?kind=annual_report_due")
    assert "SF-AP-01 航天动力示范基地：第1建设周期第1建设年度（2023-01-10 至 2024-01-09）的年度总结尚未录入" in text_of(uni)


def test_mark_read_one_and_all(runner, events_world, login_as):
    w = events_world
    send(runner)
    client = login_as(w.coord)
    first = notifications(w.coord)[0]
    response = client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 302
    assert unread_badge(client.get("/notifications")) == 4
    assert re.findall(r'data-kind="(\w+)"', client.get("/notifications?state=unread").get_data(as_text=True)) \
        .__len__() == 4
    client.post("/notifications/read-all?kind=annual_report_due")
    assert unread_badge(client.get("/notifications")) == 2
    client.post("/notifications/read-all")
    assert unread_badge(client.get("/notifications")) is None


def test_open_marks_read_and_goes_where_it_is_dealt_with(runner, events_world, login_as):
    w = events_world
    send(runner)
    client = login_as(w.coord)
    n = notifications(w.coord, "rectification_deadline")[0]
    response = client.get(f"/notifications/{n.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/bases/SF-AP-01/lifecycle")
    assert client.get(response.headers["Location"]).status_code == 200
    db.session.expire_all()
    assert notifications(w.coord, "rectification_deadline")[0].read_at is not None
    mentor = login_as(w.mentor)
    m = notifications(w.mentor)[0]
    target = mentor.get(f"/notifications/{m.id}/open").headers["Location"]
    assert target.endswith("/me/mentor") and mentor.get(target).status_code == 200


def test_another_users_notification_is_not_found(runner, events_world, login_as):
    w = events_world
    send(runner)
    other = notifications(w.unicoord)[0]
    client = login_as(w.coord)
    assert client.get(f"/notifications/{other.id}/open").status_code == 404
    assert client.post(f"/notifications/{other.id}/read").status_code == 404
    db.session.expire_all()
    assert notifications(w.unicoord)[0].read_at is None


def test_account_page_saves_the_choices(runner, events_world, login_as):
    from registry.notify.services import setting_for

    w = events_world
    client = login_as(w.coord)
    page = client.get("/auth/account")
    html = page.get_data(as_text=True)
    assert 'id="notify-settings"' in html and 'value="coord@example.edu"' in html
    # A coordinator is offered the coordinators' kinds, not the reviewers'.
    assert 'value="rectification_deadline"' in html and 'value="review_waiting"' not in html
    response = client.post("/notifications/settings", data={
        "email": "new@example.edu", "locale": "en", "email_kinds": ["ratio_warning", "round_deadline"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert w.coord.email == "new@example.edu"
    setting = setting_for(w.coord)
    assert setting.email_enabled is False  # the box was not ticked
    assert "rectification_deadline" in setting.email_kinds_off and "ratio_warning" not in setting.email_kinds_off


def test_a_bad_address_is_refused_in_both_languages(events_world, login_as, client):
    w = events_world
    login_as(w.coord)
    for lang, expected in (("zh_Hans_CN", "not an address 不是有效的电子邮件地址"),
                           ("en", "not an address is not an e-mail address")):
        client.get(f"/lang/{lang}")
        response = client.post("/notifications/settings", data={"email": "not an address", "email_enabled": "y"})
        assert response.status_code == 200
        assert expected in text_of(response)
    db.session.expire_all()
    assert w.coord.email == "coord@example.edu"


def test_users_create_takes_an_email(runner, world):
    from registry.auth.models import User
    from sqlalchemy import select

    result = runner.invoke(args=["users", "create", "mailer", "--role", "reviewer", "--password-stdin",
                                 "--email", "mailer@example.edu"], input="long enough password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.email).where(User.username == "mailer")) == "mailer@example.edu"
    bad = runner.invoke(args=["users", "create", "mailer2", "--role", "reviewer", "--password-stdin",
                              "--email", "nope"], input="long enough password\n")
    assert bad.exit_code == 1
    assert "nope 不是有效的电子邮件地址" in bad.output and "nope is not an e-mail address" in bad.output
    assert db.session.scalar(select(User).where(User.username == "mailer2")) is None


def test_page_queries_do_not_grow_with_notifications(runner, events_world, login_as, query_counter):
    from registry.notify.models import Notification

    w = events_world
    send(runner)
    client = login_as(w.unicoord)

    def page_queries():
        with query_counter() as n:
            assert client.get("/notifications").status_code == 200
        return n()

    few = page_queries()
    db.session.add_all(Notification(user_id=w.unicoord.id, kind="round_deadline", event_key=f"extra-{i}",
                                    params={"year": 2030 + i, "date": "2030-01-01"},
                                    link_endpoint="checks.round_detail", link_args={"round_id": w.round.id},
                                    as_of=events_world.round.deadline) for i in range(30))
    db.session.flush()
    assert page_queries() == few
    assert "2059 年度申报将于 2030-01-01 截止" in text_of(client.get("/notifications"))
