"""One app machine for the multi-machine tests: `python -m tests.evidence.app_process`.

Reads its configuration as JSON from REGISTRY_TEST_CONFIG, optionally creates the schema and a
small world (REGISTRY_TEST_SEED=1), serves on a free loopback port and prints that port.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys

from werkzeug.serving import make_server

from registry import create_app
from registry.extensions import db

PASSWORD = "correct horse battery"


def seed() -> None:
    from registry.audit.services import set_actor
    from registry.auth.services import create_user
    from registry.exchanges import services as exchanges
    from registry.orgs import services as orgs

    db.create_all()
    set_actor(db.session, None, "test")
    uni = orgs.create_university("示范工业大学", "ministry", "北京", actor=None)
    ent = orgs.create_enterprise("星海航天动力研究所", "aerospace", actor=None)
    base = orgs.create_base("SF-AP-01", name="航天动力示范基地", university=uni, enterprises=[ent],
                            field="aerospace_propulsion", cooperation_since=dt.date(2019, 9, 1), actor=None)
    create_user("coord", "base_coordinator", PASSWORD, bases=[base], actor=None)
    exchanges.create_exchange(base, {"kind": "secondment", "direction": "university_to_enterprise",
                                     "person_name": "王青", "person_organisation": "示范工业大学",
                                     "host_organisation": "星海", "starts_on": dt.date(2023, 3, 1)}, actor=None)
    db.session.commit()


def main() -> None:
    app = create_app("development", json.loads(os.environ["REGISTRY_TEST_CONFIG"]))
    if os.environ.get("REGISTRY_TEST_SEED") == "1":
        with app.app_context():
            seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
