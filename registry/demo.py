"""`flask demo load`: an obviously fictional university, enterprise and base, and demo accounts.

Each area may add its own records in `registry/<area>/demo.py` with `load(ctx)`, listed in
`AREA_LOADERS` below, where `ctx` is the dict built here (the organisations and accounts).
Loading twice changes nothing.
"""
from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from registry.auth.models import User
from registry.auth.services import create_user
from registry.checks import demo as checks_demo
from registry.cli_support import ensure_schema, fail, transaction
from registry.errors import _l
from registry.exchanges import demo as exchanges_demo
from registry.extensions import db
from registry.governance import demo as governance_demo
from registry.mentors import demo as mentors_demo
from registry.mentors.models import Appointment, Mentor
from registry.orgs import services as orgs
from registry.quality import demo as quality_demo
from registry.teaching import demo as teaching_demo

demo = AppGroup("demo", help="Demo data.")

# Each area's demo records, in the order of registry.AREAS (later areas read earlier ones' records).
AREA_LOADERS = (mentors_demo.load, governance_demo.load, exchanges_demo.load, teaching_demo.load, checks_demo.load,
                quality_demo.load)

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = (
    ("demo-admin", "admin"),
    ("demo-reviewer", "reviewer"),
    ("demo-university", "university_coordinator"),
    ("demo-coordinator", "base_coordinator"),
    ("demo-mentor", "mentor"),
)


@demo.command("load")
def load():
    """Load the demo data unless it is there already."""
    if current_app.config.get("PRODUCTION"):  # its accounts' password is published in the README
        fail(_l("Demo data is refused in production: its accounts have a published password."), exit_code=2)
    ensure_schema()
    if db.session.scalar(select(User).where(User.username == "demo-admin")) is not None:
        click.echo("demo data already loaded")
        return
    with transaction("demo"):
        uni = orgs.create_university("示范工业大学", "ministry", "北京", actor=None)
        uni2 = orgs.create_university("示范理工学院", "co_built", "江苏", actor=None)
        ent = orgs.create_enterprise("星海航天动力研究所", "aerospace", "约3000人", "液体火箭发动机、推进剂",
                                     "联合攻关项目、企业课程、试车台实习场地、联合实验室、食宿保障", actor=None)
        ent2 = orgs.create_enterprise("远帆船舶集团", "shipbuilding", "约8000人", "船舶总体设计", "", actor=None)
        base = orgs.create_base("SF-AP-01", name="示范工业大学—星海航天动力校企协同育人示范基地", university=uni,
                                enterprises=[ent], field="aerospace_propulsion", cooperation_since=dt.date(2019, 9, 1),
                                actor=None)
        base2 = orgs.create_base("SL-SO-01", name="示范理工学院—远帆船舶示范基地", university=uni2,
                                 enterprises=[ent2], field="ships_ocean", cooperation_since=dt.date(2022, 3, 1),
                                 actor=None)
        mentor = Mentor(name="陈星海", side="enterprise", organisation=ent.name, staff_no="XH-0001",
                        title="正高级工程师", degree="博士", expertise="液体火箭发动机")
        db.session.add(mentor)
        db.session.flush()
        db.session.add(Appointment(base_id=base.id, mentor_id=mentor.id, starts_on=dt.date(2022, 9, 1)))
        users = {}
        scope = {"base_coordinator": {"bases": [base]}, "university_coordinator": {"university": uni},
                 "mentor": {"mentor": mentor}}
        for username, role in DEMO_ACCOUNTS:
            users[role] = create_user(username, role, DEMO_PASSWORD, display_name=username, **scope.get(role, {}),
                                     actor=None)
        ctx = {"university": uni, "university2": uni2, "enterprise": ent, "enterprise2": ent2,
               "base": base, "base2": base2, "users": users, "mentor": mentor}
        for load_area in AREA_LOADERS:
            load_area(ctx)
    click.echo("demo data loaded; accounts: " + ", ".join(u for u, _ in DEMO_ACCOUNTS) + f" (password {DEMO_PASSWORD})")


def register(app):
    app.cli.add_command(demo)
