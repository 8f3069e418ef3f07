"""`flask roster import` of spec/interfaces.md, and its sibling for students and their mentors.

    flask --app registry roster import PATH --base CODE [--dry-run]
    flask --app registry roster import-students PATH --base CODE [--dry-run]

Success: one summary line on standard output, exit 0. Any invalid row: nothing written, exit 1,
one line per problem on standard error: `row 7, 聘任开始日期: "2023-13-01" 不是日期 / "2023-13-01" is not a date`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from registry.cli_support import ensure_schema, fail, transaction
from registry.errors import _l, bilingual
from registry.imports.engine import WAITED, run_import
from registry.imports.roster import RosterImporter
from registry.imports.students import StudentImporter
from registry.mentors.cli import roster
from registry.orgs.cli import base_or_fail


def run(importer_factory, path: str, code: str, dry_run: bool) -> None:
    if current_app.config.get("CHECK_DATABASE_ON_START", True):
        ensure_schema()
    file = Path(path)
    if not file.is_file():
        fail(_l("No such file: %(path)s"), path=path)
    with transaction("import"):
        base = base_or_fail(code)
        result = run_import(importer_factory(base), file, file.name, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                if error.row is None:  # the file as a whole: Chinese line, English line
                    click.echo(error.zh, err=True)
                    click.echo(error.en, err=True)
                else:
                    click.echo(error.line(), err=True)
            sys.exit(1)  # transaction() rolls back: nothing written
    if result.waited:
        click.echo(" / ".join(bilingual(WAITED)), err=True)
    click.echo(result.summary)


def _import_command(name: str, importer, help: str) -> click.Command:
    """`flask roster NAME PATH --base CODE [--dry-run]`: run `importer` over the file."""
    @click.command(name, help=help)
    @click.argument("path")
    @click.option("--base", "code", required=True, help="The base's code.")
    @click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
    def command(path, code, dry_run):
        run(importer, path, code, dry_run)

    return command


import_roster = _import_command(
    "import", RosterImporter, "Import mentors and their appointments to a base from .xlsx or .csv (all or nothing).")
import_students = _import_command(
    "import-students", StudentImporter,
    "Import students and their dual-mentor assignments at a base from .xlsx or .csv (all or nothing).")


def register(app):
    """The imports join the mentors area's `roster` group (registered by the mentors area)."""
    roster.add_command(import_roster)
    roster.add_command(import_students)
