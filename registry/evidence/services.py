"""Attach, list and delete evidence files.

Files live in the evidence storage (`storage.py`: a directory outside the web root, or an
S3-compatible bucket shared by several app machines) under keys `<aa>/<random hex>`; the
database keeps the original name, the sniffed type, the size and the SHA-256. A file written for
a transaction that rolls back is removed; a deleted attachment's file is removed only once the
deletion is committed. Inserts and deletes are audited by the flush hook (Attachment is Audited).
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from registry.errors import Checks, DomainError, _l
from registry.evidence.models import Attachment
from registry.evidence.sniff import ACCEPTED, DOCX, XLSX, FileType, sniff
from registry.evidence.storage import StorageError, storage
from registry.extensions import db
from registry.limits import zip_problem
from registry import values as v
from registry.values import clean

ZIPPED = (DOCX, XLSX)
NEW_FILES = "evidence_new_files"
DOOMED_FILES = "evidence_doomed_files"


def key_of(attachment: Attachment) -> str:
    return f"{attachment.stored_name[:2]}/{attachment.stored_name}"


def path_of(attachment: Attachment) -> Path:
    """Where a file lies when the storage is the local directory."""
    return Path(current_app.config["EVIDENCE_DIR"]) / key_of(attachment)


def read(attachment: Attachment) -> bytes | None:
    """The stored bytes, or None when the file is missing."""
    return storage().get(key_of(attachment))


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def read_limited(stream, limit: int) -> bytes:
    """Read at most limit + 1 bytes: enough to know a file is too large without reading it all."""
    chunks, total = [], 0
    while total <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Upload:
    """A file and its description that passed every check, ready to store."""

    name: str
    data: bytes
    ftype: FileType
    description: str


def _checked_file(filename: str | None, stream) -> tuple[str, bytes, FileType]:
    """The file's own checks, on the uploaded stream (nothing is stored): not empty, not too large,
    an accepted type judged by its content, a zip that does not expand without bound."""
    if stream is None:
        raise DomainError(_l("Choose a file to upload."), field="file")
    limit = max_bytes()
    data = read_limited(stream, limit)
    name = clean(os.path.basename((filename or "").replace("\\", "/")))[:255] or "evidence"
    if not data:
        raise DomainError(_l("The file is empty."), field="file")
    if len(data) > limit:
        raise DomainError(_l("The file is larger than %(limit)s MB."), field="file", limit=_megabytes(limit))
    ftype = sniff(data)
    if ftype in ZIPPED:  # a .docx/.xlsx is a zip: refuse one that would expand without bound when opened
        problem = zip_problem(io.BytesIO(data), max_total=int(current_app.config.get("EVIDENCE_MAX_EXPANDED",
                                                                                     200 * 1024 * 1024)))
        if problem is not None:
            raise DomainError(problem[0], field="file", **problem[1])
    if ftype is None:
        raise DomainError(_l("%(name)s is not a PDF, Word, Excel, JPEG or PNG file (judged by its content, not "
                             "its name)."), field="file", name=name)
    return name, data, ftype


def check_upload(filename: str | None, stream, description: str = "") -> Upload:
    """Every check of an upload at once (the file's and the description's), touching no storage and
    writing nothing: the upload form's trial run, and the first half of `attach`."""
    check = Checks()
    checked = check(_checked_file, filename, stream)
    description = check(v.text_value, description, "description", _l("Description"), 200)
    check.done()
    name, data, ftype = checked
    return Upload(name, data, ftype, description)


def attach(record_type: str, record, filename: str, stream, *, actor, description: str = "") -> Attachment:
    """Check and store one file for `record` (which has a `base_id`), and record it as uploaded by `actor`."""
    upload = check_upload(filename, stream, description)
    name, data, ftype, description = upload.name, upload.data, upload.ftype, upload.description
    stored = secrets.token_hex(16)
    attachment = Attachment(base_id=record.base_id, record_type=record_type, record_id=record.id,
                            original_name=name, stored_name=stored, sha256=hashlib.sha256(data).hexdigest(),
                            size=len(data), content_type=ftype.mime, extension=ftype.extension,
                            description=description, uploaded_by_id=getattr(actor, "id", None))
    store = storage()
    try:
        store.put(key_of(attachment), data)
    except StorageError as exc:
        current_app.logger.error("evidence storage refused %s: %s", key_of(attachment), exc)
        raise DomainError(_l("The file store cannot be reached, so the file was not saved. Please try again "
                             "later."), field="file") from exc
    db.session.info.setdefault(NEW_FILES, []).append((store, key_of(attachment)))
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete(attachment: Attachment, *, actor) -> None:
    """Delete the record now (audited); its file goes when the transaction commits."""
    db.session.info.setdefault(DOOMED_FILES, []).append((storage(), key_of(attachment)))
    db.session.delete(attachment)
    db.session.flush()


def delete_for_record(record_type: str, record_id: int, *, actor) -> int:
    """Delete every attachment of a record (when the record itself is deleted)."""
    rows = list(db.session.scalars(select(Attachment).where(Attachment.record_type == record_type,
                                                            Attachment.record_id == record_id)))
    for attachment in rows:
        delete(attachment, actor=actor)
    return len(rows)


def verify(attachment: Attachment) -> bool:
    """The stored bytes still have the recorded SHA-256."""
    data = read(attachment)
    return data is not None and hashlib.sha256(data).hexdigest() == attachment.sha256


def _unlink(entries) -> None:
    # The store travels with the key: these hooks may run after the app context has gone.
    for store, key in entries:
        store.delete(key)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(NEW_FILES, None)
    _unlink(session.info.pop(DOOMED_FILES, []))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop(DOOMED_FILES, None)
    _unlink(session.info.pop(NEW_FILES, []))


ACCEPTED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), JPEG, PNG"
ACCEPT_ATTRIBUTE = ",".join(sorted({f".{t.extension}" for t in ACCEPTED} | {".jpeg"}))
