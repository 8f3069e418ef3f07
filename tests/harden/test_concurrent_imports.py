"""Issue 12, point 3: concurrent imports into one base are serialized on PostgreSQL (an advisory
lock per base); the one that waits says so, the one that gives up says so, and psycopg's
UniqueViolation from COPY never becomes a 500."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from registry.audit.services import set_actor
from registry.extensions import db
from tests.conftest import text_of
from tests.harden.conftest import act_as, on_postgresql
from tests.imports.conftest import roster_row, write_csv

on_pg = pytest.mark.skipif(not on_postgresql(), reason="PostgreSQL only: SQLite serializes writers itself")


@pytest.fixture
def real_sessions(app):
    """db.session as in production: one session (and connection) per thread, real commits. The rows
    committed are removed afterwards."""
    saved = db.session
    db.session = scoped_session(sessionmaker(bind=db.engine))
    try:
        yield
    finally:
        db.session.remove()
        db.session = saved
        from registry.backup.services import SEEDED_TABLES

        # Every table but those the schema itself fills (the key fields): the rest of the suite needs them.
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables if t.name not in SEEDED_TABLES)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _base():
    from registry.orgs import services as orgs

    set_actor(db.session, None, "test")
    uni = orgs.create_university("并发大学", "ministry", "北京", actor=None)
    ent = orgs.create_enterprise("并发研究所", "aerospace", actor=None)
    base = orgs.create_base("BF-01", name="并发基地", university=uni, enterprises=[ent], field="aerospace_propulsion",
                            cooperation_since=dt.date(2019, 9, 1), actor=None)
    db.session.commit()
    return base.id


def _roster(tmp_path, n=300, name="roster.csv"):
    rows = [roster_row(name=f"导师{i}", organisation="并发研究所", staff_no=f"BF-{i:05d}") for i in range(n)]
    return write_csv(tmp_path / name, rows)


def _import_in_thread(app, base_id, path, out, key):
    from registry.imports.engine import run_import
    from registry.imports.roster import RosterImporter
    from registry.orgs.models import Base

    with app.app_context():
        try:
            set_actor(db.session, None, key)
            result = run_import(RosterImporter(db.session.get(Base, base_id)), path, path.name)
            db.session.commit()
            out[key] = result
        except Exception as exc:  # noqa: BLE001 - the test reports it
            db.session.rollback()
            out[key] = exc
        finally:
            db.session.remove()


def _hold_lock(app, base_id, held, release):
    from registry.imports.engine import IMPORT_LOCK_SPACE

    with app.app_context(), db.engine.connect() as conn:
        with conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:s, :b)"), {"s": IMPORT_LOCK_SPACE, "b": base_id})
            held.set()
            release.wait(30)


def _waiting_advisory_locks() -> int:
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))


@on_pg
def test_an_import_waits_for_the_running_one_and_says_so(app, real_sessions, tmp_path):
    from registry.mentors.models import Mentor

    base_id = _base()
    held, release, out = threading.Event(), threading.Event(), {}
    holder = threading.Thread(target=_hold_lock, args=(app, base_id, held, release))
    holder.start()
    assert held.wait(10)
    importer = threading.Thread(target=_import_in_thread, args=(app, base_id, _roster(tmp_path, 20), out, "second"))
    importer.start()
    deadline = time.monotonic() + 10
    while _waiting_advisory_locks() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _waiting_advisory_locks() == 1 and "second" not in out  # it waits, writing nothing yet
    release.set()
    holder.join(10)
    importer.join(30)
    result = out["second"]
    assert not isinstance(result, Exception), result
    assert result.ok and result.written and result.waited
    assert result.counts["mentors_created"] == 20
    assert db.session.scalar(select(func.count()).select_from(Mentor)) == 20


@on_pg
def test_an_import_that_waits_too_long_gives_up_in_words_and_writes_nothing(app, real_sessions, tmp_path):
    from registry.imports.engine import run_import
    from registry.imports.roster import RosterImporter
    from registry.mentors.models import Mentor
    from registry.orgs.models import Base

    base_id = _base()
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(app, base_id, held, release))
    holder.start()
    assert held.wait(10)
    app.config["IMPORT_LOCK_TIMEOUT"] = 1
    try:
        path = _roster(tmp_path, 5)
        result = run_import(RosterImporter(db.session.get(Base, base_id)), path, path.name)
    finally:
        app.config.pop("IMPORT_LOCK_TIMEOUT")
        release.set()
        holder.join(10)
    assert not result.ok and not result.written
    assert "Another import into this base has been running for more than 1 seconds" in result.errors[0].en
    assert "导入" in result.errors[0].zh
    db.session.commit()  # the session is still usable: only the lock's savepoint was rolled back
    assert db.session.scalar(select(func.count()).select_from(Mentor)) == 0


@on_pg
def test_two_imports_of_the_same_file_at_once_both_succeed_without_duplicates(app, real_sessions, tmp_path):
    from registry.mentors.models import Appointment, Mentor

    base_id = _base()
    path = _roster(tmp_path, 800)
    out = {}
    threads = [threading.Thread(target=_import_in_thread, args=(app, base_id, path, out, key)) for key in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(isinstance(r, Exception) for r in out.values()), out
    assert all(r.ok and r.written for r in out.values())
    # One created the 800 mentors, the other (after waiting, or after the first finished) found them.
    assert sorted(r.counts["mentors_created"] for r in out.values()) == [0, 800]
    assert db.session.scalar(select(func.count()).select_from(Mentor)) == 800
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 800


def test_a_unique_violation_from_copy_is_not_a_500(client, world, tmp_path, monkeypatch):
    """psycopg raises its own UniqueViolation from COPY (not SQLAlchemy's IntegrityError)."""
    import psycopg.errors

    from registry.imports.roster import RosterImporter

    act_as(client, world.coord)
    path = write_csv(tmp_path / "r.csv", [roster_row(staff_no="UV-1")])
    with path.open("rb") as handle:
        assert client.post(f"/bases/{world.base.code}/import/roster",
                           data={"file": (handle, "r.csv")}).status_code == 302

    def collide(self, plan):
        raise psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")

    monkeypatch.setattr(RosterImporter, "write", collide)
    response = client.post(f"/bases/{world.base.code}/import/roster/confirm", follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "未导入任何数据" in page, page[:2000]


def test_the_web_import_that_waited_says_so(client, world, tmp_path, monkeypatch):
    from registry.imports import engine

    monkeypatch.setattr(engine, "lock_base_for_import", lambda base_id: True)  # as if another ran first
    act_as(client, world.coord)
    path = write_csv(tmp_path / "r.csv", [roster_row(staff_no="W-1")])
    with path.open("rb") as handle:
        client.post(f"/bases/{world.base.code}/import/roster", data={"file": (handle, "r.csv")})
    page = text_of(client.post(f"/bases/{world.base.code}/import/roster/confirm", follow_redirects=True))
    assert "该基地的另一项导入正在进行：本次导入已等待其完成" in page


def test_the_command_that_waited_says_so_on_standard_error(app, world, tmp_path, monkeypatch):
    from registry.imports import engine

    monkeypatch.setattr(engine, "lock_base_for_import", lambda base_id: True)
    path = write_csv(tmp_path / "r.csv", [roster_row(staff_no="W-2")])
    result = app.test_cli_runner().invoke(
        args=["roster", "import", str(path), "--base", world.base.code])
    assert result.exit_code == 0, result.stderr
    assert "本次导入已等待其完成" in result.stderr and "this one waited for it to finish" in result.stderr
    assert result.stdout.startswith("imported: 1 rows")


def test_a_unique_violation_in_a_command_is_two_plain_lines_not_a_traceback(app, world, tmp_path, monkeypatch):
    import psycopg.errors

    from registry.imports.roster import RosterImporter

    def collide(self, plan):
        raise psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")

    monkeypatch.setattr(RosterImporter, "write", collide)
    path = write_csv(tmp_path / "r.csv", [roster_row(staff_no="UV-2")])
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--base", world.base.code])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["另一项对相同记录的修改同时保存，本次未写入任何内容。请重新运行该命令。",
                                          "Another change to the same records was saved at the same moment; "
                                          "nothing was written. Run the command again."]
