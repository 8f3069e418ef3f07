"""Eligibility checks (rules R1–R8), application rounds, reviews and the life cycle of a base."""
from __future__ import annotations

from registry import web
from registry.api.views import contribute
from registry.audit import words as audit_words
from registry.checks import api, cli, lifecycle, models, queries, views  # noqa: F401 (models: the tables)
from registry.mentors.views import life_cycle_state


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
    contribute(app, api)
    life_cycle_state.fill(lifecycle.state_of)
    audit_words.register_value_words(
        "indicator", lambda code: queries.INDICATORS[code].label if code in queries.INDICATORS else code)
