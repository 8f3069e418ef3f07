"""Small real files of every accepted type (and some that must be refused), built in memory."""
from __future__ import annotations

import io
import struct
import zipfile

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def pdf(text: str = "evidence") -> bytes:
    """A minimal valid one-page PDF."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def png() -> bytes:
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def ooxml(main_part: str, content_type: str, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'content-types"><Override PartName="/{main_part}" ContentType="{content_type}"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(main_part, '<?xml version="1.0"?><document/>')
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml("word/document.xml",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def docm() -> bytes:
    return ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml",
                 {"word/vbaProject.bin": b"\x00" * 32})


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return buffer.getvalue()


def compound_file(*stream_names: str) -> bytes:
    """A minimal OLE2 compound file (what .doc and .xls are) whose directory holds these streams."""
    header = bytearray(512)
    header[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))
    fat = struct.pack("<128I", FATSECT, END, *([FREE] * 126))

    def entry(name: str, kind: int, child: int = FREE, right: int = FREE) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        out = bytearray(128)
        out[0:len(raw)] = raw
        struct.pack_into("<HBB", out, 64, len(raw), kind, 1)
        struct.pack_into("<III", out, 68, FREE, right, child)
        struct.pack_into("<II", out, 116, END, 0)
        return bytes(out)

    names = list(stream_names)[:3]
    entries = [entry("Root Entry", 5, child=1 if names else FREE)]
    for index, name in enumerate(names):
        entries.append(entry(name, 2, right=index + 2 if index + 1 < len(names) else FREE))
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


def doc() -> bytes:
    return compound_file("WordDocument", "1Table")


def xls() -> bytes:
    return compound_file("Workbook")


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
SCRIPT = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
