"""Alembic builds exactly the models' schema, and takes it all down again.

Upgrades an empty database to head, compares it with the models (Alembic's compare_metadata, with
the settings Flask-Migrate gives autogenerate: compare_type on), then downgrades to base. Runs on a
temporary SQLite file and, when TEST_DATABASE_URL is set, on a freshly created PostgreSQL database.
"""
from __future__ import annotations

import contextlib
import logging
import os
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from registry import create_app
from registry.config import normalise_database_url
from registry.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else [])


@contextlib.contextmanager
def logging_kept():
    """Alembic's env.py reconfigures logging (fileConfig disables existing loggers): undo that."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
               for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, (disabled, lvl, hdlrs, propagate) in loggers.items():
            lg = logging.getLogger(name)
            lg.disabled, lg.propagate = disabled, propagate
            lg.setLevel(lvl)
            lg.handlers[:] = hdlrs


@contextlib.contextmanager
def empty_database(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"{url.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def describe(difference) -> str:
    """One short line per difference: the operation and what it is about."""
    if isinstance(difference, list):  # modify_* come grouped
        return "; ".join(describe(d) for d in difference)
    op, *rest = difference
    names = []
    for item in rest:
        name = getattr(item, "name", None)
        table = getattr(getattr(item, "table", None), "name", None)
        if name is not None:
            names.append(f"{table}.{name}" if table and op.endswith(("column", "index")) else str(name))
        elif isinstance(item, str):
            names.append(item)
    return f"{op} {' '.join(names)}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_matches_the_models_and_downgrade_removes_everything(backend, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    with empty_database(backend, tmp_path) as url:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with logging_kept(), app.app_context():
            engine = db.engine
            upgrade()
            settings = dict(app.extensions["migrate"].configure_args)
            assert settings.get("compare_type") is True  # Flask-Migrate's default, which autogenerate uses
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": settings["compare_type"]})
                differences = compare_metadata(context, db.metadata)
                assert context.get_current_revision() is not None
            downgrade(revision="base")
            left = set(inspect(engine).get_table_names())
            engine.dispose()
    assert left <= {"alembic_version"}, f"downgrade to base left {sorted(left)}"
    assert not differences, ("the migrations differ from the models; generate a revision "
                             "(flask --app registry db migrate) and review it:\n"
                             + "\n".join(describe(d) for d in differences))
