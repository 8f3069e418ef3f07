"""Issue 10 points 2-3 on the command line: `application export --base CODE --output PATH.docx
[--bundle PATH.zip]` (spec/interfaces.md "Application form"); the bundle's evidence by section and
its index sheet 佐证材料目录.xlsx, every checksum checked."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import docx
import openpyxl
from sqlalchemy import select

from registry.audit.services import set_actor
from registry.evidence import services as evidence
from registry.evidence.services import path_of
from registry.extensions import db
from registry.governance.models import CooperationAgreement, Regulation
from tests.checks.conftest import eligible_base
from tests.evidence.files import pdf

D = dt.date


def _base_with_evidence(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("AP-ZIP-1", world.uni, world.ent)
    agreement = db.session.scalar(select(CooperationAgreement).where(CooperationAgreement.base_id == base.id))
    regulation = db.session.scalars(select(Regulation).where(Regulation.base_id == base.id)).first()
    files = [evidence.attach("cooperation_agreement", agreement, "合作协议（签字页）.pdf", io.BytesIO(pdf("a")), actor=None),
             evidence.attach("cooperation_agreement", agreement, "合作协议/附件:1.pdf", io.BytesIO(pdf("b")), actor=None),
             evidence.attach("regulation", regulation, "=cmd|管理办法.pdf", io.BytesIO(pdf("c")), actor=None)]
    db.session.commit()
    return base, files


def test_export_docx_and_bundle_every_checksum(world, runner, tmp_path):
    base, files = _base_with_evidence(world)
    out, zipped = tmp_path / "form.docx", tmp_path / "bundle.zip"
    result = runner.invoke(args=["application", "export", "--base", base.code, "--output", str(out),
                                 "--bundle", str(zipped)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert "工业和信息化部校企协同育人示范基地建设申请书" in [p.text for p in document.paragraphs]
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
        assert f"申请书-{base.code}.docx" in names
        assert zf.read(f"申请书-{base.code}.docx") == out.read_bytes()
        sheet = openpyxl.load_workbook(io.BytesIO(zf.read("佐证材料目录.xlsx"))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("序号", "类别", "记录", "文件名", "大小（字节）", "SHA-256")
        assert len(rows) - 1 == len(files)
        for _n, section, record, name, size, sha in rows[1:]:
            content = zf.read(name)
            assert hashlib.sha256(content).hexdigest() == sha
            assert len(content) == size
            assert name.startswith(f"佐证材料/{section}/")
        assert {r[5] for r in rows[1:]} == {f.sha256 for f in files}
        sections = {r[1] for r in rows[1:]}
        assert sections == {"合作协议", "规章制度"}  # a folder per section, named in Chinese
    # The evidence list ends the form.
    evidence_table = document.tables[-1]
    assert [c.text for c in evidence_table.rows[0].cells][:4] == ["序号", "类别", "记录", "文件名"]
    assert len(evidence_table.rows) - 1 == len(files)


def test_a_changed_evidence_file_stops_the_bundle_and_nothing_is_written(world, runner, tmp_path):
    base, files = _base_with_evidence(world)
    path_of(files[0]).write_bytes(pdf("tampered"))
    out, zipped = tmp_path / "form.docx", tmp_path / "bundle.zip"
    result = runner.invoke(args=["application", "export", "--base", base.code, "--output", str(out),
                                 "--bundle", str(zipped)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output
    assert "合作协议" in lines[0] and "missing or has changed" in lines[1]
    assert not out.exists() and not zipped.exists()


def test_export_errors_in_two_languages(world, runner, tmp_path):
    result = runner.invoke(args=["application", "export", "--base", "NOPE", "--output", str(tmp_path / "x.docx")])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 2
    result = runner.invoke(args=["application", "export", "--base", world.base.code,
                                 "--output", str(tmp_path / "missing" / "x.docx")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "missing").exists()
