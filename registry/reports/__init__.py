"""Reports: the ratio, roster exports, statistics and published lists."""
from __future__ import annotations

from registry.reports import cli, views


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    views.register()
    app.register_blueprint(views.bp)
    cli.register(app)
