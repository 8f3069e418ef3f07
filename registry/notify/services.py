"""What the notifications area does: find the events, record each (user, event) once, claim and settle
e-mails, mark read, keep each user's choices. Plain functions; they flush, never commit (the command
and the views commit)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select, tuple_, update

from registry.auth.services import set_email
from registry.authz import can_read_notification
from registry.errors import DomainError, Forbidden, _l
from registry.extensions import db
from registry.models_common import utcnow
from registry.notify import events
from registry.notify.models import Notification, NotificationSetting

# A claim older than this belongs to a run that died: its rows are e-mailed again.
STALE_CLAIM = dt.timedelta(hours=1)
# Insert and look up keys in chunks (SQLite's limit on bound parameters).
CHUNK = 300


# ---- finding and recording ------------------------------------------------------------------------

@dataclass(frozen=True)
class NewNotification:
    """A (user, event) not yet notified, as it will be stored."""

    user_id: int
    kind: str
    event_key: str
    params: dict
    link_endpoint: str
    link_args: dict
    email_state: str


def collect(as_of: dt.date) -> tuple[events.People, list[events.Event]]:
    """Every event of every registered kind as of the day, with its recipients."""
    ctx = events.Context(as_of, events.People.load())
    found = []
    for kind in events.KINDS.values():
        found.extend(kind.source(ctx))
    return ctx.people, found


def settings_of(user_ids) -> dict[int, NotificationSetting]:
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    return {s.user_id: s for s in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id.in_(user_ids)))}


def wants_email(user, setting: NotificationSetting | None, kind: str) -> bool:
    """Whether this kind goes to this user by e-mail: an address, e-mail on, the kind not turned off."""
    if not getattr(user, "email", None):
        return False
    if setting is None:
        return True
    return bool(setting.email_enabled) and kind not in (setting.email_kinds_off or [])


def candidates(people: events.People, found: list[events.Event], *, mail_on: bool) -> list[NewNotification]:
    """One row per (recipient, event) that is not already stored. Queries: one per CHUNK candidates, plus one."""
    rows: dict[tuple[int, str, str], NewNotification] = {}
    recipients = {u for e in found for u in e.recipients}
    settings = settings_of(recipients)
    for e in found:
        for user_id, link in e.recipients.items():
            user = people.by_id.get(user_id)
            if user is None:
                continue
            link = link or e.link
            state = "pending" if mail_on and wants_email(user, settings.get(user_id), e.kind) else "none"
            rows.setdefault((user_id, e.kind, e.key),
                            NewNotification(user_id, e.kind, e.key, e.params, link.endpoint, dict(link.args), state))
    keys = list(rows)
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i:i + CHUNK]
        for existing in db.session.execute(
                select(Notification.user_id, Notification.kind, Notification.event_key)
                .where(tuple_(Notification.user_id, Notification.kind, Notification.event_key).in_(chunk))):
            rows.pop(tuple(existing), None)
    return list(rows.values())


def _insert():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the registry runs on SQLite and PostgreSQL
        raise RuntimeError(f"unsupported database {dialect}")
    return insert(Notification)


def record(new: list[NewNotification], as_of: dt.date) -> list[tuple[int, int]]:
    """Store the rows; a row another run stored meanwhile is skipped by the unique key (ON CONFLICT DO
    NOTHING), so each (user, event) is stored once. Returns (id, user_id) of the rows this call stored."""
    now = utcnow()
    stored = []
    for i in range(0, len(new), CHUNK):
        values = [{"user_id": n.user_id, "kind": n.kind, "event_key": n.event_key, "params": n.params,
                   "link_endpoint": n.link_endpoint, "link_args": n.link_args, "as_of": as_of, "created_at": now,
                   "email_state": n.email_state, "email_attempts": 0, "email_error": ""}
                  for n in new[i:i + CHUNK]]
        stmt = (_insert().values(values)
                .on_conflict_do_nothing(index_elements=["user_id", "kind", "event_key"])
                .returning(Notification.id, Notification.user_id))
        stored.extend(tuple(r) for r in db.session.execute(stmt))
    return stored


# ---- e-mail: claim, then settle ---------------------------------------------------------------------

def _claimable(now: dt.datetime):
    return and_pending(or_(Notification.email_claim.is_(None), Notification.email_claimed_at < now - STALE_CLAIM))


def and_pending(condition):
    return (Notification.email_state == "pending") & condition


def pending_email_count() -> dict[int, int]:
    """{user id: pending e-mail rows} not claimed by a running send (for --dry-run)."""
    now = utcnow()
    return dict(db.session.execute(select(Notification.user_id, func.count()).where(_claimable(now))
                                   .group_by(Notification.user_id)).all())


def claim_pending(token: str) -> list:
    """Claim every pending e-mail row no other run holds (SKIP LOCKED on PostgreSQL: a row being claimed
    by another run is left to it; its claim then makes it no longer claimable). The caller commits at once,
    so the claim is visible to every other run before any e-mail goes out. Two queries."""
    now = utcnow()
    free = select(Notification.id).where(_claimable(now)).with_for_update(skip_locked=True)
    ids = list(db.session.scalars(update(Notification).where(Notification.id.in_(free))
                                  .values(email_claim=token, email_claimed_at=now)
                                  .returning(Notification.id)
                                  .execution_options(synchronize_session=False)))
    if not ids:
        return []
    # Plain rows, not objects: they stay readable after the claim's commit without a query each.
    return list(db.session.execute(
        select(Notification.id, Notification.user_id, Notification.kind, Notification.params,
               Notification.link_endpoint, Notification.link_args)
        .where(Notification.email_claim == token)
        .order_by(Notification.user_id, Notification.created_at, Notification.id)))


def settle(token: str, sent_ids: list[int], failed: dict[int, str], dropped: list[int] = ()) -> None:
    """Record what a run sent (`sent_ids`), what failed ({id: reason}: released for the next run) and
    what is no longer to be e-mailed (`dropped`: the user removed the address, turned e-mail or the kind
    off, or was deactivated; it stays in the app). A fixed number of queries whatever the number of rows."""
    now = utcnow()
    dropped = list(dropped)
    for i in range(0, len(dropped), CHUNK):
        db.session.execute(update(Notification)
                           .where(Notification.id.in_(dropped[i:i + CHUNK]), Notification.email_claim == token)
                           .values(email_state="none", email_claim=None)
                           .execution_options(synchronize_session=False))
    if sent_ids:
        for i in range(0, len(sent_ids), CHUNK):
            db.session.execute(update(Notification)
                               .where(Notification.id.in_(sent_ids[i:i + CHUNK]), Notification.email_claim == token)
                               .values(email_state="sent", emailed_at=now, email_claim=None, email_error="",
                                       email_attempts=Notification.email_attempts + 1)
                               .execution_options(synchronize_session=False))
    if failed:
        attempts = dict(db.session.execute(select(Notification.id, Notification.email_attempts)
                                           .where(Notification.id.in_(list(failed)))).all())
        db.session.execute(update(Notification), [
            {"id": nid, "email_claim": None, "email_error": reason[:500], "email_attempts": attempts.get(nid, 0) + 1}
            for nid, reason in failed.items()])
    db.session.flush()


# ---- reading and marking -------------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(notification: Notification, *, actor) -> Notification:
    if not can_read_notification(actor, notification):
        raise Forbidden(_l("This is another user's notification."))
    if notification.read_at is None:
        notification.read_at = utcnow()
    db.session.flush()
    return notification


def mark_all_read(*, actor, kind: str | None = None) -> int:
    stmt = (update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=utcnow()).execution_options(synchronize_session=False))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    result = db.session.execute(stmt)
    db.session.flush()
    return result.rowcount or 0


# ---- each user's choices ---------------------------------------------------------------------------

def setting_for(user) -> NotificationSetting:
    """The user's choices (defaults, not stored, when they never chose)."""
    setting = db.session.get(NotificationSetting, user.id)
    return setting if setting is not None else NotificationSetting(user_id=user.id, email_enabled=True,
                                                                   email_kinds_off=[])


def save_settings(user, *, actor, email, email_enabled: bool, email_kinds, locale: str | None) -> NotificationSetting:
    """Save a user's address, language, e-mail on/off and the kinds they want by e-mail (`email_kinds`:
    the kinds offered to their role that are wanted; the others are turned off)."""
    from flask import current_app

    set_email(user, email, actor=actor)
    offered = [k.name for k in events.kinds_for(user.role)]
    unknown = [k for k in (email_kinds or []) if k not in offered]
    if unknown:
        raise DomainError(_l("Unknown kind of notification: %(kind)s"), field="email_kinds", kind=unknown[0])
    if locale is not None:
        if locale not in current_app.config["LANGUAGES"]:
            raise DomainError(_l("Unknown language: %(code)s"), field="locale", code=locale)
        user.locale = locale
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id)
        db.session.add(setting)
    setting.email_enabled = bool(email_enabled)
    setting.email_kinds_off = [k for k in offered if k not in set(email_kinds or [])]
    db.session.flush()
    return setting
