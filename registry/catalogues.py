"""Compiled message catalogues for any way of starting the app.

The .po files are the source (committed); the .mo files the app reads are build output (ignored by
git). `scripts/run.py` compiles them, but a WSGI server started after only `pip install` and
`flask db upgrade` must serve Chinese too: `ensure_compiled` compiles every catalogue whose .mo is
missing or older than its .po when the app starts. Next to the .po when that folder is writable,
else into a cache folder that the app then reads from. Each file is written to a temporary name and
renamed, so workers starting at once never read half a file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def _stale(po: Path, mo: Path) -> bool:
    try:
        return mo.stat().st_mtime < po.stat().st_mtime
    except FileNotFoundError:
        return True


def _compile(po: Path, mo: Path, locale: str) -> None:
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale=locale)
    # The Chinese catalogue is complete and never fuzzy; English msgids are their own translation.
    use_fuzzy = locale == "en"
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".messages-", suffix=".mo", dir=mo.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=use_fuzzy)
        os.replace(tmp, mo)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _writable(folder: Path) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(tmp)
    return True


def ensure_compiled(source: Path, cache: Path) -> Path:
    """The folder to read catalogues from: `source` when its .mo files are (made) fresh there,
    else `cache` holding fresh copies."""
    sources = sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    stale = [po for po in sources if _stale(po, po.with_suffix(".mo"))]
    if not stale:
        return source
    if all(_writable(po.parent) for po in stale):
        for po in stale:
            _compile(po, po.with_suffix(".mo"), po.parent.parent.name)
        return source
    for po in sources:
        locale = po.parent.parent.name
        mo = cache / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if _stale(po, mo):
            _compile(po, mo, locale)
    return cache
