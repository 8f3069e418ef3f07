"""Governance records: cooperation agreements, training plans, exchange arrangements, working groups, regulations."""
from __future__ import annotations

from registry.audit import words as audit_words
from registry.governance import models, services, spreadsheets, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    views.register()
    spreadsheets.register()
    app.register_blueprint(views.bp)
    audit_words.register_labels(services.L)
