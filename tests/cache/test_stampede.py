"""A figure missing from the cache is computed by one worker at a time: the others wait for its
value instead of all computing the same figure of every base at once (a cold cache under load made
the first statistics view take 37 s), and a worker that dies holding the figure blocks no one."""
from __future__ import annotations

import os
import threading
import time

import pytest

from registry import cache

REDIS_URL = os.environ.get("TEST_REDIS_URL")


class SlowFigure:
    """A figure that takes a while to compute and counts how often it is."""

    def __init__(self, seconds: float = 0.4, fail: bool = False):
        self.seconds, self.fail, self.computed = seconds, fail, 0
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.computed += 1
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("the database went away")
        return {"bases": 2000, "meeting": 1873}


def workers_asking(app, backends, name, figure, key="2024-09-01"):
    """One thread per backend (a worker each), all asking for the same figure at the same moment."""
    answers, errors, start = [], [], threading.Barrier(len(backends))

    def worker(backend):
        with app.app_context():
            app.extensions["figures_cache"] = backend
            start.wait()
            try:
                answers.append(cache.cached(name, figure, key))
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    saved = app.extensions["figures_cache"]
    threads = [threading.Thread(target=worker, args=(b,)) for b in backends]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        app.extensions["figures_cache"] = saved
    return answers, errors


def test_six_workers_on_a_cold_cache_compute_a_figure_once(app):
    backend = cache.MemoryBackend()
    figure = SlowFigure()
    answers, errors = workers_asking(app, [backend] * 6, "stampede-memory", figure)
    assert not errors
    assert figure.computed == 1
    assert answers == [{"bases": 2000, "meeting": 1873}] * 6


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_workers_sharing_redis_compute_a_figure_once_between_them(app):
    backends = [cache.RedisBackend(REDIS_URL) for _ in range(4)]  # four workers, one Redis
    backends[0].bump()  # a generation of this run's own
    figure = SlowFigure()
    answers, errors = workers_asking(app, backends, "stampede-redis", figure)
    assert not errors
    assert figure.computed == 1
    assert len(answers) == 4 and all(a == answers[0] for a in answers)


def test_a_worker_that_died_computing_blocks_the_figure_only_until_its_lock_expires(app, monkeypatch):
    backend = cache.MemoryBackend()
    monkeypatch.setitem(app.config, "FIGURES_LOCK_SECONDS", 1)
    key = cache.key_of("stampede-dead", backend.generation(), ("2024-09-01",))
    assert backend.try_lock(f"{key}:computing", "a worker that was killed", 1)
    figure = SlowFigure(seconds=0)
    saved = app.extensions["figures_cache"]
    app.extensions["figures_cache"] = backend
    try:
        started = time.monotonic()
        assert cache.cached("stampede-dead", figure, "2024-09-01") == {"bases": 2000, "meeting": 1873}
        waited = time.monotonic() - started
    finally:
        app.extensions["figures_cache"] = saved
    assert figure.computed == 1
    assert 0.9 <= waited < 10


def test_a_failed_computation_lets_the_next_worker_compute_at_once(app, monkeypatch):
    backend = cache.MemoryBackend()
    monkeypatch.setitem(app.config, "FIGURES_LOCK_SECONDS", 60)
    saved = app.extensions["figures_cache"]
    app.extensions["figures_cache"] = backend
    try:
        with pytest.raises(RuntimeError):
            cache.cached("stampede-failed", SlowFigure(seconds=0, fail=True), "2024-09-01")
        figure = SlowFigure(seconds=0)
        started = time.monotonic()
        assert cache.cached("stampede-failed", figure, "2024-09-01") == {"bases": 2000, "meeting": 1873}
        assert time.monotonic() - started < 10  # not the minute the lock would have lasted
    finally:
        app.extensions["figures_cache"] = saved
    assert figure.computed == 1


def test_a_figure_that_may_not_be_kept_never_makes_workers_queue_for_it(app, monkeypatch):
    """A fragment holding one session's form token is never kept; the workers after the first compute
    their own at once instead of each waiting for the lock in turn."""
    backend = cache.MemoryBackend()
    monkeypatch.setitem(app.config, "FIGURES_LOCK_SECONDS", 30)
    figure = SlowFigure(seconds=0)
    saved = app.extensions["figures_cache"]
    app.extensions["figures_cache"] = backend
    try:
        cache.cached("stampede-unkept", figure, "2024-09-01", keep=lambda value: False)
        key = cache.key_of("stampede-unkept", backend.generation(), ("2024-09-01",))
        assert backend.try_lock(f"{key}:computing", "another worker computing its own", 30)
        started = time.monotonic()
        assert cache.cached("stampede-unkept", figure, "2024-09-01", keep=lambda value: False)["bases"] == 2000
        assert time.monotonic() - started < 10  # not the half minute the other worker's lock lasts
    finally:
        app.extensions["figures_cache"] = saved
    assert figure.computed == 2
