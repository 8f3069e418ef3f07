"""`flask base create` and `flask field add` of spec/interfaces.md (and `flask field list`)."""
import click
from flask.cli import AppGroup

from sqlalchemy import select

from registry.cli_support import ensure_schema, fail, parse_date, transaction
from registry.errors import _l
from registry.extensions import db
from registry.orgs.models import UNIVERSITY_KINDS, Base, KeyField
from registry.orgs.services import add_key_field, create_base_with_parties

base = AppGroup("base", help="Demonstration bases.")


def base_or_fail(code: str) -> Base:
    """The base with this code, or a bilingual "Unknown base" and exit 1 (every command's --base)."""
    base = db.session.scalar(select(Base).where(Base.code == code.strip()))
    if base is None:
        fail(_l("Unknown base \"%(base)s\"."), base=code)
    return base


@base.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--university", required=True)
@click.option("--university-kind", required=True, type=click.Choice(list(UNIVERSITY_KINDS)))
@click.option("--enterprise", "enterprises", multiple=True, required=True)
@click.option("--field", required=True, help="A key field's code (the ten seeded, or one added with `field add`).")
@click.option("--cooperation-since", required=True)
def create(code, name, university, university_kind, enterprises, field, cooperation_since):
    """Create a base, and its university and enterprises when they do not exist yet."""
    since = parse_date(cooperation_since, "--cooperation-since")
    ensure_schema()
    with transaction():
        created = create_base_with_parties(code, name=name, university_name=university,
                                           university_kind=university_kind, enterprise_names=list(enterprises),
                                           field=field, cooperation_since=since, actor=None)
    click.echo(f"created base {created.code}")


field = AppGroup("field", help="Key fields: the ten seeded, and those the ministry adds.")


@field.command("add")
@click.argument("code")
@click.option("--name-zh", "name_zh", required=True, help="The name in Chinese.")
@click.option("--name-en", "name_en", required=True, help="The name in English.")
def field_add(code, name_zh, name_en):
    """Add a key field; `base create --field CODE` accepts it from then on."""
    ensure_schema()
    with transaction():
        kf = add_key_field(code, name_zh=name_zh, name_en=name_en, actor=None)
        line = f"added key field {kf.code}: {kf.name_zh} / {kf.name_en}"
    click.echo(line)


@field.command("list")
def field_list():
    """Every key field: code, Chinese name, English name (tab-separated)."""
    ensure_schema()
    for kf in db.session.scalars(select(KeyField).order_by(KeyField.position, KeyField.id)):
        click.echo(f"{kf.code}\t{kf.name_zh}\t{kf.name_en}")


def register(app):
    app.cli.add_command(base)
    app.cli.add_command(field)
