"""Figures that cover every base, computed once per day and state of the data and shared by all workers.

The ratio of all bases, the dashboard and the eligibility of all bases cost a scan of the whole
roster; people open those pages far more often than the roster changes. Each cached value is
keyed by the *data generation*, a random token that every committed write to the registry's data
replaces (after the commit, in the same request, so the writer's next page already misses the old
entry), and by the day and filters it was computed for. A value is therefore never stale: it is
reused only while nothing it could depend on has changed.

Where the cache lives: Redis when `REDIS_URL` is set (one cache and one generation for every
worker and machine; required when more than one process serves the app), else a small in-process
store (one process: the development server, tests, a single worker).
"""
from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
import uuid
from collections import OrderedDict

import redis
from flask import current_app, has_app_context
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session
from registry.collector import gc_paused
from registry.extensions import db

log = logging.getLogger(__name__)

GENERATION_KEY = "registry:data-generation"
DAY = 24 * 3600
# Fragments kept per viewer expire sooner: there are many viewers, and each comes back within minutes.
VIEWER_TTL = 3600
# How long one worker may hold a figure's computation to itself (seconds) before another takes over
# (`FIGURES_LOCK_SECONDS`), and how often the others look for its value meanwhile.
LOCK_SECONDS = 120
POLL_SECONDS = 0.05
# Left in place of a value that may not be kept (it holds one session's form token): the workers that
# come after compute their own at once instead of queueing behind one another for the lock.
NOT_KEPT = b"registry:not-kept"
# Model classes whose writes change no cached figure (logins, tokens, notifications, sessions).
NEUTRAL_TABLES = {"user", "api_token", "notification", "notification_setting"}


class MemoryBackend:
    """A bounded in-process store; the generation is a random token."""

    def __init__(self, max_entries: int = 256):
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._generation = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._locks: dict[str, tuple[str, float]] = {}  # key -> (holder's token, expiry)
        self.max_entries = max_entries

    def generation(self) -> str:
        return self._generation

    def bump(self) -> None:
        with self._lock:
            self._generation = uuid.uuid4().hex
            self._data.clear()  # entries of older generations can never be read again

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def try_lock(self, key: str, token: str, ttl: int) -> bool:
        now = time.monotonic()
        with self._lock:
            held = self._locks.get(key)
            if held is not None and held[1] > now:
                return False
            self._locks[key] = (token, now + ttl)
            return True

    def unlock(self, key: str, token: str) -> None:
        with self._lock:
            if self._locks.get(key, (None,))[0] == token:
                del self._locks[key]


# Delete a lock only if it is still the caller's (it may have expired and gone to another worker).
_UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisBackend:
    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._unlock = self.client.register_script(_UNLOCK)

    def generation(self) -> str:
        # A random token, not a counter: a database restored from a backup, or a Redis that outlives
        # its registry's data, can never meet figures kept under a number it happens to reach again.
        token = self.client.get(GENERATION_KEY)
        if token is None:
            self.client.set(GENERATION_KEY, uuid.uuid4().hex, nx=True)
            token = self.client.get(GENERATION_KEY)
        return token.decode() if isinstance(token, bytes) else str(token)

    def bump(self) -> None:
        self.client.set(GENERATION_KEY, uuid.uuid4().hex)

    def get(self, key: str) -> bytes | None:
        return self.client.get(key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self.client.set(key, value, ex=ttl)

    def try_lock(self, key: str, token: str, ttl: int) -> bool:
        return bool(self.client.set(key, token, nx=True, ex=ttl))

    def unlock(self, key: str, token: str) -> None:
        self._unlock(keys=[key], args=[token])


def init_app(app) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["figures_cache"] = RedisBackend(url) if url else MemoryBackend()


def backend():
    found = current_app.extensions.get("figures_cache")
    if found is None:
        init_app(current_app)
        found = current_app.extensions["figures_cache"]
    return found


def cached(name: str, compute, *key_parts, ttl: int = DAY, keep=None):
    """`compute()`, or its value from the cache for this data generation, `name` and `key_parts`.

    The value must be picklable and must not hold ORM objects (they belong to one session).
    `keep(value)`, when given, says whether a computed value may be kept. When the cache cannot be
    reached the figure is computed: slower, never wrong.
    """
    if _uncommitted_changes():
        # This transaction has written: its view of the data is its own until it commits.
        return compute()
    store = backend()
    try:
        generation = store.generation()
    except Exception:  # noqa: BLE001 — a cache outage must not take pages down
        log.warning("figures cache unreachable; computing %s", name, exc_info=True)
        return compute()
    key = key_of(name, generation, key_parts)
    hit = _get(store, key)
    if hit is not None:
        return _use(hit, compute)
    # One computation per figure at a time, across workers and machines: on a cold cache every worker
    # used to compute the same figure at once (the first statistics view under load took 37 s). The
    # others wait for its value; if the holder dies, its lock expires and the next waiter computes.
    lock_key, token = f"{key}:computing", uuid.uuid4().hex
    seconds = int(current_app.config.get("FIGURES_LOCK_SECONDS") or LOCK_SECONDS)
    deadline = time.monotonic() + seconds
    while not _try_lock(store, lock_key, token, seconds):
        time.sleep(POLL_SECONDS)
        hit = _get(store, key)
        if hit is not None:
            return _use(hit, compute)
        if time.monotonic() > deadline:  # the cache misbehaves: slower, never stuck
            return compute()
    try:
        hit = _get(store, key)  # kept while this worker waited for the lock
        if hit is not None:
            return _use(hit, compute)
        with gc_paused():  # a figure of every base builds many objects at once (see registry/collector.py)
            value = compute()
        try:
            kept = NOT_KEPT if keep is not None and not keep(value) else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            store.set(key, kept, ttl)
        except Exception:  # noqa: BLE001 — unreachable, or a value that cannot be stored: computed, not kept
            log.warning("figure %s not kept", name, exc_info=True)
        return value
    finally:
        try:
            store.unlock(lock_key, token)
        except Exception:  # noqa: BLE001 — it expires on its own
            pass


def _use(hit: bytes, compute):
    return compute() if hit == NOT_KEPT else pickle.loads(hit)


def _get(store, key: str) -> bytes | None:
    try:
        return store.get(key)
    except Exception:  # noqa: BLE001
        return None


def _try_lock(store, key: str, token: str, seconds: int) -> bool:
    """Whether this worker may compute; a lock that cannot be taken because the cache is down
    counts as taken (compute, as without a cache)."""
    try:
        return store.try_lock(key, token, seconds)
    except Exception:  # noqa: BLE001
        return True


def key_of(name: str, generation: str, key_parts: tuple) -> str:
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    return f"registry:figures:{name}:{generation}:{digest}"


def bump() -> None:
    """The data changed: every cached figure is out of date from now on."""
    if not has_app_context():
        return
    try:
        backend().bump()
    except Exception:  # noqa: BLE001
        log.error("figures cache unreachable: could not invalidate", exc_info=True)


CHANGED = "figures_cache_changed"


def _uncommitted_changes() -> bool:
    try:
        return bool(db.session.info.get(CHANGED))
    except Exception:  # noqa: BLE001 — outside a request or app context
        return False


def _tables_of(objects) -> set[str]:
    return {getattr(type(obj), "__tablename__", "") for obj in objects}


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    tables = _tables_of(session.new) | _tables_of(session.dirty) | _tables_of(session.deleted)
    if tables - NEUTRAL_TABLES:
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(orm_execute_state):
    # Bulk INSERT/UPDATE/DELETE statements (imports) bypass the unit of work. Every change to the
    # registry's data is audited, so an audit row naming a table that matters counts as a change
    # too: that catches the imports' COPY and Connection-level writes as well.
    state = orm_execute_state
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", "")
    if table == "audit_entry":
        params = state.parameters
        rows = params if isinstance(params, (list, tuple)) else [params or {}]
        if any(row.get("table") not in NEUTRAL_TABLES for row in rows):
            state.session.info[CHANGED] = True
    elif table not in NEUTRAL_TABLES:
        state.session.info[CHANGED] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop(CHANGED, False):
        bump()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    # Nothing computed inside the transaction was kept (see `cached`), so nothing to invalidate.
    session.info.pop(CHANGED, None)


def render_block(template_name: str, block: str, **context) -> str:
    """One `{% block %}` of a template, rendered with the app's usual context (url_for, _, …)."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_or_select_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def cached_block(name: str, template_name: str, block: str, make_context, *key_parts, keep=None,
                 ttl: int = DAY) -> Markup:
    """A rendered block of a page, from the figures cache: for pages whose figures cover every base.

    The key must name everything the block shows that is not data (the language, the viewer's role
    where links depend on it); `make_context()` runs only on a miss.
    """
    html = cached(name, lambda: render_block(template_name, block, **make_context()), str(get_locale()),
                  *key_parts, keep=keep, ttl=ttl)
    return Markup(html)


def without_form_tokens(html) -> bool:
    """For `keep=`: a fragment holding a CSRF token belongs to one session and is never shared."""
    if isinstance(html, str):
        return "csrf_token" not in html
    return not any("csrf_token" in h for h in html)
