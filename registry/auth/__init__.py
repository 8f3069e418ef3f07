"""Accounts, sign-in, sessions and API tokens."""
from __future__ import annotations

from registry import web
from registry.auth import cli, models, queries, views  # noqa: F401 (models: the tables)
from registry.extensions import login_manager
from registry.web import token_owner


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
    login_manager.user_loader(queries.load_user)
    token_owner.fill(models.token_owner)
