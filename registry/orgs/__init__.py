"""Universities, enterprises, key fields and the demonstration bases themselves."""
from __future__ import annotations

from registry import authz, web
from registry.orgs import cli, models, queries, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views, cli)
    authz.enterprises_of_other_universities.fill(queries.enterprises_of_other_universities)
    web.only_base_of.fill(queries.only_base_of)
