"""Two-way exchange: secondments and visits between the university and the enterprises."""
from __future__ import annotations

from registry.audit import words as audit_words
from registry.exchanges import models, services, spreadsheets, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    views.register()
    spreadsheets.register()
    app.register_blueprint(views.bp)
    audit_words.register_labels(services.LABELS)
