"""Evidence files: attachments to records, stored outside the web root."""
from __future__ import annotations

from registry import web
from registry.evidence import models, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views)
