"""Dual-mentor rosters: mentors, appointments, suspensions, students, and the enterprise-mentor ratio."""
from __future__ import annotations

from registry import authz, web
from registry.api.views import contribute
from registry.audit import words as audit_words
from registry.mentors import api, cli, models, queries, services, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
    contribute(app, api)
    authz.serves_visible_base.fill(queries.serves_visible_base)
    authz.serves_only_bases_in_scope.fill(queries.serves_only_bases_in_scope)
    audit_words.register_labels(services.LABELS)
