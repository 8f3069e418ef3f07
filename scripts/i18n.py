"""Message catalogues: extract, update, fill, check, compile.

    python scripts/i18n.py update          # extract msgids, merge into zh_Hans_CN and en catalogues
    python scripts/i18n.py fill FILE.json  # set Chinese translations from {"msgid": "中文", ...}
    python scripts/i18n.py missing         # list msgids with an empty or fuzzy Chinese entry
    python scripts/i18n.py compile         # build the .mo files the app reads

English is the source language (msgids); the Chinese catalogue must be complete. Concurrent
runs are serialised by a lock file, so several people can update the catalogue at once.
"""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("zh_Hans_CN", "en")
ZH_PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


@contextmanager
def _lock():
    TRANSLATIONS.mkdir(exist_ok=True)
    with open(TRANSLATIONS / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def update():
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--sort-output", "--omit-header", "-o", str(POT), ".")
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale, "--no-fuzzy-matching",
                     "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
    _unfuzzy_header()


def fill(path: str):
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    with open(ZH_PO, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    unknown = []
    for msgid, text in mapping.items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
            continue
        message.string = text
        message.flags.discard("fuzzy")
    _write(catalog)
    for msgid in unknown:
        print(f"not in the catalogue (run update first?): {msgid}", file=sys.stderr)


def _write(catalog):
    catalog.fuzzy = False  # `init` marks the header fuzzy, and a fuzzy catalogue is not compiled
    with open(ZH_PO, "wb") as handle:
        write_po(handle, catalog, sort_output=True, no_location=True, width=0)


def _unfuzzy_header():
    with open(ZH_PO, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    _write(catalog)


def missing() -> list[str]:
    with open(ZH_PO, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]


def compile_():
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue  # up to date: never rewrite a catalogue another running process may be reading
        _pybabel("compile", "-d", str(TRANSLATIONS), "-l", locale, "--use-fuzzy" if locale == "en" else "--statistics")


def main(argv):
    command = argv[1] if len(argv) > 1 else "compile"
    with _lock():
        if command == "update":
            update()
        elif command == "fill":
            fill(argv[2])
        elif command == "missing":
            rows = missing()
            for msgid in rows:
                print(json.dumps(msgid, ensure_ascii=False))
            return 1 if rows else 0
        elif command == "compile":
            compile_()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
