"""`flask records ...`: spreadsheets of exchanges, teaching and innovation records.

    flask --app registry records import KIND PATH --base CODE [--dry-run]
    flask --app registry records export KIND --base CODE --output PATH   (.xlsx or .csv by suffix)
    flask --app registry records template KIND --output PATH

KIND: exchanges, industry_courses, teaching_cases, textbooks, joint_labs, major_projects,
results_transferred, teaching_teams, cooperation_agreements, training_plans, exchange_arrangements,
regulations, working_group_members (docs/imports.md lists their columns). The import follows the roster import's contract: one summary line and exit 0,
or one line per problem (`row 7, 开始日期: ...`), nothing written and exit 1.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from registry.cli_support import fail, transaction
from registry.errors import _l
from registry.imports.cli import run
from registry.orgs.services import find_base
from registry.records.sheets import SHEETS, export_csv, export_xlsx, importer_factory, template_xlsx

records = AppGroup("records", help="Exchange, teaching, innovation and governance records: spreadsheets.")


def _sheet(kind: str):
    if kind not in SHEETS:
        fail(_l("Unknown record kind \"%(kind)s\"; use one of: %(kinds)s"), kind=kind, kinds=", ".join(SHEETS))
    return SHEETS[kind]


@records.command("import")
@click.argument("kind")
@click.argument("path")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
def import_records(kind, path, code, dry_run):
    """Import one kind of record to a base from .xlsx or .csv (all or nothing, idempotent)."""
    _sheet(kind)
    run(importer_factory(kind), path, code, dry_run)


@records.command("export")
@click.argument("kind")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--output", required=True, help="The file to write: .xlsx or .csv.")
def export_records(kind, code, output):
    """Export one kind of record of a base, with the import's own columns."""
    sheet = _sheet(kind)
    suffix = Path(output).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        fail(_l("The output must end in .xlsx or .csv: %(path)s"), path=output)
    with transaction("export"):
        base = find_base(code)
        if base is None:
            fail(_l("Unknown base \"%(code)s\"."), code=code)
        data = export_xlsx(sheet, base) if suffix == ".xlsx" else export_csv(sheet, base)
    Path(output).write_bytes(data)
    click.echo(f"exported: {output}")


@records.command("template")
@click.argument("kind")
@click.option("--output", required=True, help="The .xlsx file to write.")
def template(kind, output):
    """Write the Excel import template of one kind of record."""
    Path(output).write_bytes(template_xlsx(_sheet(kind)))
    click.echo(f"template: {output}")


def register(app):
    app.cli.add_command(records)
