"""`flask backup create|restore` of spec/interfaces.md ("Backup and moving between databases").

    flask --app registry backup create PATH
    flask --app registry backup restore PATH [--replace]

`--replace` (beyond the contract) empties a non-empty target first, in the same transaction.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from registry.backup.services import create_backup, restore_backup
from registry.cli_support import ensure_schema, fail, transaction
from registry.errors import _l

backup = AppGroup("backup", help="Back up and restore every table and evidence file.")


@backup.command("create")
@click.argument("path")
def create(path):
    """Write a backup archive of the whole registry to PATH."""
    target = Path(path)
    if not target.parent.is_dir():
        fail(_l("The folder %(path)s does not exist."), path=str(target.parent))
    ensure_schema()
    with transaction():
        manifest = create_backup(target)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"backup written: {target} ({len(manifest['tables'])} tables, {rows} rows, "
               f"{len(manifest['files'])} evidence files)")


@backup.command("restore")
@click.argument("path")
@click.option("--replace", is_flag=True, help="Empty a non-empty database (and add to the evidence folder) first.")
def restore(path, replace):
    """Load the backup archive at PATH into this empty, migrated database."""
    ensure_schema()
    with transaction():
        manifest = restore_backup(Path(path), replace=replace)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"backup restored: {path} ({len(manifest['tables'])} tables, {rows} rows, "
               f"{len(manifest['files'])} evidence files)")


def register(app):
    app.cli.add_command(backup)
