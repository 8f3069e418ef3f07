"""Evidence files: upload to a record, download (as an attachment only), delete (audited)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from registry import authz
from registry.authz import ALL, EDITORS, actor, allow
from registry.errors import _l
from registry.evidence import queries, services
from registry.evidence.attachables import ATTACHABLE, register_attachable
from registry.evidence.forms import UploadForm
from registry.forms_support import delete_then, flash_error, writing
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


def attachments_context(record_type: str, obj, base) -> dict:
    """What `evidence/_attachments.html` needs on a record's page (include it with these names)."""
    return {"attachments": queries.attachments_for(record_type, obj.id),
            "upload_form": UploadForm(formdata=None),
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
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(back, 303)
    upload_file = form.file.data
    with writing(on_error=flash_error) as write:
        attachment = services.attach(record_type, obj, upload_file.filename, upload_file.stream,
                                     actor=actor(), description=form.description.data)
    if write.ok:
        flash(_("Attached %(name)s.", name=attachment.original_name), "success")
    return redirect(back, 303)


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
