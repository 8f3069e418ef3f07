"""Backup and restore: one portable archive of every table and every evidence file."""
from __future__ import annotations

from registry.backup import cli


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    cli.register(app)
