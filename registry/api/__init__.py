"""/api/v1: JSON for outside scripts (see views.py)."""
from __future__ import annotations

from registry.api import openapi, views


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    openapi.register()
    app.register_blueprint(views.blueprint(app))  # after the areas that contribute endpoints
