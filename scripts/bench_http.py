"""The pages people open most, served by gunicorn, against the login page of the same app.

Called by scripts/bench.py on its data set (the database it built, committed). Starts gunicorn
(2 workers, the app as production runs it: `registry:create_app()`) on a free loopback port,
logs in an administrator and a base coordinator, and drives each URL with 8 concurrent
keep-alive clients for a fixed time, interleaving the login page (the floor) with the page
measured so that a change in load touches both alike. Reports requests per second and the ratio
to the login page (target ≥ 0.25×), the median latency, and the size of each response.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
WORKERS = 2
TARGET = 0.25
PASSWORD = "bench-password-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP/1.1 connection with its own cookies."""

    def __init__(self, port: int, cookies: str = "", headers: dict | None = None):
        self.port, self.cookies, self.headers = port, cookies, dict(headers or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookies
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name_value = value.split(";", 1)[0]
            name = name_value.split("=", 1)[0]
            kept = [c for c in self.cookies.split("; ") if c and not c.startswith(name + "=")]
            self.cookies = "; ".join(kept + [name_value])
        return response.status, data


def login(port: int, username: str) -> str:
    client = Client(port)
    status, page = client.request("GET", "/auth/login")
    if status != 200:
        raise RuntimeError(f"the login page answered {status}: {page[:2000]!r}")
    token = re.search(rb'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"username": username, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1).decode()
    status, answer = client.request("POST", "/auth/login", urlencode(form),
                               {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"login of {username} answered {status}: {bool(token)} {answer[:3000]!r}")
    return client.cookies


def drive(port: int, path: str, seconds: float, cookies: str = "", headers: dict | None = None) -> dict:
    """CLIENTS connections requesting `path` as fast as the server answers, for `seconds`."""
    latencies: list[float] = []
    sizes: list[int] = []
    failures: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        client = Client(port, cookies, headers)
        mine, my_sizes, my_failures = [], [], []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            status, data = client.request("GET", path)
            mine.append(time.perf_counter() - start)
            my_sizes.append(len(data))
            if status != 200:
                my_failures.append(status)
        with lock:
            latencies.extend(mine)
            sizes.extend(my_sizes)
            failures.extend(my_failures)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
            "bytes": int(statistics.median(sizes)) if sizes else 0, "failures": sorted(set(failures))}


def prepare_users(base_id: int) -> str:
    """An administrator, a coordinator of `base_id`, and the administrator's API token (committed)."""
    from registry.audit.services import set_actor
    from registry.auth.models import ApiToken, User
    from registry.auth.services import create_token, create_user
    from registry.extensions import db
    from registry.orgs.models import Base

    set_actor(db.session, None, "bench")
    admin = create_user("http-admin", "admin", PASSWORD, actor=None)
    create_user("http-coord", "base_coordinator", PASSWORD, bases=[db.session.get(Base, base_id)], actor=None)
    _, secret = create_token(admin, actor=None)
    db.session.commit()
    return secret


def remove_users() -> None:
    from sqlalchemy import delete, select

    from registry.auth.models import ApiToken, User
    from registry.extensions import db

    ids = list(db.session.scalars(select(User.id).where(User.username.in_(["http-admin", "http-coord"]))))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids)))
    for user in db.session.scalars(select(User).where(User.id.in_(ids))):
        user.bases = []
        db.session.delete(user)
    db.session.commit()


def start_gunicorn(database_url: str, port: int, redis_url: str | None, log_path: Path) -> subprocess.Popen:
    """gunicorn with its standard error (the app's JSON request log) in `log_path`.

    Never a pipe that nobody reads: the app logs one line per request, and once the pipe's 64 KB
    buffer is full every worker blocks in write() and the benchmark hangs."""
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="bench-" + "k" * 40, REGISTRY_ENV="development",
               FLASK_DEBUG="0", RATELIMIT_STORAGE_URI=redis_url or "memory://", LOG_FORMAT="json")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "--timeout", "300", "registry:create_app()"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_path.open("wb"))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn did not start:\n" + log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start in 60 s")


def server_times(log_path: Path, path: str) -> dict:
    """The server's own durations of `path` from the app's request log (the slow ones stand out there)."""
    durations = []
    for line in log_path.read_text(errors="replace").splitlines():
        if '"event": "request"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("path") == path and record.get("duration_ms") is not None:
            durations.append(record["duration_ms"])
    if not durations:
        return {"max_ms": None, "p50_ms": None}
    return {"max_ms": round(max(durations), 1), "p50_ms": round(statistics.median(durations), 1)}


def run(ctx: dict) -> dict:
    """{name: entry} for each page: requests/s against the login page's, interleaved."""
    from registry.extensions import db

    seconds = ctx.get("http_seconds", 3.0)
    code, base_id = ctx["base_codes"][0], ctx["base_ids"][0]
    as_of = ctx["as_of"].isoformat()
    token = prepare_users(base_id)
    db.session.remove()
    # The data set was made with create_all: mark it as at the newest migration, as production is.
    from flask_migrate import stamp

    stamp()
    port = _free_port()
    redis_url = ctx.get("redis_url")
    log_path = Path(ctx.get("workdir") or tempfile.gettempdir()) / f"gunicorn-{port}.log"
    server = start_gunicorn(ctx["database_url"], port, redis_url, log_path)
    results = {}
    try:
        admin, coordinator = login(port, "http-admin"), login(port, "http-coord")
        api = {"Authorization": f"Bearer {token}"}
        pages = {
            "http_ratio_page": ("/ratio", admin, None),
            "http_dashboard": ("/dashboard", admin, None),
            "http_base_page": (f"/bases/{code}", coordinator, None),
            "http_roster_page": (f"/bases/{code}/mentors", coordinator, None),
            "http_api_ratio": (f"/api/v1/ratio?as_of={dt.date.today().isoformat()}", "", api),
            "http_api_eligibility": (f"/api/v1/bases/{code}/eligibility", "", api),
            "http_api_eligibility_all": ("/api/v1/eligibility", "", api),
            "http_statistics": ("/reports/statistics", admin, None),
        }
        for path, cookies, headers in pages.values():  # warm: caches, plans, imports in both workers
            for _ in range(WORKERS * 2):
                Client(port, cookies, headers).request("GET", path)
        for name, (path, cookies, headers) in pages.items():
            floor, ours = [], []
            for i in range(2):  # interleaved: floor, page, page, floor
                order = [("floor", "/auth/login", "", None), ("ours", path, cookies, headers)]
                for which, p, c, h in (order if i % 2 == 0 else order[::-1]):
                    measured = drive(port, p, seconds / 2, c, h)
                    (floor if which == "floor" else ours).append(measured)
            floor_rps = sum(m["rps"] for m in floor) / len(floor)
            ours_rps = sum(m["rps"] for m in ours) / len(ours)
            failures = sorted({f for m in ours for f in m["failures"]})
            ratio = ours_rps / floor_rps if floor_rps else 0.0
            results[name] = {
                "path": path, "ours_rps": round(ours_rps, 1), "login_rps": round(floor_rps, 1),
                "ratio": round(ratio, 3), "target": TARGET, "p50_ms": round(ours[-1]["p50_ms"] or 0, 1),
                "bytes": ours[-1]["bytes"], "failures": failures,
                "passed": ratio >= TARGET and not failures, "higher_is_better": True,
            }
            slow = server_times(log_path, path.split("?")[0])
            results[name].update(server_max_ms=slow["max_ms"], server_p50_ms=slow["p50_ms"])
            print(f"{name}: {ours_rps:.1f}/s vs login {floor_rps:.1f}/s = {ratio:.2f}× "
                  f"(server p50 {slow['p50_ms']} ms, slowest {slow['max_ms']} ms)", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        remove_users()
    return results
