"""The web import's checks of a sent spreadsheet, made on the uploaded stream before anything is
kept: every problem of the file at once, beside the upload form's file field."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from registry.errors import Checks, DomainError, _l
from registry.imports.engine import XLSX_MAX_EXPANDED, XLSX_MAX_SHARED_STRINGS, FileProblem, decode_csv
from registry.limits import zip_problem

SUFFIXES = (".xlsx", ".csv")
NAME_CHARS = 200


@dataclass(frozen=True)
class Spreadsheet:
    """A sent file that passed the upload's checks: its name as the user gave it, and its bytes."""

    name: str
    suffix: str
    data: bytes


def _is_workbook(data: bytes) -> bool:
    """An .xlsx by its content: a zip holding a workbook part (a .docx or any zip has none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in {n.lower() for n in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False


def _is_text(data: bytes) -> bool:
    return not data.startswith(b"PK\x03\x04") and b"\x00" not in data[:4096]


def _suffix(name: str, suffix: str) -> None:
    if suffix not in SUFFIXES:
        raise DomainError(_l("Use an .xlsx or .csv file."), field="file")


def _content(name: str, suffix: str, data: bytes) -> None:
    """The bytes are what the name says (judged by content), and within the reader's limits."""
    if not data:
        raise DomainError(_l("The file is empty."), field="file")
    if suffix == ".xlsx" or (suffix != ".csv" and not _is_text(data)):
        if not _is_workbook(data):
            raise DomainError(_l("%(name)s is not an Excel workbook (.xlsx), judged by its content, not its name."),
                              field="file", name=name)
        problem = zip_problem(io.BytesIO(data), XLSX_MAX_EXPANDED,
                              parts={"xl/sharedstrings.xml": XLSX_MAX_SHARED_STRINGS})
        if problem is not None:
            raise DomainError(problem[0], field="file", **problem[1])
        return
    if not _is_text(data):
        raise DomainError(_l("The file is not CSV text (is it an Excel workbook saved with a .csv name?)"),
                          field="file")
    try:
        decode_csv(data)
    except FileProblem as problem:
        raise DomainError(problem.message, field="file", **problem.params) from None


def check_spreadsheet(filename: str | None, stream) -> Spreadsheet:
    """Every problem of a sent spreadsheet at once (its name, its emptiness, its content), stored
    nowhere: the upload form's trial run, and what the upload keeps once it passes. The rows are
    the preview's to check."""
    if stream is None:
        raise DomainError(_l("Choose a file."), field="file")
    name = Path((filename or "").replace("\\", "/")).name[:NAME_CHARS] or "upload"
    suffix = Path(name).suffix.lower()
    data = stream.read()
    check = Checks()
    check(_suffix, name, suffix)
    check(_content, name, suffix, data)
    check.done()
    return Spreadsheet(name, suffix, data)
