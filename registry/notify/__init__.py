"""Notifications: what each user should hear about (deadlines, shortfalls, reviews), in the app and by e-mail."""
from __future__ import annotations

from registry.auth.views import account_panel
from registry.notify import cli, events, models, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    events.setup()
    app.register_blueprint(views.bp)
    cli.register(app)
    account_panel.fill(views.account_panel)
