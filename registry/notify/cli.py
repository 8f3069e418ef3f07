"""`flask notify send [--as-of YYYY-MM-DD] [--dry-run]` of spec/interfaces.md (version 1.1).

1. Find every event as of the day and store each (user, event) not yet stored (the unique key, and
   ON CONFLICT DO NOTHING: a run on another machine at the same moment stores nothing twice); commit.
2. Claim the pending e-mail rows (UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)); commit,
   so no other run can claim them.
3. Send one digest per user; every BATCH users, record what was sent and release what failed (retried
   on the next run; the in-app notification stays in any case); commit.
"""
from __future__ import annotations

import datetime as dt
import uuid
from itertools import groupby

import click
from flask import current_app
from flask.cli import AppGroup

from registry.cli_support import ensure_schema, parse_date, transaction
from registry.extensions import db
from registry.notify import mail, services

notify = AppGroup("notify", help="Notifications in the app and by e-mail.")

BATCH = 50  # digests between two records of what was sent


def _line(text: str) -> None:
    click.echo(text)


@notify.command("send")
@click.option("--as-of", "as_of", default=None, help="The day, YYYY-MM-DD (default: today).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; store and send nothing.")
def send(as_of, dry_run):
    """Notify every user of what they should hear about, in the app and by e-mail."""
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    ensure_schema()
    mail_on = mail.mail_configured()
    with transaction():
        people, found = services.collect(day)
        new = services.candidates(people, found, mail_on=mail_on)
        if dry_run:
            _dry_run(people, new, mail_on)
            db.session.rollback()
            return
        stored = services.record(new, day)
    users = {user_id for _id, user_id in stored}
    emails, failures = (_send_all(people) if mail_on else (0, []))
    for failure in failures:
        _line(failure)
    _line(f"notified: {len(users)} users, {len(stored)} messages, {emails} emails")


def _dry_run(people, new, mail_on: bool) -> None:
    pending = services.pending_email_count() if mail_on else {}
    by_user: dict[int, list] = {}
    for n in new:
        by_user.setdefault(n.user_id, []).append(n)
    mailed = {u for u, count in pending.items() if count} | {n.user_id for n in new if n.email_state == "pending"}
    for user_id in sorted(set(by_user) | mailed, key=lambda u: people.by_id[u].username if u in people.by_id else ""):
        user = people.by_id.get(user_id)
        if user is None:
            continue
        items = by_user.get(user_id, [])
        email = f", e-mail to {user.email}" if user_id in mailed else ""
        _line(f"{user.username}: {len(items)} new{email}")
        locale = mail.locale_of(user)
        for n in items:
            _line(f"  [{n.kind}] {mail.describe(n, locale)}")
    _line(f"dry run, nothing stored or sent: would notify {len(by_user)} users, {len(new)} messages, "
          f"{len(mailed)} emails")


def _send_all(people) -> tuple[int, list[str]]:
    """Claim, send and settle; returns (digests sent, failure lines)."""
    token = uuid.uuid4().hex
    with transaction():
        claimed = services.claim_pending(token)
    if not claimed:
        return 0, []
    links = mail.LinkBuilder(current_app.config["REGISTRY_BASE_URL"])
    sent_count, failures = 0, []
    groups = [(user_id, list(rows)) for user_id, rows in groupby(claimed, key=lambda n: n.user_id)]
    settings = services.settings_of({user_id for user_id, _rows in groups})
    server_down = None  # once the server cannot be reached, the run stops trying and keeps the rest for the next
    with mail.Mailer() as mailer:
        for start in range(0, len(groups), BATCH):
            sent_ids, failed, dropped = [], {}, []
            for user_id, all_rows in groups[start:start + BATCH]:
                # The user's choices now: an address removed, e-mail or a kind turned off since the row was stored.
                user = people.by_id.get(user_id)
                rows = [n for n in all_rows
                        if user is not None and services.wants_email(user, settings.get(user_id), n.kind)]
                kept = {n.id for n in rows}
                dropped.extend(n.id for n in all_rows if n.id not in kept)
                if not rows:
                    continue
                if server_down is not None:
                    failed.update({n.id: server_down for n in rows})
                    continue
                try:
                    mail.check_address(user.email)
                    mailer.send(mail.compose(user, rows, links), user.email)
                except mail.SendError as exc:
                    failed.update({n.id: exc.reason for n in rows})
                    if exc.server_down:
                        server_down = exc.reason
                        failures.append(f"e-mail 发送失败 / send failed: {exc.reason} (通知仍在系统中，下次运行重试 / "
                                        f"kept in the app, retried on the next run)")
                        continue
                    kind = "地址无效 / bad address" if exc.bad_address else "发送失败 / send failed"
                    failures.append(f"e-mail {kind}: {user.username} <{user.email}>: {exc.reason} "
                                    f"(通知仍在系统中，下次运行重试 / kept in the app, retried on the next run)")
                    continue
                sent_ids.extend(n.id for n in rows)
                sent_count += 1
            with transaction():
                services.settle(token, sent_ids, failed, dropped)
    return sent_count, failures


def register(app):
    app.cli.add_command(notify)
