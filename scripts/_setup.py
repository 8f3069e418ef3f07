"""Shared set-up for the README's two commands: a venv with pinned packages, compiled catalogues.

Runs with any Python 3.11+; re-executes itself inside `.venv` once that exists.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"


def ensure_venv(requirements: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed / 需要 Python 3.11 或更高版本")
    if not PY.exists():
        print("creating .venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # Reinstall only when the requirement files changed since the last install.
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"installing {requirements} ...", flush=True)
        subprocess.run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                        str(ROOT / requirements)], check=True)
        stamp.write_text(digest)


def compile_catalogues() -> None:
    subprocess.run([str(PY), str(ROOT / "scripts" / "i18n.py"), "compile"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ensure_chromium() -> str:
    """Debian's chromium for the browser tests: installed with apt when missing (never a download)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).exists():
        return path
    print("installing Debian's chromium for the browser tests ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return "/usr/bin/chromium"


def ensure_node_modules() -> Path:
    """axe-core for the accessibility tests, exactly as package-lock.json pins it, into node_modules/
    (gitignored; injected into pages only by the tests, never served). `npm ci` runs only when the
    installed copy is missing or differs from the lock, so a set-up that has it needs no network."""
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".installed-lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if axe.exists() and stamp.exists() and stamp.read_text() == digest:
        return axe
    npm = shutil.which("npm")
    if npm is None:
        if axe.exists():
            return axe
        sys.exit("npm is needed for the accessibility tests (axe-core): apt-get install npm")
    print("installing axe-core from package-lock.json ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(digest)
    return axe


def flask(*args: str, env: dict | None = None) -> None:
    subprocess.run([str(VENV / "bin" / "flask"), "--app", "registry", *args], check=True, cwd=ROOT,
                   env={**os.environ, **(env or {})})


def run_in_venv(requirements: str = "requirements.txt") -> None:
    """Re-run the calling script with .venv's Python (made and filled first), unless already there."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    ensure_venv(requirements)
    compile_catalogues()
    os.execv(str(PY), [str(PY), *sys.argv])
