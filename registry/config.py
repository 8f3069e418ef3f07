"""One class per environment. Everything secret or site-specific comes from the environment."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE = PROJECT_ROOT / "instance"


def normalise_database_url(url: str) -> str:
    # Heroku-style and bare postgresql:// URLs mean psycopg 3, the driver we pin.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # Development: a key kept in instance/ so sessions survive restarts; never committed.
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'registry.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    # Check the database before serving or running a command: reachable at start (else a clear
    # message naming its host), at the newest migration (else a 503 page / a command error naming
    # `flask --app registry db upgrade`). Off in the unit tests, which build the schema with create_all.
    CHECK_DATABASE_ON_START = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    # Moments (saved at, sent at…) are shown in this zone, with the zone (registry.moments).
    TIMEZONE = os.environ.get("TIMEZONE") or "Asia/Shanghai"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("zh_Hans_CN", "en")

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Shared by every worker and machine: the per-day figures cache and its data generation.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # How long one worker may compute a missing figure before another takes over (seconds).
    FIGURES_LOCK_SECONDS = int(os.environ.get("FIGURES_LOCK_SECONDS") or 120)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute"
    # werkzeug's scrypt with its default cost (N=2**15, r=8, p=1).
    PASSWORD_HASH_METHOD = "scrypt"

    PER_PAGE = 25
    # Uploads (evidence files, spreadsheets).
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(INSTANCE / "evidence"))
    # "local" (files under EVIDENCE_DIR) or s3://BUCKET[/PREFIX] for storage shared by several
    # app machines; S3_ENDPOINT_URL names a non-AWS store (MinIO, Ceph, moto).
    EVIDENCE_STORAGE = os.environ.get("EVIDENCE_STORAGE", "local")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    # Mentor ratio early warning: appointments ending within this many days.
    RATIO_WARNING_DAYS = int(os.environ.get("RATIO_WARNING_DAYS", 90))

    # Notifications by e-mail (spec/interfaces.md, "Notifications"): without MAIL_SERVER, in the app only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "registry@localhost"
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT") or 30)
    # The address the registry is served at, for the links in e-mails.
    REGISTRY_BASE_URL = os.environ.get("REGISTRY_BASE_URL", "http://127.0.0.1:5000")

    # Serving (registry/serving.py). Production refuses debug mode, a short key and demo data.
    PRODUCTION = False
    # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host/-Port/-Prefix (0: trust none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0) or 0)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # json | text
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Checked by /readyz when set (else RATELIMIT_STORAGE_URI, when that names Redis).
    REDIS_URL = os.environ.get("REDIS_URL")
    HSTS_SECONDS = 0

    def __init__(self):
        self.SECRET_KEY = _secret_key()


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))

    def __init__(self):
        super().__init__()
        if not os.environ.get("SECRET_KEY"):
            import sys

            print("生产环境必须设置 SECRET_KEY 环境变量。", file=sys.stderr)
            print("SECRET_KEY must be set in production.", file=sys.stderr)
            raise SystemExit(2)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    WTF_CSRF_ENABLED = False
    CHECK_DATABASE_ON_START = False
    SQLALCHEMY_RECORD_QUERIES = True
    RATELIMIT_STORAGE_URI = "memory://"
    # Still scrypt, at a cost that keeps a test's half-dozen accounts from taking a second.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    TRUSTED_PROXIES = 0
    REDIS_URL = None

    def __init__(self):
        pass


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}
