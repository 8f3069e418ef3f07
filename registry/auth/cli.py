"""`flask users create|token` of spec/interfaces.md."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from registry.auth import services
from registry.auth.services import create_token, find_user
from registry.authz import ROLES
from registry.cli_support import ensure_schema, fail, parse_date, transaction
from registry.errors import _l

users = AppGroup("users", help="Accounts and API tokens.")


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not _stdin_is_terminal():
        fail(_l("No terminal to ask for the password: use --password-stdin."))
    first = click.prompt("密码 / Password", hide_input=True, err=True)
    second = click.prompt("再次输入密码 / Repeat the password", hide_input=True, err=True)
    if first != second:
        fail(_l("The two passwords differ."))
    return first


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--base", "bases", multiple=True, help="Base code (base coordinators); repeat for several bases.")
@click.option("--university", help="University name (university coordinators).")
@click.option("--mentor", help="ORGANISATION:STAFF_NO of the mentor record (mentor accounts).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--email", default=None, help="The address notifications are e-mailed to.")
def create(username, role, bases, university, mentor, password_stdin, email):
    """Create an account scoped as its role needs."""
    ensure_schema()
    password = _read_password(password_stdin)
    with transaction():
        user = services.create_user(
            username, role, password,
            bases=services.bases_by_codes(bases),
            university=services.university_by_name(university) if university is not None else None,
            mentor=services.mentor_by_key(mentor) if mentor is not None else None,
            email=email, actor=None)
        label = f"{user.username} ({user.role})"
    click.echo(f"created user {label}")


@users.command("token")
@click.argument("username")
@click.option("--name", default="", help="A label for the token.")
@click.option("--expires", default=None, metavar="YYYY-MM-DD", help="The last day the token works (default: until revoked).")
def token(username, name, expires):
    """Print a new API token for USERNAME, once (only its hash is stored)."""
    expires_on = parse_date(expires, "--expires") if expires is not None else None
    ensure_schema()
    with transaction():
        user = find_user(username)
        _row, clear = create_token(user, name, expires_on, actor=None)
    click.echo(clear)


def register(app):
    app.cli.add_command(users)
