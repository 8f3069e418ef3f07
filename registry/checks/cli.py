"""`flask check eligibility` of spec/interfaces.md."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import AppGroup

from registry.checks.queries import eligibility_of
from registry.cli_support import ensure_schema, fail, parse_date
from registry.errors import _l
from registry.orgs.services import find_base

check = AppGroup("check", help="Eligibility checks (rules R1-R8).")


@check.command("eligibility")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--as-of", "as_of", default=None, help="The day to check, YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def eligibility(code, as_of, fmt):
    """Run every rule against the base as of the date. Exit 0 whether eligible or not."""
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    ensure_schema()
    base = find_base(code)
    if base is None:
        fail(_l("No base with code %(code)s."), code=code)
    result = eligibility_of(base, day)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    verdict = "eligible / 符合条件" if result.eligible else "not eligible / 不符合条件"
    click.echo(f"{base.code} {base.name} — {day.isoformat()}: {verdict}")
    for r in result.results:
        mark = "PASS" if r.passed else "FAIL"
        click.echo(f"{mark} {r.id} {r.name} ({r.clause}) measured {r.measured}, required {r.required}")
        click.echo(f"     {r.message.zh}")
        click.echo(f"     {r.message.en}")


def register(app):
    app.cli.add_command(check)
