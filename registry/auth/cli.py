"""`flask users create|token` of spec/interfaces.md."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry.authz import ROLES
from registry.cli_support import ensure_schema, fail, transaction
from registry.errors import DomainError, _l

users = AppGroup("users", help="Accounts and API tokens.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail(_l("No terminal to ask for the password: use --password-stdin."))
    first = click.prompt("Password / 密码", hide_input=True, err=True)
    second = click.prompt("Repeat / 再次输入", hide_input=True, err=True)
    if first != second:
        fail(_l("The two passwords differ."))
    return first


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--base", "bases", multiple=True, help="Base code (base coordinators).")
@click.option("--university", help="University name (university coordinators).")
@click.option("--mentor", help="ORGANISATION:STAFF_NO (mentor accounts).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(username, role, bases, university, mentor, password_stdin):
    """Create an account scoped as its role needs."""
    from registry.auth.services import create_user
    from registry.orgs.models import Base, University
    from registry.extensions import db

    ensure_schema()
    password = _read_password(password_stdin)
    with transaction():
        base_rows = []
        for code in bases:
            base = db.session.scalar(select(Base).where(Base.code == code.strip()))
            if base is None:
                raise DomainError(_l("No base with code %(code)s."), code=code)
            base_rows.append(base)
        uni = None
        if university:
            uni = db.session.scalar(select(University).where(University.name == university.strip()))
            if uni is None:
                raise DomainError(_l("No university named %(name)s."), name=university)
        mentor_row = None
        if mentor:
            organisation, sep, staff_no = mentor.rpartition(":")
            if not sep or not organisation.strip() or not staff_no.strip():
                raise DomainError(_l("--mentor must be ORGANISATION:STAFF_NO."))
            from registry.mentors.queries import find_mentor

            mentor_row = find_mentor(organisation.strip(), staff_no.strip())
            if mentor_row is None:
                raise DomainError(_l("No mentor with staff number %(staff_no)s at %(organisation)s."),
                                  staff_no=staff_no.strip(), organisation=organisation.strip())
        user = create_user(username, role, password, bases=base_rows, university=uni, mentor=mentor_row)
    click.echo(f"created user {user.username} ({user.role})")


@users.command("token")
@click.argument("username")
@click.option("--name", default="", help="A label for the token.")
def token(username, name):
    """Print a new API token for USERNAME, once."""
    from registry.auth.services import create_token, find_user

    ensure_schema()
    with transaction():
        user = find_user(username)
        _row, clear = create_token(user, name)
    click.echo(clear)


def register(app):
    app.cli.add_command(users)
