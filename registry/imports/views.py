"""Web import: upload → preview (every row error, what would change) → confirm or cancel.

The uploaded file waits in instance/imports/ under a random name that only the user's (signed)
session references; it is validated again at confirm (the roster may have changed meanwhile) and
deleted after confirm or cancel. Only those who may edit the base's roster get here.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import time
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, session,
                   url_for)
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from registry.authz import EDITORS, actor, allow
from registry.db_state import INTEGRITY_ERRORS
from registry.errors import _l
from registry.imports import services
from registry.imports.blank_workbooks import NOTES, build_template
from registry.imports.engine import WAITED, run_import
from registry.forms_support import submit_form, writing
from registry.imports.forms import UploadForm
from registry.imports.kinds import KINDS, ImportKind, register_import
from registry.imports.roster import ROSTER, RosterImporter
from registry.imports.students import STUDENTS, StudentImporter
from registry.orgs.views import load_base

bp = Blueprint("imports", __name__)
ROSTER_NOTE, STUDENTS_NOTE = NOTES["roster"], NOTES["students"]

STALE_AFTER = 3600  # uploads nobody confirmed or cancelled are removed after an hour ...
SWEEP_EVERY = 60  # ... by any request (at most once a minute per process) or command (sweep_stale_uploads)
_last_sweep = [float("-inf")]
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:xlsx|csv)")


COUNT_LABELS = {
    "rows": _l("Rows read"),
    "mentors_created": _l("Mentors to create"), "mentors_updated": _l("Mentors to update"),
    "appointments_created": _l("Appointments to create"), "appointments_updated": _l("Appointments to update"),
    "students_created": _l("Students to create"), "students_updated": _l("Students to update"),
    "assignments_created": _l("Mentor assignments to create"),
    "assignments_updated": _l("Mentor assignments to update"),
    "created": _l("Records to create"), "updated": _l("Records to update"), "unchanged": _l("Records unchanged"),
}


def upload_dir() -> Path:
    path = Path(current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kind(kind: str) -> ImportKind:
    found = KINDS.get(kind)
    if found is None:
        abort(404)
    return found


def _session_key(kind: ImportKind, base) -> str:
    return f"import:{kind.name}:{base.code}"


def _pending(kind: ImportKind, base) -> dict | None:
    """The upload waiting for this base and kind, if its file still exists."""
    entry = session.get(_session_key(kind, base))
    if not isinstance(entry, dict) or not _STORED_NAME.fullmatch(str(entry.get("file", ""))):
        return None
    path = upload_dir() / entry["file"]
    if not path.is_file():
        session.pop(_session_key(kind, base), None)
        return None
    return {"path": path, "name": str(entry.get("name") or entry["file"])[:200]}


def _discard(kind: ImportKind, base) -> None:
    entry = session.pop(_session_key(kind, base), None)
    if isinstance(entry, dict) and _STORED_NAME.fullmatch(str(entry.get("file", ""))):
        (upload_dir() / entry["file"]).unlink(missing_ok=True)


def sweep_stale_uploads(app=None) -> int:
    """Remove uploads older than STALE_AFTER that nobody confirmed or cancelled; the number removed.
    Cheap: one directory listing, no database."""
    app = app or current_app
    path = Path(app.config.get("IMPORT_DIR") or Path(app.instance_path) / "imports")
    cutoff = time.time() - app.config.get("UPLOAD_STALE_AFTER", STALE_AFTER)
    removed = 0
    try:
        entries = list(os.scandir(path))
    except OSError:  # no upload yet: no directory
        return 0
    for entry in entries:
        try:
            if _STORED_NAME.fullmatch(entry.name) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:  # removed meanwhile by another worker
            continue
    return removed


@bp.before_app_request
def _sweep_now_and_then():
    """Every request may sweep, at most once a minute per process (not only the next upload)."""
    now = time.monotonic()
    if now - _last_sweep[0] >= current_app.config.get("UPLOAD_SWEEP_EVERY", SWEEP_EVERY):
        _last_sweep[0] = now
        sweep_stale_uploads()


def _check(kind: ImportKind, base, pending: dict, dry_run: bool = True):
    return run_import(kind.factory(base, actor=actor()), pending["path"], pending["name"], dry_run=dry_run)


def _render_upload(kind: ImportKind, base, form, status=200):
    return render_template("imports/upload.html", kind=kind.name, base=base, form=form, spec=kind.spec,
                           title=kind.title), status


@bp.route("/bases/<code>/import/<kind>", methods=["GET", "POST"])
@allow(*EDITORS)
def upload(code, kind):
    kind = _kind(kind)
    base = load_base(code, edit=True)
    form = UploadForm()
    sent = form.file.data if isinstance(form.file.data, FileStorage) else None
    filename, stream = (sent.filename, sent.stream) if sent is not None else (None, None)
    # Every problem of the file at once, the form's and the content's, checked on the sent stream:
    # a refused file is kept nowhere, and an upload waiting from before stays.
    write = submit_form(form, lambda: _keep(kind, base, services.check_spreadsheet(filename, stream)),
                        check=lambda: services.check_spreadsheet(filename, stream))
    if write.ok:
        return redirect(url_for("imports.preview", code=base.code, kind=kind.name))
    return _render_upload(kind, base, form, 400 if request.method == "POST" else 200)


def _keep(kind: ImportKind, base, sheet: services.Spreadsheet) -> None:
    """The checked file waits for the preview and the confirmation, under a random name."""
    _discard(kind, base)
    sweep_stale_uploads()
    stored = f"{secrets.token_hex(16)}{sheet.suffix}"
    (upload_dir() / stored).write_bytes(sheet.data)
    session[_session_key(kind, base)] = {"file": stored, "name": sheet.name}


def _waiting(code: str, kind_name: str):
    """(kind, base, the spreadsheet waiting, None), or a redirect to the upload page last when none waits."""
    kind = _kind(kind_name)
    base = load_base(code, edit=True)
    pending = _pending(kind, base)
    if pending is None:
        flash(_("Upload a spreadsheet first."), "info")
        return kind, base, None, redirect(url_for("imports.upload", code=base.code, kind=kind.name))
    return kind, base, pending, None


@bp.route("/bases/<code>/import/<kind>/preview")
@allow(*EDITORS)
def preview(code, kind):
    kind, base, pending, upload_first = _waiting(code, kind)
    if upload_first:
        return upload_first
    result = _check(kind, base, pending)  # a dry run: writes nothing
    return _render_preview(kind, base, pending, result)


def _render_preview(kind: ImportKind, base, pending, result, status=200):
    labels = {**COUNT_LABELS, **kind.count_labels}
    return render_template("imports/preview.html", kind=kind.name, base=base, filename=pending["name"],
                           result=result, count_labels=labels, form=UploadForm(formdata=None),
                           title=kind.title), status


def _lost_race(exc) -> None:
    """Only a unique-key race is the import's to explain; any other refusal goes to the error pages."""
    if not isinstance(exc, INTEGRITY_ERRORS):
        raise exc


@bp.route("/bases/<code>/import/<kind>/confirm", methods=["POST"])
@allow(*EDITORS)
def confirm(code, kind):
    kind, base, pending, upload_first = _waiting(code, kind)
    if upload_first:
        return upload_first
    with writing(on_error=_lost_race) as write:
        result = _check(kind, base, pending, dry_run=False)  # validated again: the roster may have changed
        if not result.ok:  # nothing was written
            write.cancel()
    if write.error is not None:  # a concurrent change won the race (psycopg's own from COPY included)
        flash(_("The roster changed while importing; nothing was imported. Please check the file again."), "error")
        return redirect(url_for("imports.preview", code=code, kind=kind.name))
    if not write.ok:
        flash(_("Nothing was imported: the file no longer passes the checks."), "error")
        return _render_preview(kind, base, pending, result, 409)
    _discard(kind, base)
    if result.waited:
        flash(str(WAITED), "info")
    flash(str(kind.done) % result.counts, "success")
    return redirect(url_for("orgs.base_detail", code=code))


@bp.route("/bases/<code>/import/<kind>/cancel", methods=["POST"])
@allow(*EDITORS)
def cancel(code, kind):
    kind = _kind(kind)
    base = load_base(code, edit=True)
    _discard(kind, base)
    flash(_("The upload was discarded; nothing was imported."), "info")
    return redirect(url_for("imports.upload", code=base.code, kind=kind.name))


@bp.route("/import/templates/<kind>.xlsx")
@allow(*EDITORS)
def template(kind):
    kind = _kind(kind)
    data = build_template(kind.spec, kind.sheet_title, kind.note)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{kind.name}-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def register() -> None:
    """The web import's own kinds: mentor rosters and students (called from the area's setup())."""
    register_import(ImportKind(
        "roster", ROSTER, RosterImporter, order=10, sheet_title="导师名单", note=ROSTER_NOTE,
        title=_l("Import the mentor roster"),
        done=_l("Imported %(rows)s rows: %(mentors_created)s mentors created, %(mentors_updated)s updated, "
                "%(appointments_created)s appointments created, %(appointments_updated)s updated.")))
    register_import(ImportKind(
        "students", STUDENTS, StudentImporter, order=20, sheet_title="学生名单", note=STUDENTS_NOTE,
        title=_l("Import students and their mentors"),
        done=_l("Imported %(rows)s rows: %(students_created)s students created, %(students_updated)s updated, "
                "%(assignments_created)s mentor assignments created, %(assignments_updated)s updated.")))
