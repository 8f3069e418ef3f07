"""Small helpers every area's forms share."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from registry.errors import DomainError


def apply_domain_error(form, exc: DomainError) -> None:
    """Show a service's error beside the field it names, or at the top of the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    message = exc.localized()
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)


def strip(value):
    """Filter: trim ASCII and full-width spaces at both ends."""
    return value.strip().strip("\u3000").strip() if isinstance(value, str) else value


class Trimmed:
    """Validator-free marker to document trimmed fields (filters=[strip])."""


def choices(mapping) -> list[tuple[str, str]]:
    return [(key, label) for key, label in mapping.items()]


def not_blank(form, field):
    if isinstance(field.data, str) and not field.data.strip():
        raise ValidationError(_l("This field is required."))
