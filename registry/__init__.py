"""The registry of university–enterprise joint-education demonstration bases.

`create_app` is the composition root: it imports every area and calls each area's `setup(app)`
in the order of `AREAS`. That set-up is the only place the shared registries are filled (the
navigation, the base-page panels, record kinds and sheets, import kinds, attachable record types,
API endpoints and their OpenAPI paths, notification kinds, the hooks of registry/hooks.py);
importing a module registers nothing. The import graph runs one way, from the later areas down
(README, "Code map"; `python3 scripts/import_graph.py` prints it).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask

# The areas in the order of AREAS (below): a model may name another area's model by string,
# and a few modules build aliased models when imported, so the tables come in that order.
from registry import audit, auth, orgs, mentors, governance, exchanges, teaching  # noqa: I001 (order matters)
from registry import evidence, records, checks, application, quality, imports, reports, api, notify, backup, search
from registry import cache, db_state, demo, i18n, moments, serving, web
from registry.catalogues import ensure_compiled
from registry.config import CONFIGS, PROJECT_ROOT
from registry.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from registry.imports.views import sweep_stale_uploads

# Every area, in the order they are set up (their models, then what each adds to the registries:
# record kinds before the imports that list them, the areas' API endpoints before the api area
# makes its blueprint of them). Adding an area is adding it here.
AREAS = ("audit", "auth", "orgs", "mentors", "governance", "exchanges", "teaching", "evidence", "records", "checks",
         "application", "quality", "imports", "reports", "api", "notify", "backup", "search")
_PACKAGES = {"audit": audit, "auth": auth, "orgs": orgs, "mentors": mentors, "governance": governance,
             "exchanges": exchanges, "teaching": teaching, "evidence": evidence, "records": records, "checks": checks,
             "application": application, "quality": quality, "imports": imports, "reports": reports, "api": api,
             "notify": notify, "backup": backup, "search": search}


def create_app(config: str | dict | None = None, overrides: dict | None = None) -> Flask:
    """`config`: an environment name (development, production, testing) or a dict of overrides."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    name = config if isinstance(config, str) else os.environ.get("REGISTRY_ENV", "development")
    if name not in CONFIGS:
        raise SystemExit(f"REGISTRY_ENV 取值无效：{name}（可用：{', '.join(CONFIGS)}）\n"
                         f"Unknown REGISTRY_ENV {name!r}; use one of: {', '.join(CONFIGS)}")
    app.config.from_object(CONFIGS[name]())
    if isinstance(config, dict):
        app.config.update(config)
    app.config.update(overrides or {})

    serving.configure_logging(app)
    serving.check_production(app)
    _catalogues(app)
    db_state.check_database_url(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    i18n.init_app(app)
    moments.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)

    for area in AREAS:
        _PACKAGES[area].setup(app)
    demo.register(app)
    web.init_app(app)
    if app.config.get("CHECK_DATABASE_ON_START"):
        db_state.check_connection(app)
    # Every command (and every worker) starts here: uploads left unconfirmed for an hour go.
    sweep_stale_uploads(app)
    serving.wrap_wsgi(app)
    return app


def _catalogues(app: Flask) -> None:
    """Chinese however the app is started: compile stale catalogues now (see registry/catalogues.py)."""
    source = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    cache = Path(app.instance_path) / "catalogues"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        cache = Path(tempfile.gettempdir()) / f"registry-catalogues-{os.getuid()}"
    try:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ensure_compiled(source, cache))
    except OSError as exc:  # nowhere to write: serve what there is, and say why it may be English
        app.logger.error("cannot compile the message catalogues: %s", exc)
