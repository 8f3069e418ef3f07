"""What every command of the contract shares: one transaction, two-language errors, exit codes."""
from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from registry import db_state
from registry.audit.services import set_actor
from registry.errors import DomainError, _l, bilingual
from registry.extensions import db


def fail(message, code: int = 1, **params):
    """Print a message in Chinese then English, one line each, and exit non-zero."""
    zh, en = bilingual(message, **params)
    click.echo(zh, err=True)
    click.echo(en, err=True)
    sys.exit(code)


def fail_lines(lines: list[str], code: int = 1):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


@contextmanager
def transaction(actor_label: str = "cli", user=None):
    """All or nothing: commit at the end, roll back on any error and exit with a clear message."""
    set_actor(db.session, user, label=user.username if user else actor_label)
    try:
        yield
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(exc.zh, err=True)
        click.echo(exc.en, err=True)
        sys.exit(1)
    except (OperationalError, ProgrammingError) as exc:
        db.session.rollback()
        _database_problem(exc)
    except SystemExit:
        db.session.rollback()
        raise
    except Exception as exc:  # never a traceback: the contract promises two plain lines
        db.session.rollback()
        fail(_l("Unexpected error: %(error)s"), error=f"{type(exc).__name__}: {exc}".splitlines()[0])


def _database_problem(exc):
    try:
        current, head = db_state.migration_state(db.engine)
    except Exception:
        current, head = None, "?"
    if current != head:
        fail(_l("The database is missing or behind on migrations. Run: %(command)s"),
             code=2, command=db_state.UPGRADE_COMMAND)
    fail(_l("Database error: %(error)s"), code=2, error=str(getattr(exc, "orig", exc)).splitlines()[0])


def ensure_schema():
    """Refuse to run against a database that is missing or behind on migrations."""
    try:
        current, head = db_state.migration_state(db.engine)
    except OperationalError as exc:
        fail(_l("Database error: %(error)s"), code=2, error=str(exc.orig).splitlines()[0])
    if current != head:
        fail(_l("The database is missing or behind on migrations. Run: %(command)s"),
             code=2, command=db_state.UPGRADE_COMMAND)


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        fail(_l("%(option)s: \"%(value)s\" is not a date in the form YYYY-MM-DD."), option=option, value=value)


class BilingualGroup(click.Group):
    """Usage errors (a missing option, a bad choice) also in both languages, without traceback."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = True
        return super().main(*args, **kwargs)
