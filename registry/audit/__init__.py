"""The audit log: every insert, update and delete of an audited row, written by a flush hook."""
from __future__ import annotations

from registry import web
from registry.audit import models, services, views  # noqa: F401 (models: the tables; services: the flush hooks)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views)
