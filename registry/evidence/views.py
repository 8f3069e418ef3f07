"""Evidence files: upload to a record, download (as an attachment only), delete (audited)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from registry import authz
from registry.authz import ALL, EDITORS, actor, allow
from registry.errors import _l
from registry.evidence import queries, services
from registry.evidence.attachables import ATTACHABLE, register_attachable
from registry.evidence.forms import UploadForm
from registry.forms_support import delete_then, submit_form
from registry.evidence.models import Attachment
from registry.evidence.storage import StorageError
from registry.extensions import db
from registry.mentors.models import Appointment
from registry.orgs.models import Base

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


def _appointment_url(obj, base):
    return url_for("evidence.appointment_evidence", appointment_id=obj.id)


def register() -> None:
    """The evidence area's own attachable: a mentor's appointment (called from `setup`)."""
    register_attachable("appointment", Appointment, _l("Appointment"), _appointment_url)


# A refused upload goes back to its record's page (the upload form is part of it, drawn by other
# areas' views) with its errors and description kept here for that one page, as a flash would be.
REFUSED = "evidence_refused_upload"
KEPT_DESCRIPTION = 400  # characters: the session is a cookie


def _keep_refused(record_type: str, record_id: int, form: UploadForm) -> None:
    session[REFUSED] = {"record": [record_type, record_id],
                        "description": (form.description.data or "")[:KEPT_DESCRIPTION],
                        "fields": {name: [str(m) for m in field.errors]
                                   for name, field in form._fields.items() if field.errors and name != "csrf_token"},
                        # a refused CSRF token is about the whole form, not a field the page shows
                        "form": [str(m) for m in [*form.form_errors, *form.errors.get("csrf_token", ())]]}


def _upload_form(record_type: str, record_id: int) -> UploadForm:
    """The record page's upload form: blank, or the upload just refused for this record with every
    one of its errors beside its field (each page shows a refusal once)."""
    form = UploadForm(formdata=None)
    refused = session.pop(REFUSED, None)
    if not isinstance(refused, dict) or refused.get("record") != [record_type, record_id]:
        return form
    form.description.data = refused.get("description") or ""
    for name, messages in (refused.get("fields") or {}).items():
        if name in form._fields and name != "csrf_token":
            form._fields[name].errors = list(messages)
    form.form_errors = list(refused.get("form") or [])
    return form


def attachments_context(record_type: str, obj, base) -> dict:
    """What `evidence/_attachments.html` needs on a record's page (include it with these names)."""
    return {"attachments": queries.attachments_for(record_type, obj.id),
            "upload_form": _upload_form(record_type, obj.id),
            "upload_url": url_for("evidence.upload", record_type=record_type, record_id=obj.id),
            "can_attach": authz.can_edit_base(actor(), base),
            "accepted_label": services.ACCEPTED_LABEL, "accept_attribute": services.ACCEPT_ATTRIBUTE,
            "max_megabytes": services._megabytes(services.max_bytes())}


def _visible_base(base_id: int) -> Base:
    base = db.session.get(Base, base_id)
    if base is None or not authz.can_view_base(actor(), base):
        abort(404)  # another base's file looks the same as no file
    return base


def _load_record(record_type: str, record_id: int):
    kind = ATTACHABLE.get(record_type)
    if kind is None:
        abort(404)
    obj = db.session.get(kind.model, record_id)
    if obj is None:
        abort(404)
    return kind, obj, _visible_base(obj.base_id)


@bp.route("/<record_type>/<int:record_id>/upload", methods=["POST"])
@allow(*EDITORS)
def upload(record_type, record_id):
    kind, obj, base = _load_record(record_type, record_id)
    if not authz.can_edit_base(actor(), base):
        abort(403)
    form = UploadForm()
    back = kind.url(obj, base)
    sent = form.file.data if isinstance(form.file.data, FileStorage) else None
    filename, stream = (sent.filename, sent.stream) if sent is not None else (None, None)
    # Every problem at once: when the form refuses a field, the file's and the description's checks
    # still run on what was sent (check_upload stores nothing), so they stand in the same answer.
    write = submit_form(form, lambda: services.attach(record_type, obj, filename, stream, actor=actor(),
                                                      description=form.description.data),
                        check=lambda: services.check_upload(filename, stream, form.description.data))
    if write.ok:
        flash(_("Attached %(name)s.", name=write.result.original_name), "success")
        return redirect(back, 303)
    _keep_refused(record_type, obj.id, form)
    return redirect(f"{back}#evidence-upload-errors", 303)


@bp.route("/<int:attachment_id>/download")
@allow(*ALL)
def download(attachment_id):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    _visible_base(attachment.base_id)
    if attachment.record_type == "appointment":  # appointment letters are the person's own
        appointment = db.session.get(Appointment, attachment.record_id)
        if appointment is None or not authz.can_view_appointment(actor(), appointment):
            abort(404)
    try:
        data = services.read(attachment)
    except StorageError:
        current_app.logger.exception("evidence storage unreachable")
        abort(503)
    if data is None:
        current_app.logger.error("evidence file missing: attachment %s, key %s", attachment.id,
                                 services.key_of(attachment))
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.download_name, max_age=0, etag=attachment.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
@allow(*EDITORS)
def delete(attachment_id):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    base = _visible_base(attachment.base_id)
    if not authz.can_edit_base(actor(), base):
        abort(403)
    kind = ATTACHABLE.get(attachment.record_type)
    obj = db.session.get(kind.model, attachment.record_id) if kind else None
    return delete_then(lambda: services.delete(attachment, actor=actor()),
                       done=kind.url(obj, base) if obj is not None else url_for("orgs.base_detail", code=base.code),
                       message=_("Deleted %(name)s.", name=attachment.original_name), code=303)


@bp.route("/appointment/<int:appointment_id>")
@allow(*ALL)
def appointment_evidence(appointment_id):
    """An appointment's evidence (appointment letters): the roster's appointment pages link here."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or not authz.can_view_appointment(actor(), appointment):
        abort(404)
    base = _visible_base(appointment.base_id)
    return render_template("evidence/appointment.html", appointment=appointment, base=base,
                           **attachments_context("appointment", appointment, base))
