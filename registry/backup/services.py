"""Backups that move between engines: `flask backup create|restore` (spec/interfaces.md, "Backup").

An archive is one zip file:

    manifest.json              format, migration revision, source engine, per table its row count
                               and the SHA-256 of its rows file, per evidence file its size and SHA-256
    tables/<table>.jsonl       one JSON object per row, columns by name, in primary-key order;
                               dates and times ISO 8601 (times in UTC), decimals as strings
    evidence/<aa>/<name>       every file under EVIDENCE_DIR, as stored

Rows are written in a portable form, so a backup of SQLite restores into PostgreSQL and back.
`restore` checks the whole archive (every checksum, every count) before it writes anything, loads
every table in one transaction, and puts the evidence files in place only after that commits.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import Date, DateTime, Integer, LargeBinary, Numeric, Time, func, insert, select, text
from sqlalchemy.types import Float

from registry import db_state
from registry.errors import DomainError, _l
from registry.extensions import db

FORMAT = "registry-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1 << 20
# Tables that `db upgrade` itself fills (the ten key fields of the notice): an empty registry has
# these rows, so they do not make a target "not empty"; a restore replaces them with the archive's.
SEEDED_TABLES = frozenset({"key_field"})


def tables():
    """Every table of the models, parents before children."""
    return list(db.metadata.sorted_tables)


# ---- values --------------------------------------------------------------------------------

def encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()  # UTC: the app writes UTC, and SQLite keeps no zone
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value  # JSON columns: dicts and lists as they are


def decoder(column):
    """A function turning an archived value back into what `column` takes."""
    kind = column.type
    if isinstance(kind, DateTime):
        aware = bool(getattr(kind, "timezone", False))

        def _datetime(v):
            value = dt.datetime.fromisoformat(v)
            if value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.replace(tzinfo=dt.timezone.utc) if aware else value
        return _datetime
    if isinstance(kind, Date):
        return dt.date.fromisoformat
    if isinstance(kind, Time):
        return dt.time.fromisoformat
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return lambda v: decimal.Decimal(str(v))
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    return None


# ---- create --------------------------------------------------------------------------------

class _HashingWriter:
    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def write(self, data: bytes):
        self.sha.update(data)
        self.raw.write(data)


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _evidence_files(root: Path):
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in
                                                                          p.relative_to(root).parts))


def create_backup(path: Path) -> dict:
    """Write the archive to `path` (through a temporary file, so a failure leaves nothing half
    written); returns the manifest."""
    path = Path(path)
    # One transaction, and on PostgreSQL one snapshot: every table as of the same moment.
    options = {"isolation_level": "REPEATABLE READ"} if db.engine.dialect.name == "postgresql" else {}
    connection = db.session.connection(execution_options=options)
    current, _head = db_state.migration_state(db.engine)
    manifest = {"format": FORMAT, "version": VERSION, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "revision": current, "engine": db.engine.dialect.name, "tables": {}, "files": {}}
    fd, tmp = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for table in tables():
                name = f"tables/{table.name}.jsonl"
                columns = [c.name for c in table.columns]
                order = list(table.primary_key.columns) or list(table.columns)
                rows = 0
                with archive.open(name, "w", force_zip64=True) as raw:
                    out = _HashingWriter(raw)
                    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
                    for row in result:
                        record = {c: encode(v) for c, v in zip(columns, row)}
                        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                        rows += 1
                manifest["tables"][table.name] = {"rows": rows, "file": name, "sha256": out.sha.hexdigest()}
            root = evidence_root()
            for file in _evidence_files(root):
                name = "evidence/" + file.relative_to(root).as_posix()
                sha = hashlib.sha256()
                with open(file, "rb") as source, archive.open(name, "w", force_zip64=True) as raw:
                    while chunk := source.read(CHUNK):
                        sha.update(chunk)
                        raw.write(chunk)
                manifest["files"][name] = {"size": file.stat().st_size, "sha256": sha.hexdigest()}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        db.session.rollback()
    return manifest


# ---- restore -------------------------------------------------------------------------------

def _damaged(detail: str):
    raise DomainError(_l("The backup archive is damaged or not a registry backup: %(detail)s"), detail=detail)


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        _damaged("no manifest.json")
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        _damaged(f"manifest.json: {type(exc).__name__}")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _damaged("manifest.json names no registry backup")
    if manifest.get("version") != VERSION:
        _damaged(f"archive format version {manifest.get('version')!r}, this registry reads {VERSION}")
    if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("files"), dict):
        _damaged("manifest.json lists no tables")
    return manifest


def _member_sha(archive: zipfile.ZipFile, name: str) -> str:
    sha = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                sha.update(chunk)
    except KeyError:
        _damaged(f"{name} is missing")
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error()) as exc:
        _damaged(f"{name}: {type(exc).__name__}")
    return sha.hexdigest()


def zlib_error():
    import zlib

    return zlib.error


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (name.startswith("evidence/") and not path.is_absolute() and ".." not in path.parts
            and "\\" not in name and len(path.parts) >= 2)


def verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every table's rows and every file match the manifest's checksums; every table is known."""
    known = {t.name for t in tables()}
    listed = manifest["tables"]
    missing = sorted(known - set(listed))
    unknown = sorted(set(listed) - known)
    if missing or unknown:
        _damaged(f"tables differ from this registry's (missing {missing}, unknown {unknown})")
    for table, entry in listed.items():
        if _member_sha(archive, f"tables/{table}.jsonl") != entry.get("sha256"):
            _damaged(f"the checksum of table {table} does not match")
    for name, entry in manifest["files"].items():
        if not _safe_member(name):
            _damaged(f"unsafe file name {name!r}")
        if _member_sha(archive, name) != entry.get("sha256"):
            _damaged(f"the checksum of {name} does not match")


def row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables()}


def _evidence_present(root: Path) -> int:
    return len(_evidence_files(root))


def restore_backup(path: Path, *, replace: bool = False) -> dict:
    """Load the archive into this (migrated) database; returns the manifest. Nothing is written
    unless every check passes, and then all of it is, in one transaction."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DomainError(_l("No such file: %(path)s"), path=str(path))
    except (zipfile.BadZipFile, OSError) as exc:
        _damaged(f"not a zip archive ({type(exc).__name__})")
    with archive:
        manifest = read_manifest(archive)
        verify(archive, manifest)
        current, head = db_state.migration_state(db.engine)
        if current != head:
            raise DomainError(_l("The database is missing or behind on migrations. Run: %(command)s"),
                              command=db_state.UPGRADE_COMMAND)
        if manifest.get("revision") != head:
            raise DomainError(_l("The backup was made at migration %(archive)s, this registry is at %(head)s: "
                                 "restore it with the version of the registry that made it, then upgrade."),
                              archive=manifest.get("revision") or "-", head=head)
        root = evidence_root()
        counts = row_counts()
        if not replace:
            busy = {name: n for name, n in counts.items() if n and name not in SEEDED_TABLES}
            if busy:
                first = sorted(busy)[0]
                raise DomainError(_l("The database is not empty (%(rows)s rows, e.g. in table %(table)s): a backup "
                                     "is restored only into an empty, migrated database (or pass --replace)."),
                                  rows=sum(busy.values()), table=first)
            if _evidence_present(root):
                raise DomainError(_l("The evidence folder %(path)s is not empty: a backup is restored only into an "
                                     "empty one (or pass --replace)."), path=str(root))
        staging = _stage_files(archive, manifest, root)
        try:
            _load_tables(archive, manifest, replace=replace)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _place_files(staging, root)
    return manifest


def _stage_files(archive, manifest, root: Path) -> Path:
    """Unpack the evidence files next to their final folder (same file system: the final move is a
    rename), checking each one's size and checksum again as it is written."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        for name, entry in manifest["files"].items():
            target = staging / PurePosixPath(name).relative_to("evidence")
            target.parent.mkdir(parents=True, exist_ok=True)
            sha = hashlib.sha256()
            with archive.open(name) as member, open(target, "wb") as out:
                while chunk := member.read(CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
            if sha.hexdigest() != entry.get("sha256"):
                _damaged(f"the checksum of {name} does not match")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _place_files(staging: Path, root: Path) -> None:
    for file in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = root / file.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
    shutil.rmtree(staging, ignore_errors=True)


def _load_tables(archive, manifest, *, replace: bool) -> None:
    connection = db.session.connection()
    ordered = tables()
    for table in reversed(ordered):
        if replace or table.name in SEEDED_TABLES:
            connection.execute(table.delete())
    for table in ordered:
        entry = manifest["tables"][table.name]
        decoders = {c.name: decoder(c) for c in table.columns}
        decoders = {k: f for k, f in decoders.items() if f is not None}
        columns = {c.name for c in table.columns}
        batch, rows = [], 0
        with archive.open(f"tables/{table.name}.jsonl") as member:
            for line in member:
                if not line.strip():
                    continue
                record = json.loads(line)
                unknown = set(record) - columns
                if unknown:
                    _damaged(f"table {table.name} has unknown columns {sorted(unknown)}")
                for key, convert in decoders.items():
                    if record.get(key) is not None:
                        record[key] = convert(record[key])
                batch.append(record)
                rows += 1
                if len(batch) >= BATCH:
                    connection.execute(insert(table), batch)
                    batch = []
        if batch:
            connection.execute(insert(table), batch)
        if rows != entry.get("rows"):
            _damaged(f"table {table.name} holds {rows} rows, the manifest says {entry.get('rows')}")
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, ordered)


def _reset_sequences(connection, ordered) -> None:
    """PostgreSQL hands out ids from sequences: move each past the restored rows."""
    for table in ordered:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
            continue
        quoted = connection.dialect.identifier_preparer.format_table(table)
        column = pk[0].name
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": quoted, "c": column}).scalar()
        if sequence:
            connection.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX({column}) FROM {quoted}), 0) + 1, false)"),
                               {"s": sequence})
