"""Issue 12, point 4: hostile files. Reading is bounded by what it scans (rows, blank ones
included; columns; cell length; the size a zip container expands to), a huge declared sheet is
refused before reading, messages quote only a short prefix of a cell, evidence containers are
checked, and a CSV in a Western encoding is refused rather than guessed as Chinese."""
from __future__ import annotations

import io
import zipfile

import pytest

from registry.extensions import db
from registry.imports import engine
from registry.imports.engine import run_import
from registry.imports.roster import ROSTER, RosterImporter
from tests.conftest import text_of
from tests.harden import xlsx
from tests.harden.conftest import act_as
from tests.imports.conftest import HEADER, roster_row

MB = 1024 * 1024


def _refusal(world, path, name=None):
    result = run_import(RosterImporter(world.base), path, name or path.name, dry_run=True)
    assert not result.ok and len(result.errors) == 1 and result.errors[0].row is None
    return result.errors[0]


def test_a_hand_written_workbook_reads_normally(world, tmp_path):
    """The builder makes real workbooks: the hostile ones below differ only in what they hold."""
    path = tmp_path / "ok.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, roster_row())])
    result = run_import(RosterImporter(world.base), path, path.name, dry_run=True)
    assert result.ok, [e.en for e in result.errors]
    assert result.counts["mentors_created"] == 1


def test_ten_million_empty_rows_are_not_scanned(world, tmp_path):
    """The issue's 89 KB file of ten million empty rows (70 s and 1 GB before): reading stops at the
    scan cap, however many blank rows follow."""
    path = tmp_path / "empty-rows.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, roster_row()), b"<row/>" * 10_000_000])
    assert path.stat().st_size < 1 * MB  # small on disk, 60 MB of XML when opened
    error = _refusal(world, path)
    limit = ROSTER.max_rows + engine.SCAN_SLACK
    assert f"more than {limit} rows, blank ones included" in error.en
    assert "含空行" in error.zh


def test_one_far_away_row_is_not_scanned_either(world, tmp_path):
    path = tmp_path / "far.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(10_000_000, roster_row())])
    assert "blank ones included" in _refusal(world, path).en


def test_a_sheet_declaring_ten_million_rows_is_refused_before_reading(world, tmp_path, monkeypatch):
    path = tmp_path / "declared.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, roster_row())], dimension="A1:K10000001")
    read = []
    monkeypatch.setattr(engine, "_find_header", lambda *a: read.append(1))  # never reached
    assert "blank ones included" in _refusal(world, path).en
    assert read == []


def test_a_200_mb_shared_string_is_refused_unopened(world, tmp_path, monkeypatch):
    """The issue's 206 KB file with one 200 MB shared string (1.7 GB and a 210 MB page before)."""
    import openpyxl

    path = tmp_path / "shared.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, [("s", 0)] + roster_row()[1:])],
               shared_chunks=(b"A" * MB for _ in range(200)))
    assert path.stat().st_size < 2 * MB
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    error = _refusal(world, path)
    assert "expands to more than 64 MB" in error.en
    assert opened == []  # refused from the zip's directory alone


def test_a_long_cell_is_an_error_quoted_by_its_first_characters_only(world, tmp_path):
    path = tmp_path / "long.xlsx"
    huge = "长" * 50_000
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, [huge] + roster_row()[1:]),
                      xlsx.row(3, roster_row(name="甲" * 150, staff_no="XH-2"))])
    result = run_import(RosterImporter(world.base), path, path.name, dry_run=True)
    assert not result.ok
    by_row = {e.row: e for e in result.errors}
    assert "50000 characters" in by_row[2].en and len(by_row[2].en) < 300
    assert "长" * engine.QUOTE_CHARS + "…" in by_row[2].zh
    assert len(by_row[3].zh) < 300 and "…" in by_row[3].zh  # a parser's own message: quoted short too


def test_the_preview_page_of_a_hostile_file_stays_small(client, world, tmp_path):
    path = tmp_path / "long.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER)] + [xlsx.row(n, ["名" * 9_000] + roster_row(staff_no=f"X{n}")[1:])
                                             for n in range(2, 40)])
    act_as(client, world.coord)
    with path.open("rb") as handle:
        client.post(f"/bases/{world.base.code}/import/roster", data={"file": (handle, "long.xlsx")})
    response = client.get(f"/bases/{world.base.code}/import/roster/preview")
    assert response.status_code == 200
    assert len(response.get_data()) < 200_000  # 38 cells of 9,000 characters are not repeated
    assert "名" * engine.QUOTE_CHARS + "…" in text_of(response)


def test_columns_far_to_the_right_are_not_read(world, tmp_path):
    path = tmp_path / "wide.xlsx"
    xlsx.write(path, [xlsx.row(1, HEADER), xlsx.row(2, roster_row() + [""] * 400 + ["远处"])])
    result = run_import(RosterImporter(world.base), path, path.name, dry_run=True)
    assert result.ok and result.counts["rows"] == 1


# ---- CSV encodings -----------------------------------------------------------------------------

def test_a_windows_1252_csv_is_refused_not_guessed(world, tmp_path):
    """Read as GB18030 these bytes are valid — and rare ideographs ("M黮ler"): refused in words."""
    path = tmp_path / "western.csv"
    rows = [",".join(HEADER), ",".join(roster_row(name="Müller", organisation="星海航天动力研究所"))]
    text = "\n".join(rows).replace("星海航天动力研究所", "Renée Lefèvre")
    path.write_bytes(text.encode("cp1252", errors="strict") if all(ord(c) < 256 for c in text)
                     else ("Name\nMüller\nRenée Lefèvre\n").encode("cp1252"))
    error = _refusal(world, path)
    assert "Windows-1252" in error.en and "UTF-8" in error.zh


def test_a_gb18030_csv_of_chinese_is_still_read(world, tmp_path):
    path = tmp_path / "gb.csv"
    path.write_bytes(("\n".join([",".join(HEADER), ",".join(roster_row(name="喆明"))]) + "\n").encode("gb18030"))
    result = run_import(RosterImporter(world.base), path, path.name, dry_run=True)
    assert result.ok, [e.en for e in result.errors]


# ---- evidence containers -----------------------------------------------------------------------

def _docx(expanded_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document>")
            for _ in range(expanded_mb):
                part.write(b" " * MB)
            part.write(b"</w:document>")
    return out.getvalue()


@pytest.fixture
def plan(world):
    import datetime as dt

    from registry.governance import services

    record = services.create_plan(world.base, {"title": "方案", "version": "v1", "adopted_on": dt.date(2024, 3, 1)}, actor=None)
    db.session.commit()
    return record


def test_an_evidence_docx_that_expands_too_far_is_refused(app, world, plan):
    from registry.errors import DomainError
    from registry.evidence import services

    bomb = _docx(300)
    assert len(bomb) < 1 * MB
    with pytest.raises(DomainError) as refused:
        services.attach("training_plan", plan, "bomb.docx", io.BytesIO(bomb), actor=world.coord)
    assert "expands to more than 200 MB" in refused.value.en
    attachment = services.attach("training_plan", plan, "fine.docx", io.BytesIO(_docx(1)), actor=world.coord)
    assert attachment.extension == "docx"


def test_a_nul_byte_deep_in_a_csv_is_a_cell_error_not_a_database_error(world, tmp_path):
    rows = [",".join(HEADER)] + [",".join(roster_row(name=f"导师{i}", staff_no=f"N{i}")) for i in range(200)]
    rows.append(",".join(roster_row(name="张\x00明", staff_no="N-NUL")))
    path = tmp_path / "nul.csv"
    path.write_bytes("\n".join(rows).encode("utf-8"))
    result = run_import(RosterImporter(world.base), path, path.name)
    assert not result.ok and not result.written
    assert [(e.row, "NUL" in e.en) for e in result.errors] == [(202, True)]
