"""The form as a file: its name, its bytes and the data it was rendered from (frozen or today's)."""
from __future__ import annotations

from registry.application import docx as form_docx
from registry.application.queries import form_of, latest_frozen


def form_file_name(base_code: str) -> str:
    return f"申请书-{base_code}.docx"


def form_document(base, frozen=None) -> tuple[str, bytes, dict]:
    """(file name, .docx bytes, data): the frozen form `frozen` (a FrozenForm), else the base's
    latest frozen form, else the registry's state today."""
    frozen = frozen if frozen is not None else latest_frozen(base.id)
    if frozen is not None:
        data, submitted_on = frozen.data, frozen.submission.submitted_on.isoformat()
    else:
        data, _frozen = form_of(base)
        submitted_on = None
    return form_file_name(base.code), form_docx.render(data, submitted_on=submitted_on), data
