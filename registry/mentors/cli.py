"""`flask roster suspend` and `flask roster resume` of spec/interfaces.md ("Suspensions with dates").

    flask --app registry roster suspend --base CODE --organisation NAME --staff-no NO
          --from YYYY-MM-DD [--until YYYY-MM-DD] [--reason TEXT]
    flask --app registry roster resume --base CODE --organisation NAME --staff-no NO --on YYYY-MM-DD

Both run the mentors area's services (the web's rules); a refusal prints the rule's message in
Chinese and English and exits 1 with nothing written.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from registry.cli_support import ensure_schema, fail, parse_date, transaction
from registry.errors import _l
from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import Appointment
from registry.mentors.queries import find_mentor
from registry.orgs.cli import base_or_fail

roster = AppGroup("roster", help="Mentor rosters: spreadsheet import.")


def _person_at_base(code: str, organisation: str, staff_no: str):
    if current_app.config.get("CHECK_DATABASE_ON_START", True):
        ensure_schema()
    base = base_or_fail(code)
    mentor = find_mentor(organisation.strip(), staff_no.strip())
    appointments = [] if mentor is None else list(db.session.scalars(
        select(Appointment).where(Appointment.base_id == base.id, Appointment.mentor_id == mentor.id)
        .order_by(Appointment.starts_on)))
    if not appointments:
        fail(_l("No mentor with staff number %(staff_no)s at %(organisation)s has an appointment at %(base)s."),
             staff_no=staff_no, organisation=organisation, base=base.code)
    return base, mentor, appointments


@roster.command("suspend")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--organisation", required=True, help="The mentor's organisation (employer).")
@click.option("--staff-no", "staff_no", required=True, help="The mentor's staff number there.")
@click.option("--from", "from_", required=True, help="First day not counted, YYYY-MM-DD.")
@click.option("--until", default=None, help="Last day not counted, YYYY-MM-DD (default: until resumed).")
@click.option("--reason", default="", help="Why.")
def suspend(code, organisation, staff_no, from_, until, reason):
    """Suspend the person's appointment to the base that is active on --from, for a period."""
    start = parse_date(from_, "--from")
    end = parse_date(until, "--until") if until is not None else None
    with transaction():
        base, mentor, appointments = _person_at_base(code, organisation, staff_no)
        appt = next((a for a in appointments if a.starts_on <= start and (a.ends_on is None or a.ends_on >= start)),
                    None)
        if appt is None:
            fail(_l("%(name)s has no appointment at %(base)s on %(date)s."), name=mentor.name, base=base.code,
                 date=start.isoformat())
        period = services.suspend_appointment(appt, starts_on=start, ends_on=end, reason=reason, actor=None)
        summary = (f"{mentor.name} ({mentor.organisation} {mentor.staff_no}) @ {base.code}: "
                   f"{period.starts_on.isoformat()} – {period.ends_on.isoformat() if period.ends_on else '…'}")
    click.echo(summary)


@roster.command("resume")
@click.option("--base", "code", required=True, help="The base's code.")
@click.option("--organisation", required=True, help="The mentor's organisation (employer).")
@click.option("--staff-no", "staff_no", required=True, help="The mentor's staff number there.")
@click.option("--on", "on", required=True, help="First day counted again, YYYY-MM-DD.")
def resume(code, organisation, staff_no, on):
    """End the open suspension of the person's appointment to the base, so --on is counted again."""
    day = parse_date(on, "--on")
    with transaction():
        base, mentor, appointments = _person_at_base(code, organisation, staff_no)
        appt = next((a for a in appointments if a.open_suspension is not None), None)
        if appt is None:
            fail(_l("%(name)s has no open suspension at %(base)s to resume."), name=mentor.name, base=base.code)
        period = services.resume_appointment(appt, on=day, actor=None)
        summary = (f"{mentor.name} ({mentor.organisation} {mentor.staff_no}) @ {base.code}: "
                   f"{period.starts_on.isoformat()} – {period.ends_on.isoformat()}")
    click.echo(summary)


def register(app):
    """The `roster` group; the imports area adds its `roster import` commands to it."""
    app.cli.add_command(roster)
