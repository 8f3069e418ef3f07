"""Two `notify send` at once on PostgreSQL (two machines, one database): no event is stored or e-mailed twice.

Runs only with TEST_DATABASE_URL on PostgreSQL. The two runs are real processes on their own database
(`<test database>_race`, made from scratch with `flask db upgrade`), committing for real, e-mailing
through the loopback SMTP server. Each run waits for the other before storing and before claiming, so
both go through the racing steps at the same moment.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests.notify.conftest import BASE_URL

ROOT = Path(__file__).resolve().parents[2]
USERS = 24


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


pytestmark = pytest.mark.skipif(_postgres_url() is None, reason="needs TEST_DATABASE_URL on PostgreSQL")

SEED = textwrap.dedent(f"""
    import datetime as dt
    from registry import create_app
    from registry.extensions import db
    from registry.audit.services import set_actor
    from registry.auth.services import create_user
    from registry.checks.models import StatusChange
    from registry.orgs import services as orgs

    app = create_app()
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    with app.app_context():
        set_actor(db.session, None, "race-seed")
        uni = orgs.create_university("并发大学", "ministry", "北京", actor=None)
        ent = orgs.create_enterprise("并发研究所", "aerospace", actor=None)
        for i in range({USERS}):
            base = orgs.create_base(f"RC-{{i:03d}}", name=f"并发基地{{i}}", university=uni, enterprises=[ent],
                                    field="aerospace_propulsion", cooperation_since=dt.date(2018, 1, 1), actor=None)
            db.session.add(StatusChange(base_id=base.id, from_status="preparing", to_status="rectification",
                                        effective_on=dt.date(2024, 6, 1), reason="race", deadline=dt.date(2024, 9, 20)))
            base.status = "rectification"
            create_user(f"race-{{i:03d}}", "base_coordinator", "race-password", bases=[base],
                        email=f"race-{{i:03d}}@example.edu", actor=None)
        db.session.commit()
""")


# One `notify send`, made to wait for the other run at the two places where runs race: storing the
# notifications, and claiming the e-mails. Both then go through that step at the same moment.
RUN = textwrap.dedent("""
    import os, pathlib, sys, time
    from registry.notify import services

    gate, me = pathlib.Path(os.environ["RACE_DIR"]), os.environ["RACE_ME"]

    def wait_for_the_other(step):
        (gate / f"{step}-{me}").touch()
        deadline = time.time() + 120
        while len(list(gate.glob(f"{step}-*"))) < 2 and time.time() < deadline:
            time.sleep(0.005)

    def at_the_same_time(name):
        original = getattr(services, name)
        def step(*args, **kwargs):
            wait_for_the_other(name)
            return original(*args, **kwargs)
        setattr(services, name, step)

    at_the_same_time("record")
    at_the_same_time("claim_pending")
    from flask.cli import main
    sys.argv = ["flask", "--app", "registry", "notify", "send", "--as-of", "2024-09-01"]
    main()
""")


@pytest.fixture
def race_database():
    """A fresh database beside the test database, dropped afterwards."""
    import psycopg

    from registry.config import normalise_database_url

    plain = _postgres_url().replace("postgresql+psycopg://", "postgresql://")
    name = plain.rsplit("/", 1)[1].split("?")[0] + "_race"

    def run(sql):
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield normalise_database_url(plain.rsplit("/", 1)[0] + "/" + name)
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}"')


def _env(database_url: str, smtp_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "TEST_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="race", REGISTRY_ENV="development", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(smtp_port), MAIL_DEFAULT_SENDER="registry@example.edu", REGISTRY_BASE_URL=BASE_URL,
               PYTHONPATH=str(ROOT))
    return env


def _run(env, *args):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "registry", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_two_concurrent_runs_send_each_event_once(smtp_server, race_database, tmp_path):
    env = _env(race_database, smtp_server.port)
    _run(env, "db", "upgrade")
    seed = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert seed.returncode == 0, seed.stderr

    runs = [subprocess.Popen([sys.executable, "-c", RUN], cwd=ROOT, env={**env, "RACE_DIR": str(tmp_path),
                                                                          "RACE_ME": str(i)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for i in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    # Both runs reached both steps (each waited for the other there).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claim_pending-0", "claim_pending-1", "record-0", "record-1"]
    counts = [tuple(map(int, re.search(r"notified: (\d+) users, (\d+) messages, (\d+) emails", out).groups()))
              for out, _err in outputs]
    # Stored once: the two runs' messages add up to one per coordinator.
    assert sum(c[1] for c in counts) == USERS
    # E-mailed once: one digest per coordinator in all, each rectification link in exactly one message.
    assert sum(c[2] for c in counts) == USERS == len(smtp_server.received)
    recipients = Counter(a for r in smtp_server.received for a in r.rcpt_tos)
    assert recipients == Counter({f"race-{i:03d}@example.edu": 1 for i in range(USERS)})
    links = Counter(link for r in smtp_server.received
                    for link in re.findall(r"https://\S+/lifecycle", r.part("plain")))
    assert len(links) == USERS and set(links.values()) == {1}

    # And a third run, later: nothing new, nothing sent.
    third = _run(env, "notify", "send", "--as-of", "2024-09-01")
    assert "notified: 0 users, 0 messages, 0 emails" in third.stdout
    assert len(smtp_server.received) == USERS
