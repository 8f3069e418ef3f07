"""What every command of the contract shares: one transaction, two-language errors, exit codes.

The contract (spec/interfaces.md): exit 0 on success, non-zero on any failure and then nothing
written; errors on standard error in Chinese and English, one line each, never a traceback.
`transaction()` gives that to a command's body; `make_bilingual(group)` gives it to the usage
errors click raises before a command runs (a missing option, a bad choice) and to any exception
a command lets escape. `web.init_app` applies it to every command group of the app.
"""
from __future__ import annotations

import datetime as dt
import functools
import getpass
import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy.exc import OperationalError, ProgrammingError

from registry import db_state
from registry.errors import DomainError, _l, bilingual
from registry.extensions import db
from registry.models_common import set_actor

USAGE_EXIT = 2


def echo_bilingual(message, **params) -> None:
    zh, en = bilingual(message, **params)
    click.echo(zh, err=True)
    click.echo(en, err=True)


def fail(message, *, exit_code: int = 1, **params):
    """Print a message in Chinese then English, one line each, and exit non-zero.

    The exit status is `exit_code`, so that `code` stays free as a message parameter (a base code).
    """
    echo_bilingual(message, **params)
    sys.exit(exit_code)


def cli_actor_label() -> str:
    """Who runs a command, for the audit log: `cli:` and the operating-system account."""
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry (some containers)
        name = "unknown"
    return f"cli:{name}"


def _first_line(exc) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0]


@contextmanager
def transaction(actor_label: str | None = None, *, actor=None):
    """All or nothing: commit at the end, roll back on any error and exit with a clear message."""
    set_actor(db.session, actor, label=actor.username if actor else (actor_label or cli_actor_label()))
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
    except db_state.INTEGRITY_ERRORS:  # a concurrent change won a race on a unique key
        db.session.rollback()
        fail(_l("Another change to the same records was saved at the same moment; nothing was written. "
                "Run the command again."))
    except SystemExit:
        db.session.rollback()
        raise
    except Exception as exc:  # never a traceback: the contract promises two plain lines
        db.session.rollback()
        current_app.logger.debug("command failed", exc_info=True)
        fail(_l("Unexpected error: %(error)s"), error=f"{type(exc).__name__}: {_first_line(exc)}")


def _database_problem(exc):
    try:
        current, head = db_state.migration_state(db.engine)
    except Exception:
        current, head = None, "?"
    if current != head:
        fail(_l("The database is missing or behind on migrations. Run: %(command)s"),
             exit_code=2, command=db_state.UPGRADE_COMMAND)
    fail(_l("Database error: %(error)s"), exit_code=2, error=_first_line(exc))


def ensure_schema():
    """Refuse to run against a database that is missing or behind on migrations.

    Off when CHECK_DATABASE_ON_START is off (the unit tests build their schema with create_all).
    """
    if not current_app.config.get("CHECK_DATABASE_ON_START", True):
        return
    try:
        current, head = db_state.migration_state(db.engine)
    except OperationalError as exc:
        fail(_l("Database error: %(error)s"), exit_code=2, error=_first_line(exc))
    if current != head:
        fail(_l("The database is missing or behind on migrations. Run: %(command)s"),
             exit_code=2, command=db_state.UPGRADE_COMMAND)


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError, TypeError):
        fail(_l("%(option)s: \"%(value)s\" is not a date in the form YYYY-MM-DD."), option=option, value=value)


# ---- usage errors and escaped exceptions, in both languages --------------------------------

def _option_name(param) -> str:
    if param is None:
        return ""
    opts = getattr(param, "opts", None) or []
    return opts[0] if opts and param.param_type_name == "option" else (param.name or "").upper()


def _usage_message(exc: click.UsageError):
    """(msgid, params) for a click usage error."""
    if isinstance(exc, click.MissingParameter):
        return _l("Missing %(what)s: %(name)s."), {
            "what": _l("argument") if getattr(exc.param, "param_type_name", "") == "argument" else _l("option"),
            "name": _option_name(exc.param)}
    if isinstance(exc, click.NoSuchOption):
        return _l("Unknown option: %(name)s."), {"name": exc.option_name}
    if isinstance(exc, click.BadParameter) and isinstance(getattr(exc.param, "type", None), click.Choice):
        return _l("%(name)s must be one of: %(choices)s."), {
            "name": _option_name(exc.param), "choices": ", ".join(map(str, exc.param.type.choices))}
    if isinstance(exc, click.BadParameter):
        return _l("Invalid value for %(name)s: %(detail)s"), {"name": _option_name(exc.param),
                                                               "detail": exc.message}
    return _l("Invalid command line: %(detail)s"), {"detail": exc.format_message()}


def _app_context(ctx: click.Context):
    if current_app:
        return None
    return ctx.ensure_object(ScriptInfo).load_app().app_context()


def _print_usage_error(ctx: click.Context, exc: click.UsageError) -> None:
    message, params = _usage_message(exc)  # lazy params are rendered in each language by bilingual()
    app_ctx = _app_context(ctx)
    if app_ctx is not None:
        with app_ctx:
            echo_bilingual(message, **params)
    else:
        echo_bilingual(message, **params)


def _guard(callback):
    """Wrap a command's callback: an exception that escapes becomes two lines and exit 1."""
    if getattr(callback, "_bilingual_guard", False):
        return callback

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            try:
                db.session.rollback()
            except Exception:
                pass
            if current_app:
                current_app.logger.debug("command failed", exc_info=True)
            fail(_l("The command failed: %(error)s"), error=f"{type(exc).__name__}: {_first_line(exc)}")

    guarded._bilingual_guard = True
    return guarded


class BilingualGroupMixin:
    """Usage errors of the group's commands in Chinese and English, without click's English-only text."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            _print_usage_error(exc.ctx or ctx, exc)
            sys.exit(USAGE_EXIT)


_BILINGUAL_CLASSES: dict[type, type] = {}


def make_bilingual(group: click.Group) -> click.Group:
    """Give `group` (and its subgroups) bilingual usage errors, and guard every command's callback."""
    cls = type(group)
    if not issubclass(cls, BilingualGroupMixin):
        if cls not in _BILINGUAL_CLASSES:
            _BILINGUAL_CLASSES[cls] = type(f"Bilingual{cls.__name__}", (BilingualGroupMixin, cls), {})
        group.__class__ = _BILINGUAL_CLASSES[cls]
    for command in group.commands.values():
        if isinstance(command, click.Group):
            make_bilingual(command)
        elif command.callback is not None:
            command.callback = _guard(command.callback)
    return group


def bilingual_commands(app) -> None:
    """Every command group of the app, and Flask-Migrate's `db`, speak the contract's two languages."""
    for command in app.cli.commands.values():
        if isinstance(command, click.Group):
            make_bilingual(command)
    try:
        from flask_migrate.cli import db as migrate_group
    except ImportError:  # pragma: no cover
        return
    make_bilingual(migrate_group)
