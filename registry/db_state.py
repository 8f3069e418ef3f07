"""Clear messages for a database that is unreachable, missing, or behind on migrations."""
from __future__ import annotations

import functools
import sys

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from registry.config import PROJECT_ROOT

UPGRADE_COMMAND = "flask --app registry db upgrade"


class DatabaseUnavailable(SystemExit):
    pass


def _fail(zh: str, en: str):
    print(zh, file=sys.stderr)
    print(en, file=sys.stderr)
    raise DatabaseUnavailable(2)


def describe(url: str) -> str:
    """The URL's backend, host and database, never its password."""
    try:
        u = make_url(url)
    except ArgumentError:
        return "?"
    if u.get_backend_name() == "sqlite":
        return f"sqlite:{u.database or ':memory:'}"
    return f"{u.get_backend_name()}://{u.host or 'localhost'}:{u.port or ''}/{u.database or ''}"


def check_database_url(app) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        make_url(url)
    except ArgumentError:
        _fail("DATABASE_URL 格式无效。", "DATABASE_URL is not a valid database URL.")


def check_connection(app) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    target = describe(url)
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else ""
        reason = reason.replace(make_url(url).password or "\0", "***")
        _fail(f"无法连接数据库 {target}：{reason}", f"Cannot connect to the database at {target}: {reason}")
    except Exception as exc:  # a missing driver, a bad option: still no traceback, no password
        _fail(f"无法连接数据库 {target}：{type(exc).__name__}",
              f"Cannot connect to the database at {target}: {type(exc).__name__}")


@functools.lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration of this code (read once per process: /readyz asks often)."""
    from alembic.config import Config  # imported here: alembic is slow to import, and rarely needed
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def migration_state(engine) -> tuple[str | None, str | None]:
    """(current revision, head revision) of the database behind `engine`."""
    from alembic.runtime.migration import MigrationContext

    head = head_revision()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def _integrity_errors() -> tuple:
    from sqlalchemy.exc import IntegrityError

    try:  # COPY runs on psycopg's own cursor: its errors reach the caller unwrapped
        from psycopg import IntegrityError as PsycopgIntegrityError
    except ImportError:  # pragma: no cover - psycopg is a runtime requirement
        return (IntegrityError,)
    return (IntegrityError, PsycopgIntegrityError)


# A concurrent change won a race on a unique key: SQLAlchemy's IntegrityError, or psycopg's own.
INTEGRITY_ERRORS = _integrity_errors()
