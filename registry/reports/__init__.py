"""Reports: the ratio, roster exports, statistics and published lists."""
from __future__ import annotations

from registry import web
from registry.reports import cli, views


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
