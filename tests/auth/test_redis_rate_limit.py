"""Failed-login limits shared through Redis, as in production with several workers.

Runs when TEST_REDIS_URL names a Redis server (.ci/run sets it to the local one). The app runs in a
child process so that its limiter storage does not replace the suite's in-memory one.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from registry.config import PROJECT_ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL")

SCRIPT = r"""
import json, sys
from registry import create_app
from registry.extensions import db
from registry.auth.services import create_user

db_url, redis_url, prefix = sys.argv[1:4]
statuses = []
for worker in range(2):  # two app instances, like two workers behind one proxy
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url, "RATELIMIT_STORAGE_URI": redis_url,
                                 "RATELIMIT_KEY_PREFIX": prefix})
    with app.app_context():
        if worker == 0:
            db.create_all()
            create_user("alice", "admin", "correct horse battery", actor=None)
            db.session.commit()
        client = app.test_client()
        for _ in range(3):
            statuses.append(client.post("/auth/login", data={"username": "alice", "password": "wrong"}).status_code)
print(json.dumps(statuses))
"""


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_failed_logins_are_counted_across_workers_in_redis(tmp_path):
    import redis

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    result = subprocess.run([sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'r.db'}", REDIS_URL, prefix],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    # Five failures are allowed per minute in all; the second worker sees the first one's.
    assert statuses == [200, 200, 200, 200, 200, 429]
    client = redis.Redis.from_url(REDIS_URL)
    keys = client.keys(f"*{prefix}*")
    assert keys, "the limiter kept its counters in Redis"
    client.delete(*keys)
