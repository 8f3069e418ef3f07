"""Fixtures and builders shared by every test (each area's own are in tests/<area>/conftest.py).

The schema is created once per run; each test runs inside an outer transaction that is rolled
back at its end (services' commits become savepoints), so tests are isolated and fast on both
SQLite and PostgreSQL. Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from registry import cache, create_app
from registry.config import PROJECT_ROOT, normalise_database_url
from registry.extensions import db, limiter

PASSWORD = "correct horse battery"


def _test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url,
                                 "EVIDENCE_DIR": str(tmp_path_factory.mktemp("evidence"))})
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _sqlite_savepoints(engine)
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def _sqlite_savepoints(engine):
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


@pytest.fixture(autouse=True)
def _transaction(app, request):
    """Each test in an outer transaction, rolled back at the end."""
    if request.node.get_closest_marker("browser"):
        # The live server thread must use its own database and real commits.
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        limiter.reset()
        cache.bump()  # figures cached by an earlier test belong to data rolled back since
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as n: ...; n()`."""
    statements = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@pytest.fixture
def query_counter():
    return count_queries


# ---- data builders -------------------------------------------------------------------------
# One builder for people and rosters, shared by every area's tests: plain ORM rows (fast; the audit
# hook still runs), numbered from one sequence so staff and student numbers never collide.

D = dt.date
_seq = itertools.count(1)


def add_people(base, side: str, n: int, starts_on=D(2020, 1, 1), ends_on=None, state="active",
               organisation=None, prefix=None, **fields) -> list:
    """`n` people of one side, each with one appointment at `base`; `fields` set more Mentor columns
    (phone, email, title, ...) on every one of them. `state="suspended"`: suspended from the first day."""
    from registry.mentors.models import Appointment, Mentor, Suspension

    people = []
    for _ in range(n):
        i = next(_seq)
        values = {"title": "", "degree": "", "expertise": "", "email": "", "phone": "", "biography": ""}
        values.update(fields)
        people.append(Mentor(name=f"{prefix or side[:3]}-{i}", side=side,
                             organisation=organisation or ("星海航天动力研究所" if side == "enterprise" else "示范工业大学"),
                             staff_no=f"T{i:06d}", **values))
    db.session.add_all(people)
    db.session.flush()
    appts = [Appointment(base_id=base.id, mentor_id=m.id, starts_on=starts_on, ends_on=ends_on,
                         state="active" if state == "suspended" else state, reason="") for m in people]
    db.session.add_all(appts)
    db.session.flush()
    if state == "suspended":  # suspended from the first day, until resumed
        db.session.add_all([Suspension(appointment_id=a.id, base_id=base.id, starts_on=starts_on, reason="")
                            for a in appts])
        db.session.flush()
    return people


def appoint(base, mentor, starts_on, ends_on=None, state="active"):
    """One more appointment of an existing person at `base`."""
    from registry.mentors.models import Appointment, Suspension

    a = Appointment(base_id=base.id, mentor_id=mentor.id, starts_on=starts_on, ends_on=ends_on,
                    state="active" if state == "suspended" else state, reason="")
    db.session.add(a)
    db.session.flush()
    if state == "suspended":
        db.session.add(Suspension(appointment_id=a.id, base_id=base.id, starts_on=starts_on, reason=""))
        db.session.flush()
    return a


def add_student(base, starts_on=D(2019, 9, 1), ends_on=None, level="master", university_mentor=None,
                enterprise_mentor=None, mentors_since=None):
    """A student of `base` with a dual-mentor assignment from `starts_on`; mentors not given are new
    people of each side, appointed from `mentors_since` (default 2019-01-01)."""
    from registry.mentors.models import MentorAssignment, Student

    i = next(_seq)
    s = Student(base_id=base.id, name=f"学生{i}", student_no=f"S{i:06d}", level=level, enrolment_year=starts_on.year)
    db.session.add(s)
    db.session.flush()
    since = mentors_since or D(2019, 1, 1)
    um = university_mentor or add_people(base, "university", 1, starts_on=since)[0]
    em = enterprise_mentor or add_people(base, "enterprise", 1, starts_on=since)[0]
    db.session.add(MentorAssignment(base_id=base.id, student_id=s.id, university_mentor_id=um.id,
                                    enterprise_mentor_id=em.id, starts_on=starts_on, ends_on=ends_on))
    db.session.flush()
    return s


def add_team(base, enterprise: int, university: int, prefix: str, start=D(2023, 1, 1), phone="13812345678") -> list:
    """A roster of `enterprise` + `university` people named and numbered after `prefix`, with contact details."""
    from registry.mentors.models import Appointment, Mentor

    people = []
    for side, count in (("enterprise", enterprise), ("university", university)):
        for i in range(count):
            person = Mentor(name=f"{prefix}{side[0]}{i}", side=side, organisation=f"{prefix}-{side}",
                            staff_no=f"{prefix}-{side[0]}-{i}", phone=phone, email=f"{prefix}{i}@example.com")
            db.session.add(person)
            people.append(person)
    db.session.flush()
    db.session.add_all(Appointment(base_id=base.id, mentor_id=p.id, starts_on=start) for p in people)
    db.session.flush()
    return people


class World:
    """One small, consistent world: two universities, enterprises, two bases, a user per role; and the
    shared builder of people and rosters (`world.add_people(...)`, the same as the module functions)."""

    add_people = staticmethod(add_people)
    appoint = staticmethod(appoint)
    add_student = staticmethod(add_student)
    add_team = staticmethod(add_team)


@pytest.fixture
def world(app):
    from registry.audit.services import set_actor
    from registry.auth.services import create_user
    from registry.orgs import services as orgs

    set_actor(db.session, None, "fixture")
    w = World()
    w.uni = orgs.create_university("示范工业大学", "ministry", "北京", actor=None)
    w.uni2 = orgs.create_university("示范理工学院", "co_built", "江苏", actor=None)
    w.ent = orgs.create_enterprise("星海航天动力研究所", "aerospace", "2000人", "液体火箭发动机", "项目、实验室、食宿", actor=None)
    w.ent2 = orgs.create_enterprise("远帆船舶集团", "shipbuilding", actor=None)
    w.base = orgs.create_base("SF-AP-01", name="航天动力示范基地", university=w.uni, enterprises=[w.ent],
                              field="aerospace_propulsion", cooperation_since=dt.date(2019, 9, 1), actor=None)
    w.base2 = orgs.create_base("SL-SO-01", name="船舶海洋示范基地", university=w.uni2, enterprises=[w.ent2],
                               field="ships_ocean", cooperation_since=dt.date(2021, 3, 1), actor=None)
    w.admin = create_user("admin", "admin", PASSWORD, actor=None)
    w.reviewer = create_user("reviewer", "reviewer", PASSWORD, actor=None)
    w.unicoord = create_user("unicoord", "university_coordinator", PASSWORD, university=w.uni, actor=None)
    w.coord = create_user("coord", "base_coordinator", PASSWORD, bases=[w.base], actor=None)
    w.coord2 = create_user("coord2", "base_coordinator", PASSWORD, bases=[w.base2], actor=None)
    w.mentor_record = _make_mentor(w.base)
    w.mentor = create_user("mentor", "mentor", PASSWORD, mentor=w.mentor_record, actor=None)
    commit_keeping_objects()
    w.users = {"admin": w.admin, "reviewer": w.reviewer, "university_coordinator": w.unicoord,
               "base_coordinator": w.coord, "mentor": w.mentor}
    return w


def commit_keeping_objects():
    """Commit (a savepoint release: the test's outer transaction still rolls it all back), so a view
    that rolls back its own failed change does not take the fixture's rows with it, as in production.
    Not expired, so reading the objects' attributes afterwards costs no query."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _make_mentor(base):
    from registry.mentors.models import Appointment, Mentor

    m = Mentor(name="李工", side="enterprise", organisation="星海航天动力研究所", staff_no="E001")
    db.session.add(m)
    db.session.flush()
    db.session.add(Appointment(base_id=base.id, mentor_id=m.id, starts_on=dt.date(2020, 1, 1)))
    db.session.flush()
    return m


@pytest.fixture
def demo_data(runner, monkeypatch):
    """The demo data of `flask demo load` (accounts demo-admin ... demo-mentor, password demo-pass-2026)."""
    monkeypatch.setattr("registry.demo.ensure_schema", lambda: None)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login_as(client):
    def _login(user_or_name):
        name = getattr(user_or_name, "username", user_or_name)
        login(client, name)
        return client

    return _login


def error_summary_links(html: str) -> list[str]:
    """The fields the error summary at the top of a sent form links to, sorted (fails without one)."""
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert summary, "no error summary at the top of the form"
    return sorted(re.findall(r'href="#([\w-]+)"', summary.group(0)))


def shown_beside(html: str, field: str) -> list[str]:
    """The messages shown beside a field (its invalid-feedback blocks), read from the page."""
    match = re.search(rf'id="{re.escape(field)}".*?(?=<label|<div class="mb-3|</form>|<tr)', html, re.S)
    return re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>', match.group(0), re.S) if match else []


def text_of(response) -> str:
    """The page's visible text, tags removed: what a user reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_errors(html: str) -> dict[str, str]:
    """{field id: the message shown right below the field}: the errors a user reads beside each field."""
    return dict(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([\w-]+)"[^>]*>\s*'
                           r'<div class="invalid-feedback[^"]*">(.*?)</div>', html, re.S))


# ---- requests as a user, API tokens, separate apps, the real command line ------------------

FLASK = str(Path(sys.executable).with_name("flask"))


def act_as(client, user) -> None:
    """Make `client`'s next requests those of `user` (None: anonymous) without a login POST:
    the access matrix sends hundreds of requests and a login costs a password hash."""
    with client.session_transaction() as sess:
        sess.clear()
        if user is not None:
            sess["_user_id"] = _session_user_id(user)
            sess["_fresh"] = True


def _session_user_id(user) -> str:
    """What login_user would store for this user (its id and current session generation)."""
    if hasattr(user, "get_id"):
        return user.get_id()
    from registry.auth.models import session_id

    # A bare SimpleNamespace(id=...) (the access matrix): no query here, it would open a transaction
    # around the matrix's savepoints. Its user's generation is what it says, else the initial 0.
    return session_id(user.id, getattr(user, "session_generation", 0))


@pytest.fixture
def as_user(client):
    def _as(user):
        act_as(client, user)
        return client

    return _as


@pytest.fixture
def tokens(world):
    """A working API token for each role's world user: {role: clear token}."""
    from registry.auth.services import create_token

    return {role: create_token(user, "test", actor=None)[1] for role, user in world.users.items()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_app(database_url):
    """A separate app instance (own config, own routes) on the suite's database; its teardown is
    automatic. For error pages and the gate's refusal of undeclared views."""
    def _make(**overrides):
        config = {"SQLALCHEMY_DATABASE_URI": database_url}
        config.update(overrides)
        return create_app("testing", config)

    return _make


def flask_cli(args, database_url: str, *, input: str | None = None, env: dict | None = None, timeout: int = 60):
    """Run `.venv/bin/flask --app registry ARGS` as a real process, from the project root."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REGISTRY_"))}
    environment.update({"DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore", "LC_ALL": "C.UTF-8"})
    environment.update(env or {})
    return subprocess.run([FLASK, "--app", "registry", *args], cwd=PROJECT_ROOT, env=environment, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file brought to the newest migration by the real `db upgrade` command."""
    path = tmp_path_factory.mktemp("cli") / "registry.db"
    url = f"sqlite:///{path}"
    result = flask_cli(["db", "upgrade"], url)
    assert result.returncode == 0, result.stderr
    return url


def rows(model) -> int:
    """How many rows `model`'s table holds."""
    from sqlalchemy import func, select

    return db.session.scalar(select(func.count()).select_from(model))


def section_text(response, element_id: str) -> str:
    """The visible text of the element with this id (to its first closing </table>/</form>/</div>)."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="{element_id}"')
    tag = re.match(r"<(\w+)", html[html.rindex("<", 0, start):]).group(1)
    end = html.index(f"</{tag}>", start)
    start = html.index(">", start) + 1
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def assert_failed(result, zh: str, en: str, code: int = 1):
    """A failed command (CLI runner result): non-zero exit, two lines on standard error (Chinese, then
    English), no traceback, nothing on standard output."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert zh in lines[0], lines
    assert en in lines[1], lines
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
