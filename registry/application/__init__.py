"""The application form of a round: plan, narrative, figures and evidence list, frozen on submission."""
from __future__ import annotations

from registry import web
from registry.audit import words as audit_words
from registry.application import cli, models, services, views  # noqa: F401 (models: the tables)
from registry.checks import lifecycle
from registry.checks import services as checks_services


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
    checks_services.freeze_form.fill(services.freeze_form)
    lifecycle.plan_to_cycle.fill(services.plan_to_cycle)
    audit_words.register_labels(services.LABELS)
