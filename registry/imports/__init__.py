"""Spreadsheet imports: the engine, the roster and student importers, the web upload and the CLI."""
from __future__ import annotations

from registry.imports import cli, views


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    views.register()
    app.register_blueprint(views.bp)
    cli.register(app)
