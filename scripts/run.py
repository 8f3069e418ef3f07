"""Start the registry with demo data: `python3 scripts/run.py` (then open http://127.0.0.1:5000).

Creates .venv, installs the pinned requirements, compiles the catalogues, brings the database
(SQLite in instance/ unless DATABASE_URL is set) to the newest migration, loads the demo data
when the database has none, and serves on 127.0.0.1:5000.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _setup  # noqa: E402

_setup.ensure_venv("requirements.txt")
_setup.compile_catalogues()
_setup.flask("db", "upgrade")
_setup.flask("demo", "load")
port = os.environ.get("PORT", "5000")
os.chdir(_setup.ROOT)
os.execv(str(_setup.VENV / "bin" / "flask"),
         ["flask", "--app", "registry", "run", "--host", "127.0.0.1", "--port", port, *sys.argv[1:]])
