"""The record framework: what every kind of record beside the roster shares.

Exchanges, teaching and governance describe their records once and get from here:

- `pages`: the list, detail, add, edit and delete pages (and member pages) of each record kind;
- `sheets`: spreadsheet import, export and template of each kind, through `registry.imports.engine`;
- `cli`: `flask records import|export|template KIND`.

Evidence files attached to records live in `registry.evidence`; value checks in `registry.values`.
"""
from __future__ import annotations

from registry.records import cli


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    cli.register(app)
