"""E-mail digests through a real SMTP server on loopback: recipients, subject, both languages, links, once."""
from __future__ import annotations

import re

from registry.extensions import db
from tests.notify.conftest import BASE_URL, config, free_port, notifications, send


def test_one_digest_per_user_with_everything_in_it(runner, events_world, mail_config):
    w = events_world
    result = send(runner)
    assert "notified: 6 users, 15 messages, 6 emails" in result.output
    received = mail_config.received
    assert sorted(a for r in received for a in r.rcpt_tos) == sorted(
        ["admin@example.edu", "reviewer@example.edu", "unicoord@example.edu", "coord@example.edu",
         "coord2@example.edu", "mentor@example.edu"])
    assert all(r.mail_from == "registry@example.edu" for r in received)
    (coord_mail,) = mail_config.to("coord@example.edu")
    assert coord_mail.message["To"].addresses[0].addr_spec == "coord@example.edu"
    # Both parts, and each of the user's five notifications in each.
    text, html = coord_mail.part("plain"), coord_mail.part("html")
    for fragment in ("the rectification is due by 2024-09-25", "the annual plan of construction year 2 of cycle 1 (2024-01-10 – 2025-01-09) is not on record",
                     "the appointment of 李工 (星海航天动力研究所) ends on 2024-09-20",
                     "below one third on 2024-09-21 (0 of 2); appoint 1 more enterprise mentor"):
        assert fragment in text
        assert fragment in html


def test_each_user_reads_their_own_language(runner, events_world, mail_config):
    send(runner)
    (coord_mail,) = mail_config.to("coord@example.edu")  # locale en
    (uni_mail,) = mail_config.to("unicoord@example.edu")  # no locale: Chinese
    assert coord_mail.subject == "Demonstration-base registry: 5 new notifications"
    assert uni_mail.subject == "示范基地登记系统：6 条新通知"
    assert "Hello coord," in coord_mail.part("plain")
    assert "整改期限为 2024-09-25" in uni_mail.part("plain")
    assert "整改期限为 2024-09-25" in uni_mail.part("html")
    assert '<html lang="zh-CN">' in uni_mail.part("html")


def test_links_are_absolute_under_the_configured_address(runner, events_world, mail_config):
    w = events_world
    send(runner)
    (coord_mail,) = mail_config.to("coord@example.edu")
    text, html = coord_mail.part("plain"), coord_mail.part("html")
    urls = set(re.findall(r"https?://\S+", text))
    assert f"{BASE_URL}/bases/SF-AP-01/lifecycle" in urls
    assert f"{BASE_URL}/bases/SF-AP-01/mentors" in urls
    assert f"{BASE_URL}/bases/SF-AP-01/plan" in urls
    assert f"{BASE_URL}/notifications" in urls
    assert all(u.startswith(BASE_URL) for u in urls)
    assert f'href="{BASE_URL}/bases/SF-AP-01/lifecycle"' in html
    (mentor_mail,) = mail_config.to("mentor@example.edu")
    assert f"{BASE_URL}/me/mentor" in mentor_mail.part("plain")
    (reviewer_mail,) = mail_config.to("reviewer@example.edu")
    assert f"{BASE_URL}/submissions/{w.sub.id}" in reviewer_mail.part("plain")


def test_nothing_is_sent_twice(runner, events_world, mail_config):
    send(runner)
    first = len(mail_config.received)
    result = send(runner)
    assert "notified: 0 users, 0 messages, 0 emails" in result.output
    assert len(mail_config.received) == first
    assert {n.email_state for n in notifications()} == {"sent"}


def test_email_off_and_kinds_chosen(runner, events_world, mail_config):
    from registry.notify.services import save_settings

    w = events_world
    save_settings(w.unicoord, actor=w.unicoord, email=w.unicoord.email, email_enabled=False, email_kinds=[],
                  locale=None)
    save_settings(w.coord, actor=w.coord, email=w.coord.email, email_enabled=True, locale="en",
                  email_kinds=["rectification_deadline", "ratio_warning"])
    db.session.flush()
    result = send(runner)
    assert mail_config.to("unicoord@example.edu") == []
    assert len(notifications(w.unicoord)) == 6  # still all in the app
    (coord_mail,) = mail_config.to("coord@example.edu")
    assert coord_mail.subject == "Demonstration-base registry: 2 new notifications"
    assert "annual plan" not in coord_mail.part("plain")
    assert "notified: 6 users, 15 messages, 5 emails" in result.output
    # Turning e-mail on later does not mail what was already told in the app.
    save_settings(w.unicoord, actor=w.unicoord, email=w.unicoord.email, email_enabled=True,
                  email_kinds=["round_deadline"], locale=None)
    db.session.flush()
    assert "0 emails" in send(runner).output


def test_users_without_address_only_in_the_app(runner, events_world, mail_config):
    w = events_world
    w.coord2.email = None
    db.session.flush()
    send(runner)
    assert mail_config.to("coord2@example.edu") == []
    assert [n.email_state for n in notifications(w.coord2)] == ["none"]


def test_refused_address_is_reported_kept_and_retried(runner, events_world, mail_config):
    w = events_world
    w.coord2.email = "refused@example.edu"
    db.session.flush()
    result = send(runner)
    assert "coord2 <refused@example.edu>" in result.output
    assert "bad address" in result.output and "retried on the next run" in result.output
    assert "notified: 6 users, 15 messages, 5 emails" in result.output
    (n,) = notifications(w.coord2)
    assert (n.email_state, n.email_attempts) == ("pending", 1) and "550" in n.email_error
    # The user corrects the address: the next run sends what was kept, and only that.
    w.coord2.email = "coord2@example.edu"
    db.session.flush()
    result = send(runner)
    assert "notified: 0 users, 0 messages, 1 emails" in result.output
    (mail,) = mail_config.to("coord2@example.edu")
    assert "2024" in mail.part("plain")


def test_malformed_address_is_reported_not_a_crash(runner, events_world, mail_config):
    w = events_world
    w.coord2.email = "not an address"  # written around the validation, as an old row might be
    db.session.flush()
    result = send(runner)
    assert "coord2 <not an address>" in result.output
    assert mail_config.to("not an address") == []


def test_mail_server_down_keeps_the_notifications_and_retries(app, runner, events_world, smtp_server):
    with config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2,
                REGISTRY_BASE_URL=BASE_URL):
        result = send(runner)
    assert "notified: 6 users, 15 messages, 0 emails" in result.output
    assert result.output.count("send failed") == 1  # one line: the run stops trying once the server is down
    assert len([n for n in notifications() if n.email_state == "pending"]) == 15
    with config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, REGISTRY_BASE_URL=BASE_URL):
        result = send(runner)
    assert "notified: 0 users, 0 messages, 6 emails" in result.output
    assert len(smtp_server.received) == 6


def test_without_mail_server_only_in_the_app(runner, events_world, smtp_server):
    result = send(runner)
    assert "0 emails" in result.output
    assert smtp_server.received == []
    assert {n.email_state for n in notifications()} == {"none"}


def test_pending_e_mail_follows_the_users_later_choice(app, runner, events_world, smtp_server):
    """A failed e-mail waits for the next run, unless the user turns e-mail off meanwhile: then it stays in
    the app only."""
    from registry.notify.services import save_settings

    w = events_world
    with config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2, REGISTRY_BASE_URL=BASE_URL):
        send(runner)
    save_settings(w.unicoord, actor=w.unicoord, email=w.unicoord.email, email_enabled=False, email_kinds=[],
                  locale=None)
    w.coord2.email = None
    db.session.flush()
    with config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, REGISTRY_BASE_URL=BASE_URL):
        result = send(runner)
    assert "notified: 0 users, 0 messages, 4 emails" in result.output
    assert mail_to(smtp_server, "unicoord@example.edu", "coord2@example.edu") == []
    assert {n.email_state for n in notifications(w.unicoord) + notifications(w.coord2)} == {"none"}


def mail_to(server, *addresses):
    return [r for r in server.received if set(r.rcpt_tos) & set(addresses)]
