"""`flask base create` of spec/interfaces.md."""
import click
from flask.cli import AppGroup

from registry.cli_support import ensure_schema, parse_date, transaction
from registry.orgs.models import FIELDS, UNIVERSITY_KINDS

base = AppGroup("base", help="Demonstration bases.")


@base.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--university", required=True)
@click.option("--university-kind", required=True, type=click.Choice(list(UNIVERSITY_KINDS)))
@click.option("--enterprise", "enterprises", multiple=True, required=True)
@click.option("--field", required=True, type=click.Choice(list(FIELDS)))
@click.option("--cooperation-since", required=True)
def create(code, name, university, university_kind, enterprises, field, cooperation_since):
    """Create a base, and its university and enterprises when they do not exist yet."""
    from registry.orgs.services import create_base_with_parties

    since = parse_date(cooperation_since, "--cooperation-since")
    ensure_schema()
    with transaction():
        created = create_base_with_parties(code, name=name, university_name=university,
                                           university_kind=university_kind, enterprise_names=list(enterprises),
                                           field=field, cooperation_since=since)
    click.echo(f"created base {created.code}")


def register(app):
    app.cli.add_command(base)
