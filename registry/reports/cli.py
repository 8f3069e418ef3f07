"""`flask report ratio` of spec/interfaces.md, and `flask report roster` (a base's full roster).

    flask --app registry report ratio --as-of YYYY-MM-DD [--base CODE] --format json|csv|xlsx [--output PATH]
    flask --app registry report roster --base CODE --format xlsx|csv --output PATH [--students] [--unmasked]
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from registry.cli_support import ensure_schema, fail, parse_date
from registry.errors import _l
from registry.orgs.cli import base_or_fail
from registry.reports import ratio as reports, roster as rosters
from registry.safe_sheets import write_csv, write_xlsx

report = AppGroup("report", help="Reports: the mentor ratio, roster exports.")


def _ready():
    if current_app.config.get("CHECK_DATABASE_ON_START", True):
        ensure_schema()


def _format(value: str, allowed: tuple[str, ...]) -> str:
    value = (value or "").strip().lower()
    if value not in allowed:
        fail(_l("--format must be one of %(choices)s, not \"%(value)s\"."), choices=", ".join(allowed), value=value)
    return value


def _write(path: str, writer) -> None:
    """Write through a temporary file in the same folder, then rename: no half-written report."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".report-")
        try:
            with os.fdopen(handle, "wb") as stream:
                writer(stream)
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError as exc:
        fail(_l("Cannot write %(path)s: %(error)s"), path=path, error=exc.strerror or type(exc).__name__)


@report.command("ratio")
@click.option("--as-of", "as_of", default=None, help="The date (YYYY-MM-DD); today when omitted.")
@click.option("--base", "code", default=None, help="Only this base.")
@click.option("--format", "fmt", default="json", help="json, csv or xlsx.")
@click.option("--output", default=None, help="The file to write (required for csv and xlsx).")
def ratio(as_of, code, fmt, output):
    """The enterprise-mentor ratio of every base (or one) on a date."""
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    fmt = _format(fmt, ("json", "csv", "xlsx"))
    if fmt != "json" and not output:
        fail(_l("--format %(format)s needs --output PATH."), format=fmt)
    _ready()
    base_ids = [base_or_fail(code).id] if code else None
    rows = reports.ratios(day, base_ids)
    if fmt == "json":
        text = json.dumps(reports.as_json(day, rows), ensure_ascii=False, indent=2)
        if not output:
            click.echo(text)
            return
        _write(output, lambda stream: stream.write((text + "\n").encode("utf-8")))
    elif fmt == "csv":
        _write(output, lambda stream: reports.write_csv_report(stream, rows))
    else:
        _write(output, lambda stream: reports.write_xlsx_report(stream, rows, day))
    click.echo(f"wrote {len(rows)} bases to {output}")


@report.command("roster")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--format", "fmt", default="xlsx", help="xlsx (mentors and students) or csv (mentors, or --students).")
@click.option("--output", required=True, help="The file to write.")
@click.option("--students", is_flag=True, help="csv only: the students and their mentors instead of the mentors.")
@click.option("--unmasked", is_flag=True, help="Write mobile numbers in full (masked by default).")
def roster(code, fmt, output, students, unmasked):
    """A base's full roster: mentors with their appointments, students with their mentors."""
    fmt = _format(fmt, ("xlsx", "csv"))
    _ready()
    base = base_or_fail(code)
    if fmt == "xlsx":
        _write(output, lambda stream: write_xlsx(stream, rosters.roster_sheets(base, unmasked)))
    elif students:
        _write(output, lambda stream: write_csv(stream, rosters.STUDENT_COLUMNS, rosters.student_rows(base.id)))
    else:
        _write(output, lambda stream: write_csv(stream, rosters.MENTOR_COLUMNS, rosters.mentor_rows(base.id, unmasked)))
    click.echo(f"wrote the roster of {base.code} to {output}")


def register(app):
    app.cli.add_command(report)
