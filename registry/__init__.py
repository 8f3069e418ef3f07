"""The registry of university–enterprise joint-education demonstration bases."""
from __future__ import annotations

import importlib
import os

from flask import Flask

from registry.config import CONFIGS, PROJECT_ROOT

# Every area, in the order their models depend on each other. Each may have models, views (bp)
# and cli (register(app)) modules; adding an area is adding it here.
AREAS = ("audit", "auth", "orgs", "mentors", "governance", "exchanges", "teaching", "evidence", "records", "checks",
         "application", "quality", "imports", "reports", "api", "notify", "backup")


def import_models() -> None:
    for area in AREAS:
        try:
            importlib.import_module(f"registry.{area}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"registry.{area}.models":
                raise


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

    from registry import cache, db_state, i18n, moments, serving, web

    serving.configure_logging(app)
    serving.check_production(app)
    _catalogues(app)
    from registry.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    db_state.check_database_url(app)
    import_models()
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
        for module_name in ("views", "cli"):
            try:
                module = importlib.import_module(f"registry.{area}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"registry.{area}.{module_name}":
                    raise
                continue
            if module_name == "views" and hasattr(module, "bp"):
                app.register_blueprint(module.bp)
            if module_name == "cli" and hasattr(module, "register"):
                module.register(app)

    from registry import demo

    demo.register(app)
    web.init_app(app)
    if app.config.get("CHECK_DATABASE_ON_START"):
        db_state.check_connection(app)
    # Every command (and every worker) starts here: uploads left unconfirmed for an hour go.
    from registry.imports.views import sweep_stale_uploads

    sweep_stale_uploads(app)
    serving.wrap_wsgi(app)
    return app


def _catalogues(app: Flask) -> None:
    """Chinese however the app is started: compile stale catalogues now (see registry/catalogues.py)."""
    import tempfile
    from pathlib import Path

    from registry.catalogues import ensure_compiled

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
