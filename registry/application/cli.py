"""`flask application export` of spec/interfaces.md ("Application form")."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from registry.application import bundle as bundles
from registry.application.export import form_document
from registry.cli_support import ensure_schema, fail
from registry.errors import DomainError, _l
from registry.orgs.services import find_base

application = AppGroup("application", help="The application form (申请书) and its evidence.")


@application.command("export")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--output", required=True, help="Where to write the form, PATH.docx.")
@click.option("--bundle", "bundle_path", default=None, help="Also write a zip with the form, the evidence and "
                                                            "its index, PATH.zip.")
def export(code, output, bundle_path):
    """Write the base's application form: the frozen one of its latest submission, else today's."""
    ensure_schema()
    base = find_base(code)
    if base is None:
        fail(_l("No base with code %(code)s."), code=code)
    try:
        name, content, data = form_document(base)
        zipped = bundles.build(name, content, data["evidence"]) if bundle_path else None
    except DomainError as exc:
        click.echo(exc.zh, err=True)
        click.echo(exc.en, err=True)
        raise SystemExit(1) from None
    targets = [(output, content)] + ([(bundle_path, zipped)] if bundle_path else [])
    for path, _content in targets:
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            fail(_l("Cannot write %(path)s: the folder does not exist."), path=path)
    written = []
    try:
        for path, payload in targets:
            Path(path).write_bytes(payload)
            written.append(path)
    except OSError as exc:
        for path in written:
            Path(path).unlink(missing_ok=True)
        fail(_l("Cannot write %(path)s: %(error)s"), path=path, error=exc.strerror or str(exc))
    click.echo(f"{output}" + (f"\n{bundle_path}" if bundle_path else ""))


def register(app):
    app.cli.add_command(application)
