"""Search across the registry: bases, mentors (name, staff number) and organisations, as the viewer may see them."""
from __future__ import annotations

from registry.search import views


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    app.register_blueprint(views.bp)
