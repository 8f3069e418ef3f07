"""The cyclic collector is paused around work that builds many objects (imports, the figures of
every base) and comes back as it was, however the work ends and however many overlap."""
from __future__ import annotations

import datetime as dt
import gc

import pytest

from registry.checks import queries
from registry.collector import gc_paused


def test_the_collector_comes_back_after_nested_pauses_and_a_failure():
    assert gc.isenabled()
    with gc_paused():
        with pytest.raises(ValueError):
            with gc_paused():
                assert not gc.isenabled()
                raise ValueError("a broken import")
        assert not gc.isenabled()  # the outer pause still runs
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_host_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_dashboard_figures_run_without_the_collector(app, world, monkeypatch):
    seen = []
    real = queries.rules_in_order
    monkeypatch.setattr(queries, "rules_in_order", lambda: seen.append(gc.isenabled()) or real())
    queries.dashboard(dt.date(2024, 9, 1))
    assert seen == [False]
    assert gc.isenabled()
