"""Fixtures shared by every test.

The schema is created once per run; each test runs inside an outer transaction that is rolled
back at its end (services' commits become savepoints), so tests are isolated and fast on both
SQLite and PostgreSQL. Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re

import pytest
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from registry import cache, create_app
from registry.config import normalise_database_url
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

class World:
    """One small, consistent world: two universities, enterprises, two bases, a user per role."""


@pytest.fixture
def world(app):
    from registry.audit.services import set_actor
    from registry.auth.services import create_user
    from registry.orgs import services as orgs

    set_actor(db.session, None, "fixture")
    w = World()
    w.uni = orgs.create_university("示范工业大学", "ministry", "北京")
    w.uni2 = orgs.create_university("示范理工学院", "co_built", "江苏")
    w.ent = orgs.create_enterprise("星海航天动力研究所", "aerospace", "2000人", "液体火箭发动机", "项目、实验室、食宿")
    w.ent2 = orgs.create_enterprise("远帆船舶集团", "shipbuilding")
    w.base = orgs.create_base("SF-AP-01", name="航天动力示范基地", university=w.uni, enterprises=[w.ent],
                              field="aerospace_propulsion", cooperation_since=dt.date(2019, 9, 1))
    w.base2 = orgs.create_base("SL-SO-01", name="船舶海洋示范基地", university=w.uni2, enterprises=[w.ent2],
                               field="ships_ocean", cooperation_since=dt.date(2021, 3, 1))
    w.admin = create_user("admin", "admin", PASSWORD)
    w.reviewer = create_user("reviewer", "reviewer", PASSWORD)
    w.unicoord = create_user("unicoord", "university_coordinator", PASSWORD, university=w.uni)
    w.coord = create_user("coord", "base_coordinator", PASSWORD, bases=[w.base])
    w.coord2 = create_user("coord2", "base_coordinator", PASSWORD, bases=[w.base2])
    w.mentor_record = _make_mentor(w.base)
    w.mentor = create_user("mentor", "mentor", PASSWORD, mentor=w.mentor_record)
    # Committed (a savepoint release: the test's outer transaction still rolls it all back), so a
    # view that rolls back its own failed change does not take the world with it. Not expired, so
    # reading the world's attributes costs no query.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    w.users = {"admin": w.admin, "reviewer": w.reviewer, "university_coordinator": w.unicoord,
               "base_coordinator": w.coord, "mentor": w.mentor}
    return w


def _make_mentor(base):
    from registry.mentors.models import Appointment, Mentor

    m = Mentor(name="李工", side="enterprise", organisation="星海航天动力研究所", staff_no="E001")
    db.session.add(m)
    db.session.flush()
    db.session.add(Appointment(base_id=base.id, mentor_id=m.id, starts_on=dt.date(2020, 1, 1)))
    db.session.flush()
    return m


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


def text_of(response) -> str:
    """The page's visible text, tags removed: what a user reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
