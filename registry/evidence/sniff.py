"""What a file really is, from its bytes (never its name): PDF, Word, Excel, JPEG or PNG.

Office files need more than a magic number: .docx/.xlsx are zip containers (so is any zip), and
.doc/.xls are OLE2 compound files (so is any old Office or Outlook file). We open the container
and look for the parts that make a Word or Excel document. Macro-enabled documents are refused.
"""
from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileType:
    extension: str
    mime: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
JPEG = FileType("jpg", "image/jpeg", "JPEG")
PNG = FileType("png", "image/png", "PNG")
DOC = FileType("doc", "application/msword", "Word")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
XLS = FileType("xls", "application/vnd.ms-excel", "Excel")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
ACCEPTED = (PDF, DOC, DOCX, XLS, XLSX, JPEG, PNG)

OLE_MAGIC = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
ZIP_MAGIC = b"PK\x03\x04"
MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
MACRO_MARKERS = ("vbaproject.bin", "macroenabled")


def sniff(data: bytes) -> FileType | None:
    """The accepted type these bytes are, or None (anything else, or a damaged container)."""
    if data.startswith(ZIP_MAGIC):
        return _ooxml(data)
    if data.startswith(OLE_MAGIC):
        return _ole(data)
    kind = filetype.guess(data[:8192])
    if kind is None:
        return None
    return {"application/pdf": PDF, "image/jpeg": JPEG, "image/png": PNG}.get(kind.mime)


def _ooxml(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            if "[content_types].xml" not in names:
                return None
            with archive.open(names["[content_types].xml"]) as part:  # bounded: no zip bomb
                content_types = part.read(200_000).decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None
    if any(marker in content_types or any(marker in n for n in names) for marker in MACRO_MARKERS):
        return None
    found = [ftype for part, ftype in MAIN_PARTS.items() if part in names]
    return found[0] if len(found) == 1 else None


def _ole(data: bytes) -> FileType | None:
    """Read the compound file's directory: a Word file has a `WordDocument` stream, an Excel
    file a `Workbook` (or, before Excel 97, `Book`) stream. Macros (a `Macros` or `_VBA_PROJECT_CUR`
    storage) are refused."""
    try:
        names = _ole_directory_names(data)
    except (struct.error, ValueError, IndexError):
        return None
    if names & {"macros", "_vba_project_cur", "vba"}:
        return None
    if "worddocument" in names:
        return DOC
    if names & {"workbook", "book"}:
        return XLS
    return None


def _ole_directory_names(data: bytes) -> set[str]:
    if len(data) < 512:
        raise ValueError("short")
    sector_shift, = struct.unpack_from("<H", data, 0x1E)
    if sector_shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << sector_shift
    num_fat, first_dir, _, _, _, first_difat, num_difat = struct.unpack_from("<IIIIIII", data, 0x2C)

    def sector(index: int) -> bytes:
        start = (index + 1) * size
        if index >= 0xFFFFFFFA or start + size > len(data) + size:  # allow a short last sector
            raise ValueError("sector")
        return data[start:start + size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, seen = first_difat, 0
    while difat < 0xFFFFFFFA and seen < num_difat and seen < 10_000:
        entries = struct.unpack(f"<{size // 4}I", sector(difat).ljust(size, b"\0"))
        fat_sectors.extend(entries[:-1])
        difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for index in fat_sectors[:num_fat]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(index).ljust(size, b"\0")))
    names, current, steps = set(), first_dir, 0
    while current < 0xFFFFFFFA and steps < 100_000:
        block = sector(current).ljust(size, b"\0")
        for offset in range(0, size, 128):
            length, = struct.unpack_from("<H", block, offset + 64)
            if 2 <= length <= 64 and block[offset + 66] in (1, 2):  # storage or stream
                names.add(block[offset:offset + length - 2].decode("utf-16-le", "replace").lower())
        current, steps = fat[current], steps + 1
    return names
