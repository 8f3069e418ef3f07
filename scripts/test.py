"""Run the whole test suite: `python3 scripts/test.py` (extra arguments go to pytest).

Creates .venv with the pinned test requirements, installs Debian's chromium when it is missing,
compiles the catalogues and runs pytest. With TEST_DATABASE_URL set, the suite runs on that
database (PostgreSQL in CI) instead of a throwaway SQLite file. `--setup-only` does the set-up and
stops (CI runs it once before it runs the suite on both databases side by side).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _setup  # noqa: E402

_setup.ensure_venv("requirements-dev.txt")
chromium = _setup.ensure_chromium()
_setup.ensure_node_modules()
_setup.compile_catalogues()
os.chdir(_setup.ROOT)
os.environ.setdefault("CHROMIUM_PATH", chromium)
if sys.argv[1:] == ["--setup-only"]:
    sys.exit(0)
args = sys.argv[1:] or ["-q"]
os.execv(str(_setup.PY), [str(_setup.PY), "-m", "pytest", *args])
