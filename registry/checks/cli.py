"""`flask check eligibility`, `flask base show` and `flask base step` of spec/interfaces.md."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import AppGroup

from registry.authz import ADMIN
from registry.checks import lifecycle
from registry.checks.queries import eligibility_of
from registry.cli_support import cli_actor_label, ensure_schema, fail, parse_date, transaction
from registry.errors import _l
from registry.orgs.cli import base as base_group
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


@click.command("show")
@click.argument("code")
@click.option("--as-of", "as_of", default=None, help="The day, YYYY-MM-DD (default: today).")
def show(code, as_of):
    """Print the base's life-cycle state, cycle and construction years as JSON."""
    day = parse_date(as_of, "--as-of") if as_of is not None else None
    ensure_schema()
    base = find_base(code)
    if base is None:
        fail(_l("No base with code %(code)s."), code=code)
    click.echo(json.dumps(lifecycle.show(base, day), ensure_ascii=False, indent=2))


class CommandLineAdministrator:
    """Whoever runs `base step` on the server acts as the administrator (the web's rules still hold)."""

    role = ADMIN
    id = None

    def __init__(self):
        self.username = cli_actor_label()


STEP_STATUSES = ("under_review", "public_notice", "not_recognised", "recognised", "in_construction", "evaluated",
                 "passed", "revoked")


@click.command("step")
@click.argument("code")
@click.option("--to", "to", required=True, type=click.Choice(STEP_STATUSES))
@click.option("--on", "on", required=True, help="The day the step takes effect, YYYY-MM-DD.")
@click.option("--reason", required=True)
@click.option("--deadline", default=None, help="The rectification deadline (with --grade fail).")
@click.option("--document-no", "document_no", default="", help="The decision's document number.")
@click.option("--grade", type=click.Choice(["excellent", "good", "pass", "fail"]), default=None)
def step(code, to, on, reason, deadline, document_no, grade):
    """Record one life-cycle step exactly as the administrator does on the web."""
    day = parse_date(on, "--on")
    deadline_day = parse_date(deadline, "--deadline") if deadline is not None else None
    if to == "evaluated" and grade is None:
        fail(_l("--to evaluated needs --grade."))
    if to != "evaluated" and grade is not None:
        fail(_l("--grade is only for --to evaluated."))
    ensure_schema()
    base = find_base(code)
    if base is None:
        fail(_l("No base with code %(code)s."), code=code)
    status = ("rectification" if grade == "fail" else "passed") if to == "evaluated" else to
    actor = CommandLineAdministrator()
    with transaction(actor.username):
        change = lifecycle.transition(base, status, actor=actor, effective_on=day, reason=reason,
                                      evidence=document_no, deadline=deadline_day, grade=grade)
    click.echo(f"{base.code}: {change.from_status} -> {change.to_status} on {change.effective_on.isoformat()}")


def register(app):
    app.cli.add_command(check)
    base_group.add_command(show)
    base_group.add_command(step)
