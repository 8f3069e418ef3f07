"""`flask backup create|restore` (issue 12, point 5) through real processes, as an operator runs them:
a full round trip with evidence files, refusal of a non-empty target, of a damaged archive, a
restore that fails half-way and writes nothing, and a SQLite backup restored into PostgreSQL
giving the same reports."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.conftest import flask_cli

REPORTS = (["report", "ratio", "--as-of", "2025-06-30", "--format", "json"],
           ["report", "ratio", "--as-of", "2024-01-15", "--base", "SF-AP-01", "--format", "json"],
           ["check", "eligibility", "--base", "SF-AP-01", "--as-of", "2025-06-30", "--format", "json"],
           ["check", "eligibility", "--base", "SL-SO-01", "--as-of", "2025-06-30", "--format", "json"],
           ["base", "show", "SF-AP-01", "--as-of", "2025-06-30"])


class Site:
    """A registry: a database URL and its evidence folder."""

    def __init__(self, url: str, evidence: Path):
        self.url, self.evidence = url, evidence

    def run(self, *args, input=None):
        return flask_cli(list(args), self.url, input=input, env={"EVIDENCE_DIR": str(self.evidence)}, timeout=180)

    def ok(self, *args, input=None):
        result = self.run(*args, input=input)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def reports(self) -> list:
        return [json.loads(self.ok(*args)) for args in REPORTS]

    def cached_reports(self) -> list:
        if not hasattr(self, "_reports"):
            self._reports = self.reports()
        return self._reports

    def files(self) -> dict:
        return {p.relative_to(self.evidence).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.evidence.rglob("*")) if p.is_file()}


_MIGRATED: dict[str, Path] = {}


def sqlite_site(folder: Path, name: str) -> Site:
    """An empty registry at the newest migration (`db upgrade` once per run, then copies of it)."""
    folder.mkdir(parents=True, exist_ok=True)
    site = Site(f"sqlite:///{folder / (name + '.db')}", folder / f"{name}-evidence")
    if "empty" not in _MIGRATED:
        site.ok("db", "upgrade")
        _MIGRATED["empty"] = folder / "empty-migrated.db"
        shutil.copy(folder / (name + ".db"), _MIGRATED["empty"])
    else:
        shutil.copy(_MIGRATED["empty"], folder / (name + ".db"))
    return site


SEEDED = {"key_field"}  # filled by `db upgrade` itself


def sqlite_rows(site: Site) -> dict:
    with sqlite3.connect(site.url.removeprefix("sqlite:///")) as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type='table' "
                                            "and name not in ('alembic_version', 'sqlite_sequence') order by name")]
        return {n: conn.execute(f'select * from "{n}" order by 1, 2').fetchall() for n in names}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A registry in use: the demo data, a user made later, and two evidence files."""
    folder = tmp_path_factory.mktemp("backup-source")
    site = sqlite_site(folder, "source")
    site.ok("demo", "load")
    site.run("users", "create", "ops", "--role", "admin", "--password-stdin", input="ops password 1\n")
    for name, data in (("ab/ab12cd", b"%PDF-1.4 evidence one\n"), ("7f/7f00ee", "佐证材料".encode() * 1000)):
        path = site.evidence / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    archive = folder / "registry-backup.zip"
    out = site.ok("backup", "create", str(archive))
    assert out.startswith(f"backup written: {archive}") and "2 evidence files" in out
    return site, archive


def test_a_backup_holds_every_table_every_file_and_checksums(source):
    site, archive = source
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "registry-backup" and manifest["engine"] == "sqlite"
        counts = {name: len(rows) for name, rows in sqlite_rows(site).items()}
        assert {name: entry["rows"] for name, entry in manifest["tables"].items()} == counts
        assert counts["user"] == 6 and counts["base"] >= 2 and counts["audit_entry"] > 0
        for name, entry in manifest["tables"].items():
            assert hashlib.sha256(zf.read(entry["file"])).hexdigest() == entry["sha256"]
        assert set(manifest["files"]) == {"evidence/ab/ab12cd", "evidence/7f/7f00ee"}
        assert zf.read("evidence/7f/7f00ee") == "佐证材料".encode() * 1000


def test_restore_into_an_empty_database_gives_the_same_registry(source, tmp_path):
    site, archive = source
    target = sqlite_site(tmp_path, "target")
    out = target.ok("backup", "restore", str(archive))
    assert out.startswith(f"backup restored: {archive}")
    assert sqlite_rows(target) == sqlite_rows(site)
    assert target.files() == site.files()
    assert target.reports() == site.cached_reports()
    # The restored registry works on: its users log in, new rows get fresh ids.
    target.ok("base", "create", "NEW-01", "--name", "恢复后新建基地", "--university", "示范工业大学",
              "--university-kind", "ministry", "--enterprise", "星海航天动力研究所", "--field", "ict",
              "--cooperation-since", "2020-01-01")


def test_restore_refuses_a_non_empty_database_unless_told_to_replace(source, tmp_path):
    site, archive = source
    target = sqlite_site(tmp_path, "busy")
    target.ok("users", "create", "someone", "--role", "reviewer", "--password-stdin", input="some password\n")
    before = sqlite_rows(target)
    result = target.run("backup", "restore", str(archive))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    zh, en = result.stderr.strip().splitlines()
    assert zh.startswith("数据库不是空的") and en.startswith("The database is not empty")
    assert sqlite_rows(target) == before
    target.ok("backup", "restore", str(archive), "--replace")
    assert sqlite_rows(target) == sqlite_rows(site)


def test_restore_refuses_a_non_empty_evidence_folder(source, tmp_path):
    _site, archive = source
    target = sqlite_site(tmp_path, "files")
    (target.evidence / "zz").mkdir(parents=True)
    (target.evidence / "zz" / "zz99").write_bytes(b"already here")
    result = target.run("backup", "restore", str(archive))
    assert result.returncode == 1 and "evidence folder" in result.stderr
    assert all(not rows for name, rows in sqlite_rows(target).items() if name not in SEEDED)


def _rewrite(archive: Path, dest: Path, change) -> Path:
    """A copy of the archive with members changed by change(name, data) -> data."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return dest


@pytest.mark.parametrize("damage", ["a row changed", "a file changed", "not a zip", "no manifest"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(source, tmp_path, damage):
    _site, archive = source
    bad = tmp_path / "bad.zip"
    if damage == "a row changed":
        _rewrite(archive, bad, lambda n, d: d.replace(b"SF-AP-01", b"SF-AP-99") if n == "tables/base.jsonl" else d)
    elif damage == "a file changed":
        _rewrite(archive, bad, lambda n, d: d + b"!" if n == "evidence/ab/ab12cd" else d)
    elif damage == "not a zip":
        bad.write_bytes(archive.read_bytes()[: 5000])
    else:
        with zipfile.ZipFile(archive) as src, zipfile.ZipFile(bad, "w") as out:
            for info in src.infolist():
                if info.filename != "manifest.json":
                    out.writestr(info.filename, src.read(info.filename))
    target = sqlite_site(tmp_path, "clean")
    result = target.run("backup", "restore", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    zh, en = result.stderr.strip().splitlines()
    assert zh.startswith("备份文件已损坏或不是本系统的备份") and en.startswith("The backup archive is damaged")
    assert all(not rows for name, rows in sqlite_rows(target).items() if name not in SEEDED)
    assert target.files() == {}


def test_a_restore_failing_half_way_writes_nothing(source, tmp_path):
    """The last table's count is wrong (its checksum right): found only after the other tables were
    inserted; the transaction undoes them and no evidence file is left."""
    _site, archive = source
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    last = list(manifest["tables"])[-1]
    manifest["tables"][last]["rows"] += 1
    lying = _rewrite(archive, tmp_path / "lying.zip",
                     lambda n, d: json.dumps(manifest).encode() if n == "manifest.json" else d)
    target = sqlite_site(tmp_path, "half")
    result = target.run("backup", "restore", str(lying))
    assert result.returncode == 1 and f"table {last} holds" in result.stderr
    assert all(not rows for name, rows in sqlite_rows(target).items() if name not in SEEDED)
    assert target.files() == {}


def test_backup_create_refuses_a_missing_folder(source, tmp_path):
    site, _archive = source
    result = site.run("backup", "create", str(tmp_path / "no" / "such" / "b.zip"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2


# ---- SQLite to PostgreSQL -----------------------------------------------------------------

def _postgres_url():
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


@pytest.fixture
def postgres_site(tmp_path):
    """An empty, migrated PostgreSQL registry in a schema of its own (the suite's tables live in
    the default schema of the same database)."""
    import psycopg

    base_url = _postgres_url().replace("postgresql+psycopg://", "postgresql://")
    schema = f"backup_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base_url else "?"
    site = Site(f"{base_url}{sep}options=-csearch_path%3D{schema}", tmp_path / "pg-evidence")
    try:
        site.ok("db", "upgrade")
        yield site
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.skipif(not _postgres_url(), reason="TEST_DATABASE_URL names no PostgreSQL database")
def test_a_sqlite_backup_restored_into_postgresql_gives_the_same_reports(source, postgres_site, tmp_path):
    site, archive = source
    postgres_site.ok("backup", "restore", str(archive))
    assert postgres_site.reports() == site.cached_reports()
    assert postgres_site.files() == site.files()
    # Sequences moved past the restored ids: new rows can be added.
    postgres_site.ok("users", "create", "after-move", "--role", "reviewer", "--password-stdin",
                     input="some password\n")
    # And back: a PostgreSQL backup restores into SQLite with the same reports.
    again = tmp_path / "from-postgres.zip"
    postgres_site.ok("backup", "create", str(again))
    back = sqlite_site(tmp_path, "back")
    back.ok("backup", "restore", str(again))
    assert back.reports() == site.cached_reports()
    assert sqlite_rows(back)["user"][-1][1] == "after-move"
